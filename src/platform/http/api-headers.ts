import type { FastifyInstance } from 'fastify';

/**
 * Every API answer: `nosniff`, so no browser ever reads JSON as a script or a page, and
 * `Cache-Control: no-store` unless the route chose its own caching (the queue summary, the
 * fairness proof). Orders, tickets, codes and the operator's lists carry personal data; no
 * shared cache or back-button cache may keep them.
 */
export function registerApiHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/api/')) {
      reply.header('x-content-type-options', 'nosniff');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { routeClass, type RouteClass } from './route-classes.js';
import type { Refusal } from './shield.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the shield's gate: the route's class, and whether the shield refused it. */
    shieldClass: RouteClass | undefined;
    shieldRefused: boolean;
  }
}

/** A refusal's body, serialised without the error handler (no exception, no stack trace). */
export function refusalBody(refusal: Refusal): string {
  return JSON.stringify({ error: { code: refusal.code, message: refusal.message, ...(refusal.retryAfter ? { retryAfter: refusal.retryAfter } : {}) } });
}

export function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  reply.request.shieldRefused = true;
  if (refusal.retryAfter) reply.header('retry-after', String(refusal.retryAfter));
  return reply.code(refusal.status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(refusalBody(refusal));
}

/**
 * Puts every request through the shield's gate before anything else runs (routing has already
 * named the route, so its class is known), and tells the shield how it ended.
 */
export function registerShieldHooks(app: FastifyInstance, ctx: AppContext): void {
  const { shield } = ctx;
  if (!shield.enabled) return;
  app.decorateRequest('shieldClass', undefined);
  app.decorateRequest('shieldRefused', false);

  app.addHook('onRequest', async (request, reply) => {
    shield.shedder.requestStarted();
    const cls = routeClass(request.method, request.routeOptions.url);
    request.shieldClass = cls;
    const headers = request.headers;
    const account = cls === 'queue_join' ? (headers['x-queue-key'] as string | undefined) : undefined;
    // Status polls take the promise-free gate, as in the fast lane, so both answer alike.
    const refusal =
      cls === 'queue_status'
        ? shield.gateNow(cls, request.ip)
        : await shield.gate(cls, request.ip, account, headers['x-shield-solution'] as string | undefined);
    if (refusal) return sendRefusal(reply, refusal);
  });

  // Order confirmations are sent to the address the buyer typed: limited per address, so the
  // box office cannot be used to flood someone's inbox.
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== '/api/holds/:id/order' || request.method !== 'POST') return;
    const email = (request.body as { buyer?: { email?: unknown } } | undefined)?.buyer?.email;
    if (typeof email !== 'string') return;
    const refusal = await shield.gateEmail(request.ip, email);
    if (refusal) return sendRefusal(reply, refusal);
  });

  app.addHook('onResponse', (request, reply, done) => {
    shield.requestEnded(reply.statusCode, request.shieldRefused);
    done();
  });
}

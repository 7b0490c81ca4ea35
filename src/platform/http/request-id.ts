import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** What an incoming X-Request-Id may be: short, and nothing a log reader could mistake for more. */
const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Fastify's `genReqId`: the proxy's X-Request-Id (nginx's `$request_id`) when the request comes
 * from a trusted proxy (TRUSTED_PROXIES) and the id is a short safe token, so one id follows a
 * request through nginx's log and the app's; otherwise a new one. A client cannot choose the id
 * the app logs: from anywhere else the header is ignored.
 */
export function requestIdFor(fromTrustedProxy: (req: IncomingMessage) => boolean): (req: IncomingMessage) => string {
  return (req) => {
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && SAFE_ID.test(given) && fromTrustedProxy(req)) return given;
    return randomUUID();
  };
}

/** Every answer names its request id (`reqId` in the log), refusals and errors included. */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}

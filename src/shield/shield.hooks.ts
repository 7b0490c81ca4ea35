import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEVICE_COOKIE } from '../accounts/login-throttle.js';
import type { AppContext } from '../platform/context.js';
import { principalOf } from '../platform/http/permission-guard.js';
import { routeClass, type RouteClass } from './route-classes.js';
import { isPageRequest, pageLocale, SHED_PAGE_CSP, shedPage } from './shed-page.js';
import { refusalBody } from './refusal-answers.js';
import type { Refusal } from './shield.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the shield's gate: the route's class, and whether the shield refused it. */
    shieldClass: RouteClass | undefined;
    shieldRefused: boolean;
  }
}

export { refusalBody };

/** The refusal as JSON; a person whose page was shed gets a page that tries again by itself. */
export function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  const request = reply.request;
  request.shieldRefused = true;
  if (refusal.retryAfter) reply.header('retry-after', String(refusal.retryAfter));
  reply.code(refusal.status).header('cache-control', 'no-store');
  if (refusal.code === 'overloaded' && isPageRequest(request.method, request.url)) {
    const locale = pageLocale(request.headers['accept-language']);
    return reply
      .header('content-security-policy', SHED_PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('content-language', locale)
      .header('vary', 'accept-language')
      .type('text/html; charset=utf-8')
      .send(shedPage(locale, refusal.retryAfter ?? 5));
  }
  return reply.type('application/json; charset=utf-8').send(refusalBody(refusal));
}

/**
 * Puts every request through the shield's gate before anything else runs (routing has already
 * named the route, so its class is known), and tells the shield how it ended.
 */
export function registerShieldHooks(app: FastifyInstance, ctx: AppContext): void {
  const { shield } = ctx;
  // The admin guard reports the credentials it refuses, whether the shield is on or not.
  app.decorate('operatorAuthFailed', (request: FastifyRequest) => shield.operatorAuthFailed(request.ip, request.routeOptions.url ?? request.url));
  if (!shield.enabled) return;
  app.decorateRequest('shieldClass', undefined);
  app.decorateRequest('shieldRefused', false);

  app.addHook('onRequest', async (request, reply) => {
    shield.shedder.requestStarted();
    const cls = routeClass(request.method, request.routeOptions.url);
    request.shieldClass = cls;
    const headers = request.headers;
    // A valid operator credential (staff session, API key, break-glass token) passes every layer.
    if (cls === 'operator' && (await principalOf(ctx.principals, request))) return;
    // A browser that once signed in here (a genuine device cookie) passes the login class's address
    // limits and proof of work: the sign-in throttle still counts its attempts, on its own budget.
    if (cls === 'login' && ctx.loginThrottle.knownDevice(request.cookies?.[DEVICE_COOKIE])) return;
    const key = cls === 'queue_join' ? (headers['x-queue-key'] as string | undefined) : cls === 'operator' ? headers.authorization : undefined;
    // Status polls take the promise-free gate, as in the fast lane, so both answer alike.
    const refusal =
      cls === 'queue_status' ? shield.gateNow(cls, request.ip) : await shield.gate(cls, request.ip, key, headers['x-shield-solution'] as string | undefined);
    if (!refusal) return;
    // A wrong admin token the guard will not see: the attempt is still audited and counted.
    if (cls === 'operator' && key) shield.operatorAuthFailed(request.ip, request.routeOptions.url ?? request.url);
    return sendRefusal(reply, refusal);
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

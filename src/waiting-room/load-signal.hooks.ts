import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { CHECKOUT_ROUTES, type LoadSignal } from './load-signal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** When a checkout step's handler began (performance.now()), for the load signal; 0 before. */
    checkoutStartedAt: number;
  }
}

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;
const append = (existing: Hook | Hook[] | undefined, hook: Hook): Hook[] =>
  existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];

/**
 * Feeds the waiting room's load signal from checkout's own steps only. The hooks are attached to
 * those routes alone (as they are declared), so no other request pays for them. The time is taken
 * from the handler's start: a client that sends its body slowly, or a request refused before it
 * (by the shield, by validation), says nothing about checkout's health. Registered before the routes.
 */
export function registerLoadSignalHooks(app: FastifyInstance, load: LoadSignal): void {
  app.decorateRequest('checkoutStartedAt', 0);
  const started: Hook = (request, _reply, done) => {
    request.checkoutStartedAt = performance.now();
    done();
  };
  const answered: Hook = (request, reply, done) => {
    if (request.checkoutStartedAt > 0 && !request.shieldRefused) load.observe(reply.statusCode, performance.now() - request.checkoutStartedAt);
    done();
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((method) => CHECKOUT_ROUTES.has(`${method} ${route.url}`))) return;
    route.preHandler = append(route.preHandler as Hook | Hook[] | undefined, started);
    route.onResponse = append(route.onResponse as Hook | Hook[] | undefined, answered);
  });
}

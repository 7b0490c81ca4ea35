import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import { httpDuration, httpRequests } from '../metrics.js';

/**
 * The route classes requests are counted by: the group of the route's pattern, never the raw URL,
 * so the number of series stays bounded whatever clients send. Not the shield's classes
 * (shield/route-classes.ts): those group by how a request may be refused (a hold, an order and a
 * payment are all `checkout` there), these by what an operator watches during an on-sale.
 */
export const METRICS_CLASSES = [
  'fan_catalog',
  'queue_join',
  'queue_status',
  'queue_info',
  'hold',
  'order',
  'payment',
  'webhook',
  'account',
  'checkin',
  'challenge',
  'admin',
  'metrics',
  'health',
  'page',
  'static',
  'other',
] as const;
export type MetricsClass = (typeof METRICS_CLASSES)[number];

/** The class of a route pattern (`/api/holds/:id`); undefined (no route matched) is `other`. */
export function metricsClassOf(url: string | undefined): MetricsClass {
  if (url === undefined) return 'other';
  if (url === '/metrics') return 'metrics';
  if (url.startsWith('/api/health')) return 'health';
  if (url === '/api/queue/status') return 'queue_status';
  if (url === '/api/performances/:id/queue') return 'queue_join';
  if (url.startsWith('/api/performances/:id/queue/')) return 'queue_info';
  if (url === '/api/performances/:id/holds' || url === '/api/holds/:id') return 'hold';
  if (url === '/api/orders/:id/payment') return 'payment';
  if (url.startsWith('/api/payments/webhooks/')) return 'webhook';
  if (url === '/api/holds/:id/order' || url.startsWith('/api/orders/')) return 'order';
  if (url === '/api/events' || url.startsWith('/api/events/') || url.startsWith('/api/performances/')) return 'fan_catalog';
  if (url.startsWith('/api/account/')) return 'account';
  if (url === '/api/checkin' || url.startsWith('/api/tickets/')) return 'checkin';
  if (url === '/api/shield/challenge') return 'challenge';
  if (url.startsWith('/api/admin/') || url.startsWith('/api/auth/staff/')) return 'admin';
  if (url === '/assets/*') return 'static';
  if (!url.startsWith('/api/')) return 'page';
  return 'other';
}

export interface RequestRecorder {
  /** One answered request: counted, and its time observed; no allocation once the status was seen. */
  record(status: number, seconds: number): void;
}

const recorders = new Map<MetricsClass, RequestRecorder>();

/**
 * A class's counter and histogram, their label children bound once per status code the class
 * answers with. The queue-status fast lane holds one: a poll costs two lookups and two additions.
 */
export function requestRecorder(cls: MetricsClass): RequestRecorder {
  let recorder = recorders.get(cls);
  if (recorder) return recorder;
  const children = new Map<number, { count: Counter.Internal; time: Histogram.Internal<'class' | 'status'> }>();
  recorder = {
    record(status, seconds) {
      let child = children.get(status);
      if (child === undefined) {
        const code = String(status);
        child = { count: httpRequests.labels(cls, code), time: httpDuration.labels(cls, code) };
        children.set(status, child);
      }
      child.count.inc();
      child.time.observe(seconds);
    },
  };
  recorders.set(cls, recorder);
  return recorder;
}

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;
const append = (existing: Hook | Hook[] | undefined, hook: Hook): Hook[] =>
  existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];

/**
 * Counts every answer Fastify gives by its route's class and status, and times it from arrival.
 * Each route gets its own hook bound to its class's recorder when it is declared, so a request
 * looks nothing up; answers without a route (404) are counted as `other`. The queue-status fast
 * lane, which answers before Fastify, records itself. Registered before the routes.
 */
export function registerRequestMetrics(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const recorder = requestRecorder(metricsClassOf(route.url));
    const answered: Hook = (_request, reply, done) => {
      recorder.record(reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = append(route.onResponse as Hook | Hook[] | undefined, answered);
  });
  const other = requestRecorder('other');
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) other.record(reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppError, PG, pgCode } from './errors.js';
import { isDatabaseUnavailable } from './outages.js';

/**
 * The process's metrics, in one registry, every name starting with `taquilla_`. GET /metrics
 * shows it to an operator credential holding `metrics.read`, and METRICS_PORT to a scraper on a
 * private network. Expected refusals and outages are counted here instead of logged per request:
 * the logs say only when a dependency goes away and comes back. Figures read at scrape time
 * (queue, shield mode, pool, outbox, build) are in metrics.scrape.ts.
 */
export const metrics = new Registry();

export const refusals = new Counter({
  name: 'taquilla_refusals_total',
  help: 'Expected refusals answered 503 with Retry-After, by code (database_unavailable, queue_unavailable, busy, overloaded)',
  labelNames: ['code'] as const,
  registers: [metrics],
});

export const dependencyUp = new Gauge({
  name: 'taquilla_dependency_up',
  help: '1 while the dependency answers, 0 from its first failure until it answers again',
  labelNames: ['dependency'] as const,
  registers: [metrics],
});

export const dependencyOutages = new Counter({
  name: 'taquilla_dependency_outages_total',
  help: 'Times a dependency became unreachable',
  labelNames: ['dependency'] as const,
  registers: [metrics],
});

export const jobFailures = new Counter({
  name: 'taquilla_job_failures_total',
  help: 'Background job runs that failed, by job, and whether an outage (not logged) or another error (logged) caused it',
  labelNames: ['job', 'cause'] as const,
  registers: [metrics],
});

export const poolCheckouts = new Counter({
  name: 'taquilla_db_pool_checkouts_total',
  help: 'Connections taken from the database pool: one per statement or transaction',
  registers: [metrics],
});

// Requests, by the route's class (its pattern's group, never the raw URL) and status code.

export const httpRequests = new Counter({
  name: 'taquilla_http_requests_total',
  help: 'Answered requests, by route class (request-metrics.ts) and status code',
  labelNames: ['class', 'status'] as const,
  registers: [metrics],
});

export const httpDuration = new Histogram({
  name: 'taquilla_http_request_duration_seconds',
  help: 'Time from the request arriving to its answer, by route class and status code',
  labelNames: ['class', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metrics],
});

// What checkout decided, counted once the decision is committed.

export const holdsTotal = new Counter({
  name: 'taquilla_holds_total',
  help: "Fans' hold requests by outcome (created, replayed, refused, unavailable, failed; released, expired), and the error code of a refusal",
  labelNames: ['outcome', 'reason'] as const,
  registers: [metrics],
});

export const ordersTotal = new Counter({
  name: 'taquilla_orders_total',
  help: 'Orders by channel (online, box_office, comp) and outcome (created, replayed, refused, unavailable, failed), and the error code of a refusal',
  labelNames: ['channel', 'outcome', 'reason'] as const,
  registers: [metrics],
});

export const paymentsTotal = new Counter({
  name: 'taquilla_payments_total',
  help: 'Payment confirmations by outcome (paid, declined, replayed, refused, unavailable, failed), and the decline reason or error code',
  labelNames: ['outcome', 'reason'] as const,
  registers: [metrics],
});

export const ticketsSold = new Counter({
  name: 'taquilla_tickets_sold_total',
  help: 'Tickets issued by a committed sale, by channel (online, box_office, comp)',
  labelNames: ['channel'] as const,
  registers: [metrics],
});

export const queueAdmissions = new Counter({
  name: 'taquilla_queue_admissions_total',
  help: 'Fans this process admitted from a waiting room (sum over processes for the whole)',
  labelNames: ['performance'] as const,
  registers: [metrics],
});

export const shieldRefusals = new Counter({
  name: 'taquilla_shield_refusals_total',
  help: 'Requests the shield refused, by reason (rate_limited, blocked, overloaded, challenge_required)',
  labelNames: ['reason'] as const,
  registers: [metrics],
});

/**
 * How a failed decision is counted: a refusal the client caused or is told about (4xx, with its
 * code), an expected "come back shortly" (database away, contention), or a failure (anything else).
 */
export function failureOutcome(error: unknown): { outcome: 'refused' | 'unavailable' | 'failed'; reason: string } {
  if (error instanceof AppError) return error.status < 500 ? { outcome: 'refused', reason: error.code } : { outcome: 'unavailable', reason: error.code };
  if (isDatabaseUnavailable(error)) return { outcome: 'unavailable', reason: 'database_unavailable' };
  const code = pgCode(error);
  // Lock timeout, deadlock, serialization failure: the error handler answers 503 busy.
  if (code === PG.lockNotAvailable || code === PG.deadlock || code === PG.serializationFailure) return { outcome: 'unavailable', reason: 'busy' };
  return { outcome: 'failed', reason: '' };
}

let processMetrics = false;
/** CPU, memory, event-loop delay and GC, named `taquilla_process_*` and `taquilla_nodejs_*`; once per process. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metrics, prefix: 'taquilla_' });
}

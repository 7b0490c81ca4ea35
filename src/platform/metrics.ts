import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The process's metrics, in one registry (the route that exposes it comes with the operations
 * issue). Expected refusals and outages are counted here instead of logged per request: the logs
 * say only when a dependency goes away and comes back.
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

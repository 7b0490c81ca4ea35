import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { pendingMigrations } from '../migrate.js';
import { ErrorResponse } from './schemas.js';

/** Contexts whose process received SIGTERM: readiness answers 503 while it finishes in-flight work. */
const draining = new WeakSet<AppContext>();
export const markDraining = (ctx: AppContext) => draining.add(ctx);
export const isDraining = (ctx: AppContext) => draining.has(ctx);

/**
 * While draining, requests that still arrive on open keep-alive connections are served (a payment
 * in flight finishes), each answer closing its connection, so the client's next request opens a
 * new one, to a node that is not stopping. Fastify's own answer while closing would be a 503
 * without Retry-After instead.
 */
export function registerDraining(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', (_request, reply, done) => {
    if (draining.has(ctx)) reply.header('connection', 'close');
    done();
  });
}

/** A readiness probe must answer within a load balancer's timeout, even when the pool is saturated. */
const CHECK_TIMEOUT_MS = 2000;

type Check = 'ok' | 'failed' | 'not_configured' | 'pending';

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const checkSchema = Type.Union([Type.Literal('ok'), Type.Literal('failed'), Type.Literal('not_configured'), Type.Literal('pending')]);
const readySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  /** The checks that failed, so whoever reads the probe sees why. */
  failed: Type.Array(Type.String()),
  checks: Type.Object({ database: checkSchema, redis: checkSchema, migrations: checkSchema, draining: Type.Boolean() }),
});

/**
 * Three probes. `/api/health` is the contract's (the database answers; which kind it is).
 * `/api/health/live` says only that the process runs: a liveness probe restarts a process that
 * fails it, and a database outage is no reason to restart one. `/api/health/ready` says whether
 * to send this process traffic: the database answers, Redis answers (when configured), this
 * build's migrations have run, and it is not draining after SIGTERM. Load balancers use `ready`.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/health',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Check that the server and its database answer',
        tags: ['platform'],
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.Union([Type.Literal('embedded'), Type.Literal('external')]) }),
          503: ErrorResponse,
        },
      },
    },
    async () => {
      try {
        await sql`SELECT 1`.execute(ctx.db);
      } catch {
        throw new AppError('database_unavailable', 503, 'The database is not answering', { retryAfter: 2 });
      }
      return { status: 'ok' as const, database: ctx.databaseKind };
    },
  );

  app.get(
    '/api/health/live',
    {
      schema: {
        operationId: 'getLiveness',
        summary: 'Check that the process runs (liveness probe)',
        tags: ['platform'],
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  const probe = (work: Promise<unknown>): Promise<Check> =>
    within(work, CHECK_TIMEOUT_MS).then(
      () => 'ok',
      () => 'failed',
    );
  // Once every migration of this build has run, it stays so: checked until then, not every probe.
  let migrated = false;
  const migrations = async (): Promise<Check> => {
    if (!migrated) migrated = (await within(pendingMigrations(ctx.db), CHECK_TIMEOUT_MS)).length === 0;
    return migrated ? 'ok' : 'pending';
  };

  app.get(
    '/api/health/ready',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'Check whether this process should get traffic (readiness probe)',
        tags: ['platform'],
        security: [],
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const [database, redis, migrationsCheck] = await Promise.all([
        probe(sql`SELECT 1`.execute(ctx.db)),
        ctx.config.redisUrl ? probe(ctx.waitingRoom.store.ready()) : ('not_configured' as const),
        migrations().catch(() => 'failed' as const),
      ]);
      const checks = { database, redis, migrations: migrationsCheck, draining: draining.has(ctx) };
      const failed = [
        ...Object.entries({ database, redis, migrations: migrationsCheck })
          .filter(([, v]) => v === 'failed' || v === 'pending')
          .map(([k]) => k),
        ...(checks.draining ? ['draining'] : []),
      ];
      reply.header('cache-control', 'no-store');
      if (failed.length) reply.status(503);
      return { status: failed.length ? ('not_ready' as const) : ('ready' as const), failed, checks };
    },
  );
};

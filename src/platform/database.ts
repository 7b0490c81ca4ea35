import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './database.types.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';
import { poolCheckouts } from './metrics.js';
import { LOCK_TIMEOUT_MS } from './transaction.js';
import { dependencyState, describe, isDatabaseUnavailable, type OutageLog, StartupError, silentLog } from './outages.js';

// COUNT(*) and SUM() come back as int8; every figure Taquilla counts fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'embedded' | 'external';
  close(): Promise<void>;
}

const MAX_PREPARED = 1000;

/**
 * Names every parameterised statement after a hash of its text, so each connection parses and
 * plans it once and then only binds and executes. Measured on the checkout benchmark: parsing and
 * planning were ~70% of PostgreSQL's time per purchase. Statements without parameters (migration
 * scripts, which may hold several statements) stay unnamed, and a connection names at most
 * MAX_PREPARED distinct texts so generated queries cannot grow its cache without bound.
 */
function prepareStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const names = new Map<string, string>();
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      let name = names.get(text);
      if (!name && names.size < MAX_PREPARED) {
        name = `t_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
        names.set(text, name);
      }
      if (name) return query({ name, text, values }, callback);
    }
    return query(text, values, callback);
  };
}

/** How long a request waits for a connection (a free one from the pool, or a new one) before 503. */
const CONNECTION_TIMEOUT_MS = 5000;

export interface DatabaseLog extends OutageLog {
  warn(data: object, message: string): void;
}

export interface ConnectOptions {
  /** Where "database unreachable" and "reachable again" are said, once each per outage. */
  log?: OutageLog;
  connectionTimeoutMs?: number;
}

/**
 * A pool that outlives its server: a restart or failover fails the queries in flight (the error
 * handler answers 503 `database_unavailable`), the pool drops the dead connections, and the next
 * checkout connects again, so the process serves as soon as PostgreSQL answers.
 */
export function connect(url: string, poolSize: number, options: ConnectOptions = {}): Kysely<Database> {
  const state = dependencyState('database', 'database', options.log ?? silentLog);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
    keepAlive: true,
    // Every connection gives up waiting for a row lock after the stock transactions' limit, set
    // once at connect instead of a `set_config` round trip in every transaction. The migration
    // runner's advisory lock sets its own (Kysely's adapter), and migrations run with none
    // (platform/migrate.ts); a transaction that needs longer sets it locally.
    options: `-c lock_timeout=${LOCK_TIMEOUT_MS}`,
  });
  pool.on('connect', (client) => {
    prepareStatements(client);
    // pg-pool listens for errors only on idle clients. A checked-out client whose server goes
    // away emits 'error' to nobody, which is an uncaught exception that ends the process. Its
    // query fails by itself, and the pool drops it on release since it is no longer queryable.
    client.on('error', (error) => {
      if (isDatabaseUnavailable(error)) state.down(error);
    });
    state.recovered();
  });
  // An idle client losing its server must not crash the process; the next checkout reconnects.
  pool.on('error', (error) => {
    if (isDatabaseUnavailable(error)) state.down(error);
  });
  // A refused or failed connection is an outage; waiting in the pool's queue too long is not.
  const noteFailure = (error: unknown) => {
    if (isDatabaseUnavailable(error) && !/^timeout exceeded when trying to connect/.test((error as Error).message)) state.down(error);
  };
  const checkout = pool.connect.bind(pool) as (callback?: (error: Error | undefined, ...rest: unknown[]) => void) => Promise<pg.PoolClient> | undefined;
  (pool as { connect: unknown }).connect = (callback?: (error: Error | undefined, ...rest: unknown[]) => void) => {
    poolCheckouts.inc();
    if (callback) {
      return checkout((error, ...rest) => {
        if (error) noteFailure(error);
        callback(error, ...rest);
      });
    }
    return checkout()!.catch((error: unknown) => {
      noteFailure(error);
      throw error;
    });
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The pool behind a database handle, as the metrics read it at scrape time; undefined for a transaction. */
export function poolStats(db: Kysely<Database>): { size: number; inUse: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  if (!pool) return undefined;
  return { size: pool.options.max, inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/** Where PostgreSQL is, for log lines: host and port, never the password. */
function where(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}`;
}

/**
 * Start-up waits for a database that refuses connections (not up yet, starting, too many
 * clients) for up to `seconds`, trying again with backoff and saying what it waits for. Other
 * failures (a wrong password, a missing database) end the wait at once.
 */
export async function waitForDatabase(url: string, seconds: number, log: DatabaseLog): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECTION_TIMEOUT_MS });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      const left = deadline - Date.now();
      if (!isDatabaseUnavailable(error)) throw error;
      if (left <= 0) {
        throw new StartupError(
          `PostgreSQL at ${where(url)} did not accept a connection within ${seconds} s (${describe(error)}); set DATABASE_WAIT_SECONDS to wait longer`,
        );
      }
      log.warn({ database: where(url), reason: describe(error), secondsLeft: Math.ceil(left / 1000) }, 'waiting for PostgreSQL to accept connections');
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/**
 * With DATABASE_URL, uses that PostgreSQL and starts none. Otherwise starts Taquilla's own under
 * `<dataDir>/postgres`, with a password derived from the deployment secret.
 */
export async function openDatabase(config: Config, log: DatabaseLog): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    await waitForDatabase(config.databaseUrl, config.databaseWaitSeconds, log);
    const db = connect(config.databaseUrl, config.databasePoolSize, { log });
    return { db, kind: 'external', close: () => db.destroy() };
  }
  const password = createHmac('sha256', config.secret).update('embedded-postgres').digest('base64url');
  const server: EmbeddedServer = await startEmbeddedPostgres({
    dir: join(config.dataDir, 'postgres'),
    port: config.embeddedPostgresPort,
    password,
  });
  await ensureDatabase(server.url('postgres'), 'taquilla');
  log.info({ port: config.embeddedPostgresPort }, `embedded PostgreSQL running on 127.0.0.1:${config.embeddedPostgresPort}`);
  const db = connect(server.url('taquilla'), config.databasePoolSize, { log });
  return {
    db,
    kind: 'embedded',
    close: async () => {
      await db.destroy();
      await server.stop();
    },
  };
}

import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './database.types.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';

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

export function connect(url: string, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
  pool.on('connect', prepareStatements);
  // An idle client losing its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * With DATABASE_URL, uses that PostgreSQL and starts none. Otherwise starts Taquilla's own under
 * `<dataDir>/postgres`, with a password derived from the deployment secret.
 */
export async function openDatabase(config: Config, log: (line: string) => void): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const db = connect(config.databaseUrl, config.databasePoolSize);
    return { db, kind: 'external', close: () => db.destroy() };
  }
  const password = createHmac('sha256', config.secret).update('embedded-postgres').digest('base64url');
  const server: EmbeddedServer = await startEmbeddedPostgres({
    dir: join(config.dataDir, 'postgres'),
    port: config.embeddedPostgresPort,
    password,
  });
  await ensureDatabase(server.url('postgres'), 'taquilla');
  log(`embedded PostgreSQL running on 127.0.0.1:${config.embeddedPostgresPort}`);
  const db = connect(server.url('taquilla'), config.databasePoolSize);
  return {
    db,
    kind: 'embedded',
    close: async () => {
      await db.destroy();
      await server.stop();
    },
  };
}

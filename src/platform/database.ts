import { createHmac } from 'node:crypto';
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

export function connect(url: string, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
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

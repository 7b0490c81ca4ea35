import { exhaustConnections } from './checks.js';
import type { Cluster } from './cluster.js';
import { ADMIN_TOKEN } from './cluster.js';
import { queueCounters } from './show.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a scenario did: when the fault ended (the dependency back, or the fault itself for a process), and what it checked itself. */
export interface FaultResult {
  /** From here the seconds until sales resumed are counted. */
  back: number;
  /** Seconds the dependency was away (0 for a process fault: the other process kept serving). */
  outageSeconds: number;
  note: string;
  /** Checks of its own, by name: true when they held. */
  checks: Record<string, boolean>;
  /** Probes sent while the dependency was away that were answered 503 with Retry-After. */
  probed503?: number;
}

export interface Scenario {
  name: string;
  /** Whether buyers must have been told 503 with Retry-After while it lasted. */
  expects503: boolean;
  run(cluster: Cluster, performanceId: string): Promise<FaultResult>;
}

/** Asks each process for `path` (which needs the dependency that is away): how many answered 503 with Retry-After. */
async function probe(cluster: Cluster, path: string): Promise<number> {
  const answers = await Promise.all(
    cluster.apps.map((app) =>
      fetch(`${app.base}${path}`).then(
        (r) => r.status === 503 && Number(r.headers.get('retry-after')) > 0,
        () => false,
      ),
    ),
  );
  return answers.filter(Boolean).length;
}

/**
 * Stops a dependency, asks each process for `path` while it is away, keeps it down for `downMs`,
 * starts it again; `back` is when it answers. The probe makes sure a refusal is seen whatever the
 * buyers happen to be doing (many wait in the line, which needs no SQL).
 */
async function outage(cluster: Cluster, path: string, stop: () => Promise<void>, start: () => Promise<void>, downMs: number) {
  const began = Date.now();
  await stop();
  const probed503 = await probe(cluster, path);
  await sleep(downMs);
  await start();
  const back = Date.now();
  return { back, outageSeconds: (back - began) / 1000, probed503 };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'SIGKILL one app process',
    expects503: false,
    async run(cluster) {
      const [a] = cluster.apps;
      const at = Date.now();
      await a!.kill('SIGKILL');
      await sleep(2000);
      await a!.start();
      return { back: at, outageSeconds: 0, note: `${a!.name} killed, restarted after 2 s`, checks: {} };
    },
  },
  {
    name: 'PostgreSQL restart (fast)',
    expects503: true,
    async run(cluster) {
      const o = await outage(
        cluster,
        '/api/events',
        () => cluster.postgres.stop('fast'),
        () => cluster.postgres.start(),
        3000,
      );
      return { ...o, note: 'SIGINT to the postmaster, down 3 s', checks: {} };
    },
  },
  {
    name: 'PostgreSQL restart (immediate)',
    expects503: true,
    async run(cluster) {
      const o = await outage(
        cluster,
        '/api/events',
        () => cluster.postgres.stop('immediate'),
        () => cluster.postgres.start(),
        3000,
      );
      return { ...o, note: 'SIGQUIT to the postmaster (crash recovery), down 3 s', checks: {} };
    },
  },
  {
    name: 'Redis restart',
    expects503: true,
    async run(cluster, performanceId) {
      const before = await queueCounters(cluster.apps[0]!.base, ADMIN_TOKEN, performanceId);
      const o = await outage(
        cluster,
        `/api/performances/${performanceId}/queue/summary`,
        () => cluster.redis.stop('SIGTERM'),
        () => cluster.redis.start(),
        3000,
      );
      // The admission tick republishes within a second of Redis answering.
      let after = before;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(250)) {
        after = await queueCounters(cluster.apps[0]!.base, ADMIN_TOKEN, performanceId).catch(() => after);
        if (after.joined >= before.joined) break;
      }
      return {
        ...o,
        note: `joined ${before.joined} -> ${after.joined}, served ${before.served} -> ${after.served}`,
        checks: { 'the line kept its counters (AOF)': after.joined >= before.joined && after.served >= before.served },
      };
    },
  },
  {
    name: 'database connections exhausted',
    expects503: true,
    async run(cluster) {
      const began = Date.now();
      const hog = await exhaustConnections(cluster.postgres.url());
      const probed503 = await probe(cluster, '/api/events');
      await sleep(4000);
      await hog.release();
      const back = Date.now();
      return { back, outageSeconds: (back - began) / 1000, probed503, note: `${hog.held} connections held from outside for 4 s`, checks: {} };
    },
  },
  {
    name: 'SIGTERM one app process',
    expects503: false,
    async run(cluster) {
      const [a] = cluster.apps;
      const at = Date.now();
      const code = await a!.kill('SIGTERM');
      await a!.start();
      return { back: at, outageSeconds: 0, note: `${a!.name} drained and exited ${code}, restarted`, checks: { 'SIGTERM exits 0 after draining': code === 0 } };
    },
  },
];

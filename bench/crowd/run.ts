import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { findNginx, noNginx } from '../../scripts/cluster/nginx.js';
import { invariants, type Invariants } from '../../scripts/faults/checks.js';
import { noRedisServer, type OwnRedis, ownRedis } from '../../tests/helpers/own-redis.js';
import { flags, numberFlag, sleep, waitForQuiet } from '../checkout/common.js';
import { machine, postgresVersion } from '../checkout/report.js';
import { adminClient, analyze, createDatabase } from '../checkout/setup.js';
import type { FloodResult } from '../onsale/flood.js';
import { adminCall, checkStock, type RoomBounds, type StockCheck } from '../onsale/setup.js';
import { cleanupOnce, runBench, start, writeResult } from '../processes.js';
import { type CrowdCluster, startCrowdCluster } from './cluster.js';
import { PROGRESS } from './common.js';
import type { CrowdResult } from './fans.js';
import { type CrowdReport, type Fault, type MemoryRow, renderReport, type Tick } from './report.js';
import { createCrowdShow } from './show.js';
import { postgresPids, redisPid, rssMb, Usage } from './usage.js';

/**
 * `npm run bench:crowd`: an on-sale crowd through the production topology. nginx in front of two
 * app nodes on PostgreSQL (a database of its own on 127.0.0.1:5432) and a Redis of its own (a
 * redis-server on a spare port, append-only file on, so restarting it disturbs nobody else);
 * a show with a waiting room whose on-sale time is a little after the first fans arrive (they wait
 * in the pre-queue), then opening, sell-out, and the operator moving the rest of the line to the
 * next performance. Meanwhile a flood from hundreds of addresses hits the same URLs, one app node
 * is killed (kill -9; its supervisor starts it again) and Redis restarts; afterwards the fault
 * suite's checks run in SQL. Reports tickets/s, p50/p99 per step, fans served against fans who saw
 * an error, CPU and memory of every part, the admission rate against checkout, and what the line
 * cost the app nodes in memory. Flags: see bench/README.md. Stops by itself (`--max-run`).
 */
const PG_BASE = 'postgres://postgres@127.0.0.1:5432';
const f = flags(process.argv.slice(2));
const full = f.has('full');
const cap = (name: string, fallback: number, max: number) => Math.min(numberFlag(f, name, fallback), max);
const fans = cap('fans', full ? 100_000 : 5000, 200_000);
const arrival = cap('arrival', full ? 180 : 60, 900);
const preQueue = cap('pre-queue', full ? 60 : 20, 600);
const hall = f.get('places') ?? (full ? 'demo' : '500');
const places: number | 'demo' = hall === 'demo' ? 'demo' : Number(hall);
if (places !== 'demo' && !(Number.isInteger(places) && places >= 10 && places <= 50_000))
  throw new Error('--places takes demo or a whole number from 10 to 50000');
const afterMove = cap('after-move', full ? 45 : 20, 600);
const maxRun = cap('max-run', full ? 540 : 240, 1200);
/**
 * How long a hold (and its order's payment) keeps places: the server's default is 8 minutes. An
 * operator of a rush on-sale shortens it; at full scale the bench gives 4, so places a fan
 * abandoned in checkout come back to the line within the run instead of after it.
 */
const holdTtl = cap('hold-ttl', full ? 240 : 480, 86_400);
const maxPoll = cap('max-poll', 20, 50);
// Few enough fans behind one address that their joins stay under the shield's per-address join
// limit (60 a minute) as they arrive: about 15 a minute, at most 40 fans to an address.
const perAddress = cap('per-address', Math.max(1, Math.min(40, Math.floor((15 * arrival) / 60))), 200);
// 16 addresses to a /24: the shield's per-/24 join limit (600 a minute) counts each join twice in shield mode (the challenge, then the solution).
const perPrefix = cap('per-prefix', 16, 254);
const quantity = cap('quantity', 2, 8);
const bounds: RoomBounds = {
  maxInCheckout: cap('max-in-checkout', full ? 300 : 100, 100_000),
  maxAdmissionsPerMinute: cap('max-per-minute', full ? 3000 : 600, 1_000_000),
  graceSeconds: cap('grace', 60, 3600),
  startLimitSeconds: cap('start-limit', 120, 3600),
};
// When the faults come, as the share of the first performance's places sold: during the sale
// whatever pace this machine sells at.
const killAt = Number(f.get('kill-at') ?? 0.3);
const redisAt = Number(f.get('redis-at') ?? 0.6);
const faults = !f.has('no-faults');
const flood = !f.has('no-flood');
const floodSources = cap('flood-sources', 256, 254 * 64);
const floodPrefixes = cap('flood-prefixes', 4, 64);
const floodConnections = cap('flood-connections', 256, 4096);
const floodDepth = cap('flood-depth', 1, 64);
const floodNice = Number(f.get('flood-nice') ?? 19);
// The server's default is 18 bits (~0.3 s of hashing here); 100,000 simulated devices share one
// solver thread with everything else on the machine. Pressure adds up to 4 bits. At 8 the busy
// machine solved about 55 a second (12 bits, 11 ms each), a tenth of the arrival rate, and most of
// the crowd never reached the line (2026-12-06). At 1, the least the server takes, the hardest is
// 5 bits (32 hashes, about 0.1 ms), solved on the fans' own thread (`solveHere`). The server's
// check is one hash at any difficulty, so only the simulated devices' cost changes.
const powBits = f.get('pow-bits') ?? '1';
const quietWait = Number(f.get('quiet-wait') ?? 30);
const write = !f.has('no-write');
const nodeCount = 2;
const dbPrefix = `taquilla_bench_crowd_${process.pid}`;
const workDir = `/tmp/taquilla-crowd-bench-${process.pid}`;
const adminToken = `crowd-admin-${'x'.repeat(32)}`;
const tsx = [process.execPath, '--import', 'tsx'];
if (!Number.isInteger(floodNice) || floodNice < 0 || floodNice > 19) throw new Error('--flood-nice must be 0..19');
if (!(killAt >= 0 && killAt < 1 && redisAt >= 0 && redisAt < 1)) throw new Error('--kill-at and --redis-at are shares of the places sold, from 0 to below 1');
if (Math.ceil(fans / perAddress / perPrefix) > 1024)
  throw new Error(`${fans} fans at ${perAddress} per address and ${perPrefix} addresses per /24 do not fit in 127.100.0.0/14`);

const t = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`# ${t()} ${line}`);

let admin: pg.Client | undefined;
let redis: OwnRedis | undefined;
/**
 * What nginx complained of during the run, counted by message with the numbers, addresses and
 * request details taken out: resets and hang-ups the fans saw are explained here or not at all.
 */
function nginxComplaints(file: string): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /\[(warn|error|crit|alert|emerg)\] \d+#\d+: (?:\*\d+ )?([^,]+)/.exec(line);
    if (!m) continue;
    const message = `${m[1]}: ${m[2]!.replace(/\d+(\.\d+)*/g, 'N').slice(0, 120)}`;
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([message, n]) => `${n.toLocaleString('en-US')}× \`${message}\``)
    .join('; ');
}

let cluster: CrowdCluster | undefined;
const databases: string[] = [];

function generator<T>(name: string, command: string[], progress?: (line: string) => void): { child: ChildProcess; done: Promise<T> } {
  let last = '';
  const child = start(command, process.env, (line) => {
    if (progress && line.startsWith(PROGRESS)) progress(line.slice(PROGRESS.length));
    else if (line.startsWith('{')) last = line;
    else if (line) console.log(`  [${name}] ${line}`);
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`  [${name}] ${chunk.toString('utf8')}`));
  const done = new Promise<T>((resolve, reject) =>
    // 'close', not 'exit': the last line of a large result may still be in the pipe at exit.
    child.once('close', (code) => {
      if (code === 0 && last) {
        // A result that does not parse fails the run through its cleanup, not as an uncaught throw.
        try {
          resolve(JSON.parse(last) as T);
        } catch (error) {
          reject(new Error(`the ${name} generator's result did not parse: ${(error as Error).message}`));
        }
      } else reject(new Error(`the ${name} generator exited with ${code}`));
    }),
  );
  done.catch(() => {});
  return { child, done };
}

/** The app's heap in MB from its /metrics (prom-client's default metrics), or undefined. */
async function heapMb(metricsPort: number): Promise<number | undefined> {
  try {
    const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(3000) }).then((r) => r.text());
    const bytes = /^taquilla_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text)?.[1];
    return bytes === undefined ? undefined : Number(bytes) / 2 ** 20;
  } catch {
    return undefined;
  }
}

/** A binary's version from what it prints (nginx -v writes to stderr). */
function versionOf(command: string, args: string[], pattern: RegExp): string {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  const out = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  return pattern.exec(out)?.[1] ?? (out.trim().split('\n')[0] || 'unknown');
}

async function main(): Promise<void> {
  const missing = noNginx() ?? noRedisServer;
  if (missing) {
    console.log(`crowd bench: ${missing}. Nothing measured, no results written.`);
    return;
  }
  const client = await adminClient(PG_BASE);
  if (typeof client === 'string') {
    console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${client}); the app nodes need it. Nothing measured, no results written.`);
    return;
  }
  admin = client;
  mkdirSync(workDir, { recursive: true });
  const notes: string[] = [];
  const loadBefore = execFileSync('uptime', { encoding: 'utf8' }).trim();

  const dbName = dbPrefix;
  databases.push(dbName);
  say(`creating and migrating ${dbName}; starting a redis-server of the bench's own`);
  const dbUrl = await createDatabase(admin, PG_BASE, dbName);
  redis = await ownRedis({ appendonly: true });
  await redis.start();
  say(`redis on ${redis.url}; starting ${nodeCount} app nodes and nginx`);
  cluster = await startCrowdCluster({
    dir: workDir,
    nodes: nodeCount,
    say,
    env: {
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      TAQUILLA_SECRET: `crowd-secret-${'s'.repeat(40)}`,
      TAQUILLA_ADMIN_TOKEN: adminToken,
      // A production node set up by a script: the break-glass token is its operator, switched on
      // explicitly (production refuses it otherwise) and audited on every use.
      TAQUILLA_BREAK_GLASS: 'true',
      SHIELD_POW_BITS: powBits,
      HOLD_TTL_SECONDS: String(holdTtl),
      // The bench's operator (one address) reads the room every 2 s all run long; every other class keeps its defaults.
      SHIELD_LIMITS: JSON.stringify({ operator: { ip: { points: 1_000_000, seconds: 60 } } }),
    },
  });
  const node1 = `http://127.0.0.1:${cluster.nodes[0]!.port}`;
  say(`nginx on ${cluster.url} (card form ${cluster.payUrl}) in front of ${cluster.nodes.map((n) => n.port).join(', ')}`);

  // The on-sale time: after the setup, the quiet wait and `--pre-queue` seconds of arrivals.
  const setupMs = 15_000 + Math.max(0, quietWait) * 1000;
  const onSaleAt = new Date(Date.now() + setupMs + preQueue * 1000);
  const show = await createCrowdShow(node1, adminToken, { places, onSaleAt, bounds, tag: String(process.pid) });
  await analyze(dbUrl);
  say(
    `show: ${show.places} places (${places === 'demo' ? 'the demo hall' : 'a scaled hall'}), performance ${show.performanceId} on sale at ${onSaleAt.toISOString().slice(11, 19)}, next ${show.nextPerformanceId}`,
  );

  if (quietWait > 0) {
    const busy = await waitForQuiet(quietWait * 1000, dbPrefix);
    if (busy >= 0.15) notes.push(`the machine was ${Math.round(busy * 100)}% busy with other work before the crowd started (waited ${quietWait} s for quiet).`);
  }
  const crowdStart = Math.max(Date.now() + 2000, onSaleAt.getTime() - preQueue * 1000);
  await sleep(Math.max(0, crowdStart - Date.now() - 1500));

  // Memory before the crowd: each node's RSS and heap.
  const memoryBefore = await Promise.all(
    cluster.nodes.map(async (n) => ({ pid: n.supervised.pid()!, rss: rssMb(n.supervised.pid()!) ?? 0, heap: (await heapMb(n.metricsPort)) ?? 0 })),
  );

  const floodGen = flood
    ? generator<FloodResult>('flood', [
        'nice',
        '-n',
        String(floodNice),
        ...tsx,
        'bench/onsale/flood.ts',
        '--url',
        cluster.url,
        '--performance',
        show.performanceId,
        '--ga',
        show.gaAreaId,
        '--sources',
        String(floodSources),
        '--prefixes',
        String(floodPrefixes),
        '--connections',
        String(floodConnections),
        '--depth',
        String(floodDepth),
        '--start-at',
        String(crowdStart),
        '--duration',
        String(maxRun + 5),
      ])
    : undefined;
  let fansNow = { inLine: 0, purchased: 0 };
  const crowd = generator<CrowdResult>(
    'fans',
    [
      ...tsx,
      'bench/crowd/fans.ts',
      '--app',
      cluster.url,
      '--pay',
      cluster.payUrl,
      '--performance',
      show.performanceId,
      '--categories',
      show.categoryIds.join(','),
      '--ga',
      show.gaAreaId,
      '--fans',
      String(fans),
      '--per-address',
      String(perAddress),
      '--per-prefix',
      String(perPrefix),
      '--arrival',
      String(arrival),
      '--max-poll',
      String(maxPoll),
      '--quantity',
      String(quantity),
      '--start-at',
      String(crowdStart),
      '--duration',
      String(maxRun + 5),
    ],
    (line) => {
      fansNow = JSON.parse(line) as typeof fansNow;
    },
  );
  say(
    `${fans.toLocaleString('en-US')} fans arriving over ${arrival} s (the first ${preQueue} s before the opening)${flood ? `, a flood from ${floodSources} addresses` : ''}; stops by ${maxRun} s at the latest`,
  );

  const usage = new Usage(
    {
      'app nodes': () => cluster!.nodes.map((n) => n.supervised.pid()).filter((p): p is number => p !== undefined),
      nginx: () => cluster!.nginxPids(),
      postgres: () => postgresPids(dbPrefix),
      redis: () => {
        const pid = redisPid(redis!.port);
        return pid ? [pid] : [];
      },
      fans: () => (crowd.child.pid ? [crowd.child.pid] : []),
      flood: () => (floodGen?.child.pid ? [floodGen.child.pid] : []),
    },
    crowdStart,
  );
  await sleep(Math.max(0, crowdStart - Date.now()));
  usage.sample();

  // ---- the run: watch the room every 2 s, sell out, move, inject the faults, stop ----
  const ticks: Tick[] = [];
  const memory: MemoryRow[] = [];
  const faultLog: Fault[] = [];
  const sql = new pg.Client({ connectionString: dbUrl });
  sql.on('error', () => {});
  await sql.connect();
  const sold = async (performanceId: string) =>
    Number((await sql.query(`SELECT count(*) AS n FROM tickets WHERE performance_id = $1 AND status = 'valid'`, [performanceId])).rows[0].n);
  const room = (id: string) => adminCall(node1, adminToken, 'GET', `/api/admin/performances/${id}/queue`).catch(() => undefined);
  const summary = (id: string) =>
    fetch(`${node1}/api/performances/${id}/queue/summary`, { signal: AbortSignal.timeout(3000) })
      .then((r) => (r.ok ? r.json() : undefined))
      .catch(() => undefined) as Promise<Record<string, any> | undefined>;
  let openedAt: number | undefined;
  let soldOutAt: number | undefined;
  let movedAt: number | undefined;
  let moved: { moved: number } | undefined;
  const moveErrors: string[] = [];
  let moveGaveUp = false;
  let killDone = !faults;
  let redisDone = !faults;
  const arrivalEnd = crowdStart + arrival * 1000;
  const hardStop = crowdStart + maxRun * 1000;
  let lastPrint = 0;
  const faultJobs: Promise<void>[] = [];

  const killNode = async () => {
    const node = cluster!.nodes[1]!;
    const pid = node.supervised.pid();
    if (!pid) return;
    const before = node.readyPids.length;
    const at = Date.now();
    say(`fault: kill -9 ${node.name} (pid ${pid})`);
    process.kill(pid, 'SIGKILL');
    let back: number | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until; await sleep(100)) {
      if (node.readyPids.length > before) {
        back = Date.now();
        break;
      }
    }
    say(`fault: ${node.name} ${back ? `back after ${((back - at) / 1000).toFixed(1)} s` : 'not back within 60 s'}`);
    faultLog.push({ name: `kill -9 ${node.name}`, at: at - crowdStart, back: back === undefined ? undefined : back - crowdStart });
  };
  const restartRedis = async () => {
    const at = Date.now();
    say('fault: Redis restart (SIGTERM, then started again on its append-only file)');
    await redis!.stop('SIGTERM');
    await redis!.start();
    const back = Date.now();
    say(`fault: Redis back after ${((back - at) / 1000).toFixed(1)} s`);
    faultLog.push({ name: 'Redis restart', at: at - crowdStart, back: back - crowdStart });
  };

  for (;;) {
    const now = Date.now();
    const settled = movedAt ?? (moveGaveUp ? soldOutAt : undefined);
    const done = settled !== undefined && now >= Math.max(arrivalEnd, crowdStart + settled + afterMove * 1000);
    if (done || now >= hardStop || crowd.child.exitCode !== null) break;
    const nextTick = sleep(2000);
    const [a, b, sa, sb] = await Promise.all([
      room(show.performanceId),
      movedAt ? room(show.nextPerformanceId) : undefined,
      summary(show.performanceId),
      movedAt ? summary(show.nextPerformanceId) : undefined,
    ]);
    const [soldA, soldB] = await Promise.all([sold(show.performanceId).catch(() => NaN), movedAt ? sold(show.nextPerformanceId).catch(() => NaN) : 0]);
    const point = usage.sample();
    const at = Date.now() - crowdStart;
    const row: Tick = {
      t: at,
      stateA: a?.state ?? '?',
      stateB: b?.state ?? (movedAt ? '?' : '-'),
      // After the move the first room's figures stand still; the line is the next room's.
      waiting: (movedAt ? b?.waiting : a?.waiting) ?? 0,
      fansInLine: fansNow.inLine,
      joined: (movedAt ? b?.joined : a?.joined) ?? 0,
      admittedPerMinute: movedAt ? (b?.admissionsPerMinute ?? 0) : (a?.admissionsPerMinute ?? 0),
      allowedPerMinute: (movedAt ? sb?.allowedPerMinute : sa?.allowedPerMinute) ?? 0,
      inCheckout: movedAt ? (b?.activeInCheckout ?? 0) : (a?.activeInCheckout ?? 0),
      maxInCheckout: bounds.maxInCheckout,
      soldA,
      soldB,
      cpu: point.cpu,
    };
    ticks.push(row);
    {
      const nodes = await Promise.all(
        cluster.nodes.map(async (n) => {
          const pid = n.supervised.pid();
          return { pid: pid ?? 0, rss: pid ? (rssMb(pid) ?? 0) : 0, heap: (await heapMb(n.metricsPort)) ?? 0 };
        }),
      );
      memory.push({ t: at, waiting: row.waiting, fansInLine: row.fansInLine, nodes, parts: point.memory });
    }
    if (openedAt === undefined && a && a.state !== 'pre_queue' && a.state !== null) {
      openedAt = at;
      say(`the room opened (${a.state}) at ${(at / 1000).toFixed(0)} s: ${a.waiting} in line`);
    }
    if (openedAt !== undefined && !killDone && soldA >= killAt * show.places) {
      killDone = true;
      faultJobs.push(killNode());
    }
    if (openedAt !== undefined && !redisDone && soldA >= redisAt * show.places) {
      redisDone = true;
      faultJobs.push(restartRedis());
    }
    if (a?.state === 'sold_out' && soldOutAt === undefined) {
      soldOutAt = at;
      say(`sold out at ${(at / 1000).toFixed(0)} s (${soldA} tickets)`);
    }
    if (soldOutAt !== undefined && movedAt === undefined && !moveGaveUp) {
      // The operator moves the line once Redis is back from a restart that is under way.
      await Promise.all(faultJobs);
      say(`moving the rest of the line (${a?.waiting ?? '?'} places) to the next performance`);
      try {
        moved = await adminCall(node1, adminToken, 'POST', `/api/admin/performances/${show.performanceId}/queue/move-to-next`);
        movedAt = Date.now() - crowdStart;
        await adminCall(node1, adminToken, 'PUT', `/api/admin/performances/${show.nextPerformanceId}/queue`, { enabled: true, ...bounds });
        say(`moved ${moved?.moved} fans to ${show.nextPerformanceId}`);
      } catch (error) {
        const message = (error as Error).message.slice(0, 300);
        moveErrors.push(`${(at / 1000).toFixed(0)} s: ${message}`);
        say(`the move failed: ${message}`);
        // A 503 is worth another try at the next tick; a 409 will not change.
        if (/ answered 409/.test(message)) moveGaveUp = true;
      }
    }
    if (now - lastPrint >= 10_000) {
      lastPrint = now;
      const c = ticks.length > 5 ? usage.between(at - 10_000, at) : {};
      say(
        `${(at / 1000).toFixed(0)} s: ${a?.state ?? '?'}${movedAt ? `→${b?.state ?? '?'}` : ''}, ${row.fansInLine} fans in line (${row.waiting} places waiting of ${row.joined} joined), ${row.admittedPerMinute}/min admitted (allowed ${row.allowedPerMinute}), ` +
          `${row.inCheckout} in checkout, sold ${soldA}${movedAt ? ` + ${soldB}` : ''}; cores: ${Object.entries(c)
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join(', ')}`,
      );
    }
    await nextTick;
  }
  const endedAt = Date.now() - crowdStart;
  say(`stopping the crowd and the flood at ${(endedAt / 1000).toFixed(0)} s`);
  await Promise.all(faultJobs);
  crowd.child.kill('SIGTERM');
  floodGen?.child.kill('SIGTERM');
  const [crowdResult, floodResult] = await Promise.all([crowd.done, floodGen?.done.catch(() => undefined)]);
  usage.sample();
  await sql.end().catch(() => {});

  // ---- the books, as the fault suite checks them ----
  await sleep(2000);
  const checks: { performance: string; books: Invariants; stock: StockCheck }[] = [];
  for (const [label, id, seen] of [
    ['first', show.performanceId, crowdResult.paidOrders],
    ['next', show.nextPerformanceId, [] as string[]],
  ] as const) {
    checks.push({ performance: label, books: await invariants(dbUrl, id, [...seen]), stock: await checkStock(dbUrl, id) });
  }
  const nginxSaid = nginxComplaints(join(workDir, 'logs', 'nginx.log'));
  if (nginxSaid) notes.push(`nginx's error log (warn and worse), by message: ${nginxSaid}.`);
  const nodeStates = cluster.nodes.map((n) => ({ name: n.name, running: n.supervised.running(), restarts: n.supervised.restarts() }));
  const report: CrowdReport = {
    date: new Date().toISOString().slice(0, 10),
    full,
    machine: machine(),
    load: { before: loadBefore, after: execFileSync('uptime', { encoding: 'utf8' }).trim() },
    versions: {
      node: process.version,
      postgres: await postgresVersion(admin),
      redis: versionOf('redis-server', ['--version'], /v=(\S+)/),
      nginx: versionOf(findNginx() ?? 'nginx', ['-v'], /nginx\/(\S+)/),
    },
    settings: {
      fans,
      arrival,
      preQueue,
      places: show.places,
      hall: places === 'demo' ? 'the demo hall (Sala Mar Adentro)' : `a scaled hall of ${show.places}`,
      bounds,
      maxPoll,
      perAddress,
      perPrefix,
      quantity,
      powBits,
      flood: flood ? { sources: floodSources, prefixes: floodPrefixes, connections: floodConnections, depth: floodDepth, nice: floodNice } : undefined,
      faults: faults ? { killAt, redisAt } : undefined,
      afterMove,
      maxRun,
      holdTtl,
    },
    performanceIds: { first: show.performanceId, next: show.nextPerformanceId },
    times: { openedAt, soldOutAt, movedAt, endedAt, arrivalEnd: arrival * 1000 },
    moved: moved?.moved,
    moveErrors,
    crowd: crowdResult,
    flood: floodResult,
    ticks,
    memory,
    memoryBefore,
    usage: usage.points,
    cpuWhole: usage.between(0, endedAt),
    cpuSale: openedAt !== undefined && soldOutAt !== undefined ? usage.between(openedAt, soldOutAt) : undefined,
    memoryPeaks: usage.peaks(),
    faults: faultLog,
    checks,
    nodes: nodeStates,
    notes,
  };
  const markdown = renderReport(report);
  console.log(`\n${markdown}`);
  if (write) writeResult(`crowd${full ? '' : '-small'}`, report.date, markdown);
  const bad = checks.some((c) => c.stock.oversold || c.books.seatsSoldTwice || c.books.gaOverCapacity || c.books.paidWithoutTickets || c.books.paidSeenMissing);
  if (bad) {
    console.log('crowd bench: a stock check FAILED (see the table)');
    process.exitCode = 1;
  }
}

const cleanupAll = cleanupOnce(
  databases,
  () => admin,
  () => rmSync(workDir, { recursive: true, force: true }),
);
await runBench(
  main,
  async () => {
    await cluster?.stop().catch(() => {});
    await redis?.close().catch(() => {});
    await cleanupAll();
  },
  'the bench database',
);
process.exit();

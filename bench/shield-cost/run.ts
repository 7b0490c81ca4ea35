import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import type pg from 'pg';
import { MEASURE_END, MEASURE_START, cpuShares, flags, numberFlag, sampleCpu, sleep, type CpuShare, type CpuSample } from '../checkout/common.js';
import { machine } from '../checkout/report.js';
import { adminClient, createDatabase } from '../checkout/setup.js';
import { cleanupOnce, freePort, pinnable, pinned, runBench, start, stop, waitUntilUp, writeResult } from '../processes.js';
import type { LoadResult } from './load.js';
import { renderReport, type Phase, type PhaseRun } from './report.js';

/**
 * `npx tsx bench/shield-cost/run.ts`: server CPU per refused request against a bare node:http
 * server answering a constant, in the same run. The real server (src/server.ts, NODE_ENV
 * production, core 0) and the bare one (core 0) take turns; the load generator (core 1) drives one
 * phase at a time, and the server's CPU (utime + stime from /proc) over the measured window is
 * divided by the answers in it. Phases, each run --rounds times interleaved, median reported:
 *
 * - bare: the constant answer, keep-alive (the reference);
 * - limited: a limit its network already ran out of, refused before Fastify, keep-alive, each
 *   address moving on before it is refused often enough to be blocked;
 * - limited-fastify: the same 429 refused in Fastify's hook, as every refusal was before this
 *   change (a checkout path: refusals by limit there are left to Fastify, see earlyRouteClass);
 * - blocked-request: an address blocked while its keep-alive connection was open: each request
 *   refused before Fastify;
 * - limited-connect: as limited, but a new connection per request: what a connection costs
 *   through the HTTP parser and the request handler;
 * - blocked-connect: an address already blocked, a new connection per request (the refusal
 *   closes it): refused at the connection, before HTTP is parsed; the unit is one connection
 *   attempt, which is one request and one answer.
 *
 * Flags: --clients 64 --rate 2000 (0: flat out) --warmup 2 --duration 5 --rounds 3 --max-requests 2000000 --no-write
 * --phases bare,limited (a subset) --cpu-prof-dir /tmp/dir (profiles the server; implies --no-write).
 */
const PG_BASE = 'postgres://postgres@127.0.0.1:5432';
const f = flags(process.argv.slice(2));
const clients = Math.min(numberFlag(f, 'clients', 64), 256);
const warmup = Math.min(numberFlag(f, 'warmup', 2), 30);
const duration = Math.min(numberFlag(f, 'duration', 5), 60);
const rounds = Math.min(numberFlag(f, 'rounds', 3), 9);
const maxRequests = Math.min(numberFlag(f, 'max-requests', 2_000_000), 10_000_000);
/** Every phase at the same pace (see load.ts): below what the slowest phase can answer on a shared core. */
const rate = f.get('rate') === '0' ? 0 : Math.min(numberFlag(f, 'rate', 2000), 100_000);
const cpuProfDir = f.get('cpu-prof-dir');
const write = !f.has('no-write') && !cpuProfDir;
const only = f.get('phases')?.split(',');
const dbName = `taquilla_bench_shieldcost_${process.pid}`;
const workDir = `/tmp/taquilla-shield-cost-${process.pid}`;
let admin: pg.Client | undefined;

/**
 * Browsing from a network is refused after its first request for ten minutes, and so is
 * checkout: every request of the bench after the first from each /24 is a refusal by limit. The
 * per-address limits are left out, so only the network's limit refuses.
 */
const SHIELD_LIMITS = JSON.stringify({
  browse: { prefix: { points: 1, seconds: 600 } },
  checkout: { prefix: { points: 1, seconds: 600 } },
});
/** An address refused this often within a minute is blocked (limits.ts OFFENSES): `limited` moves on before. */
const PER_ADDRESS = 40;

const date = new Date().toISOString().slice(0, 10);

async function load(args: string[], pids: number[]): Promise<{ result: LoadResult; cpu: CpuShare | undefined }> {
  let first: CpuSample | undefined;
  let cpu: CpuShare | undefined;
  let last = '';
  const child: ChildProcess = start(
    pinned(1, [process.execPath, '--import', 'tsx', 'bench/shield-cost/load.ts', ...args, '--max-requests', String(maxRequests)]),
    process.env,
    (line) => {
      if (line === MEASURE_START) first = sampleCpu(pids, dbName);
      else if (line === MEASURE_END && first) cpu = cpuShares(first, sampleCpu(pids, dbName));
      else if (line.startsWith('{')) last = line;
      else if (line) console.log(`  ${line}`);
    },
  );
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !last) throw new Error(`the load generator exited with ${code}`);
  return { result: JSON.parse(last) as LoadResult, cpu };
}

/** The shield's refusal counters, by reason, from /metrics. */
async function refusals(baseUrl: string, token: string): Promise<Record<string, number>> {
  const text = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text());
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^taquilla_shield_refusals_total\{reason="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

async function main(): Promise<void> {
  const client = await adminClient(PG_BASE);
  if (typeof client === 'string') {
    console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${client}); the server needs it. Nothing measured, no results written.`);
    return;
  }
  admin = client;
  const notes: string[] = [];
  if (!pinnable) notes.push('taskset is missing or the machine has fewer than 2 cores: everything ran unpinned.');
  const dbUrl = await createDatabase(admin, PG_BASE, dbName);
  mkdirSync(workDir, { recursive: true });
  const [port, paymentPort, barePort] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminToken = `bench-admin-${'x'.repeat(32)}`;
  const serverLog: string[] = [];
  const server = start(
    pinned(0, [process.execPath, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), '--import', 'tsx', 'src/server.ts']),
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: dbUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PAYMENT_PORT: String(paymentPort),
      BASE_URL: baseUrl,
      PAYMENT_ORIGIN: `http://127.0.0.1:${paymentPort}`,
      TAQUILLA_SECRET: `bench-secret-${'s'.repeat(40)}`,
      TAQUILLA_ADMIN_TOKEN: adminToken,
      TAQUILLA_BREAK_GLASS: 'true',
      TAQUILLA_SEED_DEMO: 'false',
      TAQUILLA_DATA_DIR: `${workDir}/data`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      SHIELD_LIMITS,
    },
    (line) => line.startsWith('{') && serverLog.push(line),
  );
  server.stderr!.on('data', (chunk: Buffer) => serverLog.push(chunk.toString('utf8')));
  await waitUntilUp(server, `${baseUrl}/api/health`, () => serverLog.slice(-30).join('\n'));

  // The reference answers the same bytes as a refusal's body, with a 200.
  const sample = await fetch(`${baseUrl}/api/events`, { headers: { 'x-forwarded-for': '1.2.3.4' } });
  await sample.text();
  const refusal = await fetch(`${baseUrl}/api/events`);
  const body = await refusal.text();
  if (refusal.status !== 429) throw new Error(`expected the second /api/events from 127.0.0.1 to be refused, got ${refusal.status}: ${body}`);
  const bareLog: string[] = [];
  const bare = start(
    pinned(0, [process.execPath, '--import', 'tsx', 'bench/queue/bare.ts', '--port', String(barePort), '--body-base64', Buffer.from(body).toString('base64')]),
    process.env,
    (line) => bareLog.push(line),
  );
  bare.stderr!.on('data', (chunk: Buffer) => bareLog.push(chunk.toString('utf8')));
  await waitUntilUp(bare, `http://127.0.0.1:${barePort}/`, () => bareLog.join('\n'));
  console.log(`server on ${baseUrl}, bare server on ${barePort}${pinnable ? ', both pinned to core 0, load on core 1' : ''}`);

  const common = ['--clients', String(clients), '--warmup', String(warmup), '--duration', String(duration), '--rate', String(rate)];
  const app = `${baseUrl}/api/events`;
  // Addresses already blocked for blocked-connect: refused until blocked (61 refusals each), then kept so for ten minutes.
  console.log('blocking 127.50.0.0/26 for the blocked-connect phase');
  await load(['--url', app, '--mode', 'keepalive', '--sources', '50.0', '--clients', String(clients), '--warmup', '1', '--duration', '1'], [server.pid!]);

  // The server's own background work (jobs, the shield's tick, timers) with no requests: it is in
  // every figure of the server's, not in the bare server's.
  const idleStart = sampleCpu([server.pid!], dbName);
  await sleep(duration * 1000);
  const idle = cpuShares(idleStart, sampleCpu([server.pid!], dbName));
  const idleMsPerSecond = (idle.processes[0] ?? 0) * 1000;
  console.log(`server idle: ${idleMsPerSecond.toFixed(1)} ms of CPU a second`);

  const phases: Phase[] = [
    { name: 'bare', what: 'bare node:http, constant answer (reference)', unit: 'request', server: 'bare' },
    { name: 'limited', what: 'refused by a limit already run out, before Fastify (429 rate_limited)', unit: 'request', server: 'app' },
    { name: 'limited-fastify', what: "the same refusal in Fastify's hook, as every refusal before this change", unit: 'request', server: 'app' },
    { name: 'blocked-request', what: 'blocked address, open keep-alive connection, refused before Fastify (429)', unit: 'request', server: 'app' },
    {
      name: 'limited-connect',
      what: 'refused by a limit already run out, a new connection per request, through the HTTP parser (compare blocked-connect)',
      unit: 'connection attempt (= one request)',
      server: 'app',
    },
    {
      name: 'blocked-connect',
      what: 'blocked address, refused at the connection before HTTP parsing (429, closed)',
      unit: 'connection attempt (= one request)',
      server: 'app',
    },
  ];
  const runs: Record<string, PhaseRun[]> = Object.fromEntries(phases.map((p) => [p.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const phase of phases) {
      if (only && !only.includes(phase.name)) continue;
      const pids = [phase.server === 'bare' ? bare.pid! : server.pid!, server.pid!, bare.pid!];
      const args = {
        bare: ['--url', `http://127.0.0.1:${barePort}/api/events`, '--mode', 'keepalive', '--sources', '20.0'],
        // A fresh range each round: 64 clients x 40 answers per address x many addresses.
        limited: ['--url', app, '--mode', 'keepalive', '--sources', `${100 + round}.0`, '--addresses', '65536', '--per-address', String(PER_ADDRESS)],
        'limited-fastify': ['--url', `${baseUrl}/api/orders/00000000-0000-4000-8000-000000000000`, '--mode', 'keepalive', '--sources', '70.0'],
        // New addresses each round, blocked on their open connections during the warm-up.
        'blocked-request': ['--url', app, '--mode', 'keepalive', '--sources', `60.${round}`],
        'limited-connect': ['--url', app, '--mode', 'connect', '--sources', `${110 + round}.0`, '--addresses', '65536', '--per-address', String(PER_ADDRESS)],
        'blocked-connect': ['--url', app, '--mode', 'connect', '--sources', '50.0'],
      }[phase.name]!;
      const before = await refusals(baseUrl, adminToken);
      const { result, cpu } = await load([...args, ...common], pids);
      const after = await refusals(baseUrl, adminToken);
      const delta = Object.fromEntries(
        Object.keys(after)
          .map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)])
          .filter(([, v]) => (v as number) > 0),
      );
      const answered = Object.values(result.answers).reduce((a, b) => a + b, 0);
      const serverCores = cpu?.processes[0] ?? 0;
      const run: PhaseRun = {
        answered,
        perSecond: answered / result.seconds,
        cpuMicros: answered ? (serverCores * result.seconds * 1e6) / answered : 0,
        answers: result.answers,
        closing: result.closing,
        connects: result.connects,
        failures: result.failures,
        refusalsByReason: delta,
        cpu,
        clientCpu: result.clientCpuSeconds / result.seconds,
      };
      runs[phase.name]!.push(run);
      console.log(
        `round ${round + 1}/${rounds} ${phase.name}: ${Math.round(run.perSecond)} answers/s, ${run.cpuMicros.toFixed(1)} µs server CPU each; ` +
          `answers ${JSON.stringify(result.answers)}, closing ${result.closing}, connects ${result.connects}, refusals ${JSON.stringify(delta)}` +
          `${Object.keys(result.failures).length ? `, failures ${JSON.stringify(result.failures)}` : ''}; rest of machine ${cpu?.rest.toFixed(2)} cores`,
      );
    }
  }
  if (serverLog.length) notes.push(`the server logged ${serverLog.length} warnings or errors; first: ${serverLog.slice(0, 2).join(' | ').slice(0, 400)}`);
  await stop(bare, 10_000);
  await stop(server, 10_000);

  let uptime = '';
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`;
  }
  const markdown = renderReport({
    date,
    machine: machine(),
    node: process.version,
    uptime,
    clients,
    rate,
    idleMsPerSecond,
    warmup,
    duration,
    rounds,
    limits: SHIELD_LIMITS,
    perAddress: PER_ADDRESS,
    pinning: pinnable
      ? 'Taquilla server and bare server `taskset -c 0` (one loaded at a time, the other idle); load generator `taskset -c 1`; PostgreSQL unpinned (not on these paths)'
      : 'none (taskset unavailable)',
    phases,
    runs,
    notes,
  });
  console.log(`\n${markdown}`);
  if (write) writeResult('shield-cost', date, markdown);
}

// Stops the servers, drops the bench's database (IF EXISTS: it may not have been made yet) and the work directory.
const cleanup = cleanupOnce(
  [dbName],
  () => admin,
  () => rmSync(workDir, { recursive: true, force: true }),
);
await runBench(main, cleanup, 'the bench database');

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type pg from 'pg';
import { MEASURE_END, MEASURE_START, cpuShares, flags, numberFlag, sampleCpu, waitForQuiet, type CpuSample } from '../checkout/common.js';
import { machine } from '../checkout/report.js';
import { adminClient, createDatabase } from '../checkout/setup.js';
import type { LoadResult } from './load.js';
import { children, freePort, pinnable, pinned, runBench, start, stop, waitUntilUp, writeResult } from '../processes.js';
import { renderReport, totals, type Measured, type QueueReport, type Round } from './report.js';
import { ROOM_BOUNDS, GA_CAPACITY, createShowWithRoom, joinFans } from './setup.js';

/**
 * The load polls as fast as it can from 64 addresses, hundreds of times a fan's rate, so the
 * status and join limits are raised for the bench: the gate's work is measured, its refusals are
 * not what this bench is about (bench/onsale is).
 */
const SHIELD_LIMITS = JSON.stringify({
  queue_status: { ip: { points: 10_000_000, seconds: 1 }, prefix: { points: 10_000_000, seconds: 1 } },
  queue_join: { ip: { points: 1_000_000, seconds: 60 }, prefix: { points: 1_000_000, seconds: 60 } },
});

/**
 * `npx tsx bench/queue/run.ts`: queue-status requests per second and latency of the real server
 * (core 0, in-memory store) against a bare node:http server answering a constant (also core 0),
 * both driven the same way from core 1. Flags: --fans 5000 --connections 64 --warmup 3
 * --duration 15 --rounds 2 --quiet-wait 60 --no-write --cpu-prof-dir /tmp/dir (profiles the
 * server; implies --no-write).
 */
const PG_BASE = 'postgres://postgres@127.0.0.1:5432';
const f = flags(process.argv.slice(2));
const fans = Math.min(numberFlag(f, 'fans', 5000), 60_000);
const connections = Math.min(numberFlag(f, 'connections', 64), 1000);
const warmup = Math.min(numberFlag(f, 'warmup', 3), 60);
const duration = Math.min(numberFlag(f, 'duration', 15), 300);
const rounds = Math.min(numberFlag(f, 'rounds', 2), 10);
const quietWait = numberFlag(f, 'quiet-wait', 60);
const cpuProfDir = f.get('cpu-prof-dir');
const write = !f.has('no-write') && !cpuProfDir;
const dbName = `taquilla_bench_queue_${process.pid}`;
const workDir = `/tmp/taquilla-queue-bench-${process.pid}`;
let admin: pg.Client | undefined;
let dbCreated = false;

/** Runs the load generator to its end; CPU of it and of both servers is sampled at its window markers. */
async function phase(url: string, tickets: string, servers: number[]): Promise<Measured> {
  let first: CpuSample | undefined;
  let cpu: Measured['cpu'];
  let last = '';
  const pids = () => [child.pid!, ...servers];
  const child: ChildProcess = start(
    pinned(1, [
      process.execPath,
      '--import',
      'tsx',
      'bench/queue/load.ts',
      '--url',
      url,
      '--tickets',
      tickets,
      '--connections',
      String(connections),
      '--warmup',
      String(warmup),
      '--duration',
      String(duration),
    ]),
    process.env,
    (line) => {
      if (line === MEASURE_START) first = sampleCpu(pids(), dbName);
      else if (line === MEASURE_END && first) cpu = cpuShares(first, sampleCpu(pids(), dbName));
      else if (line.startsWith('{')) last = line;
      else if (line) console.log(`  ${line}`);
    },
  );
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !last) throw new Error(`the load generator exited with ${code}`);
  return { result: JSON.parse(last) as LoadResult, cpu };
}

async function quiet(what: string, notes: string[]): Promise<void> {
  const busy = await waitForQuiet(quietWait * 1000, dbName);
  if (busy >= 0.15) {
    const note = `the machine was ${Math.round(busy * 100)}% busy with other work just before the ${what} phase (waited ${quietWait} s for quiet).`;
    console.log(`  warning: ${note}`);
    notes.push(note);
  }
}

async function main(): Promise<void> {
  const client = await adminClient(PG_BASE);
  if (typeof client === 'string') {
    console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${client}); the server needs it to create the show. Nothing measured, no results written.`);
    return;
  }
  admin = client;
  const notes: string[] = [];
  if (!pinnable) notes.push('taskset is missing or the machine has fewer than 2 cores: everything ran unpinned.');
  console.log(`creating database ${dbName} and migrating it`);
  dbCreated = true;
  const dbUrl = await createDatabase(admin, PG_BASE, dbName);
  mkdirSync(workDir, { recursive: true });

  const [port, paymentPort, barePort] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminToken = `bench-admin-${'x'.repeat(32)}`;
  const serverLog: string[] = [];
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const server = start(
    pinned(0, [process.execPath, ...nodeArgs, '--import', 'tsx', 'src/server.ts']),
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: dbUrl,
      PORT: String(port),
      PAYMENT_PORT: String(paymentPort),
      BASE_URL: baseUrl,
      PAYMENT_ORIGIN: `http://127.0.0.1:${paymentPort}`,
      TAQUILLA_SECRET: `bench-secret-${'s'.repeat(40)}`,
      TAQUILLA_ADMIN_TOKEN: adminToken,
      // A production node set up by a script: the break-glass token is its operator, switched on
      // explicitly (production refuses it otherwise) and audited on every use.
      TAQUILLA_BREAK_GLASS: 'true',
      TAQUILLA_SEED_DEMO: 'false',
      TAQUILLA_DATA_DIR: `${workDir}/data`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      SHIELD_LIMITS: SHIELD_LIMITS,
      // 5,000 joins in two seconds look like a surge to attack detection; this bench is not about it.
      SHIELD_ATTACK_RPS: '10000000',
    },
    (line) => line.startsWith('{') && serverLog.push(line),
  );
  server.stderr!.on('data', (chunk: Buffer) => serverLog.push(chunk.toString('utf8')));
  await waitUntilUp(server, `${baseUrl}/api/health`, () => serverLog.slice(-30).join('\n'));
  console.log(`server up on ${baseUrl}${pinnable ? ', pinned to core 0' : ''}; creating the show and its room`);
  const performanceId = await createShowWithRoom(baseUrl, adminToken);

  const joinStart = performance.now();
  const joined = await joinFans(baseUrl, performanceId, fans);
  const joinSeconds = (performance.now() - joinStart) / 1000;
  console.log(`${fans} fans joined in ${joinSeconds.toFixed(1)} s`);
  const ticketsFile = `${workDir}/tickets.txt`;
  writeFileSync(ticketsFile, joined.tickets.join('\n'));

  // The reference answers the bytes of a typical answer: a fan in the middle of the line.
  const sample = await fetch(`${baseUrl}/api/queue/status`, { headers: { authorization: `Queue ${joined.tickets[Math.floor(fans / 2)]}` } });
  const body = await sample.text();
  if (!sample.ok) throw new Error(`queue status answered ${sample.status}: ${body.slice(0, 300)}`);
  console.log(`a typical answer (${Buffer.byteLength(body)} bytes): ${body}`);
  const bareLog: string[] = [];
  const bare = start(
    pinned(0, [process.execPath, '--import', 'tsx', 'bench/queue/bare.ts', '--port', String(barePort), '--body-base64', Buffer.from(body).toString('base64')]),
    process.env,
    (line) => bareLog.push(line),
  );
  bare.stderr!.on('data', (chunk: Buffer) => bareLog.push(chunk.toString('utf8')));
  await waitUntilUp(bare, `http://127.0.0.1:${barePort}/`, () => bareLog.join('\n'));

  const measured: Round[] = [];
  for (let i = 1; i <= rounds; i++) {
    await quiet(`reference (round ${i})`, notes);
    console.log(`round ${i}/${rounds}, reference: bare node:http, ${connections} connections, ${warmup} s + ${duration} s`);
    const b = await phase(`http://127.0.0.1:${barePort}/api/queue/status`, ticketsFile, [server.pid!, bare.pid!]);
    console.log(`  ${Math.round(b.result.requests / b.result.seconds)} requests/s, p99 ${b.result.latency.p99.toFixed(2)} ms`);
    await quiet(`Taquilla (round ${i})`, notes);
    console.log(`round ${i}/${rounds}, Taquilla: GET /api/queue/status, ${connections} connections, ${warmup} s + ${duration} s`);
    const a = await phase(`${baseUrl}/api/queue/status`, ticketsFile, [server.pid!, bare.pid!]);
    console.log(`  ${Math.round(a.result.requests / a.result.seconds)} requests/s, p99 ${a.result.latency.p99.toFixed(2)} ms`);
    measured.push({ bare: b, app: a });
  }
  if (serverLog.length) notes.push(`the server logged ${serverLog.length} warnings or errors; first: ${serverLog.slice(0, 3).join(' | ').slice(0, 600)}`);
  await stop(bare, 10_000);
  await stop(server, 10_000);

  const report: QueueReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    node: process.version,
    fans,
    joinSeconds,
    joinStates: joined.states,
    connections,
    warmup,
    duration,
    notes,
    rounds: measured,
    room: `in-memory store (no REDIS_URL); ${GA_CAPACITY.toLocaleString('en-US')} GA places; bounds ${Object.entries(ROOM_BOUNDS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    shield: `on: every request passes the shield's gate (blocked-address check, shedding, per-address and per-network limits, traffic counts). 64 connections polling flat out are far above a fan's rate, so the bench raises two limits (\`SHIELD_LIMITS=${SHIELD_LIMITS}\`): the limiters still count every request, none is refused; \`SHIELD_ATTACK_RPS=10000000\` so the 5,000 joins in two seconds do not switch shield mode (and proof of work) on`,
    pinning: pinnable
      ? 'Taquilla server and bare server `taskset -c 0` (one loaded at a time, the other idle); load generator `taskset -c 1`; PostgreSQL unpinned (not on the status path)'
      : 'none (taskset unavailable)',
  };
  const markdown = renderReport(report);
  console.log(`\n${markdown}`);
  const t = totals(measured);
  console.log(`ratio ${(t.ratio * 100).toFixed(1)}%`);
  if (write) {
    writeResult('queue-status', report.date, markdown);
  } else if (cpuProfDir) {
    console.log(`server CPU profile in ${cpuProfDir}; results not written`);
  }
}

let cleaned: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    await Promise.all([...children].map((child) => stop(child, 5000)));
    if (dbCreated)
      await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e: Error) => console.error(`could not drop ${dbName}: ${e.message}`));
    await admin?.end().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaned;
}
await runBench(main, cleanup, 'the bench database');

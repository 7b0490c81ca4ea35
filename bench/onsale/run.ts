import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import type pg from 'pg';
import { cpuShares, flags, numberFlag, sampleCpu, sleep, waitForQuiet, type CpuSample, type CpuShare } from '../checkout/common.js';
import { machine, postgresVersion } from '../checkout/report.js';
import { adminClient, analyze, createDatabase } from '../checkout/setup.js';
import { children, freePort, pinnable, pinned, runBench, start, stop, waitUntilUp, writeResult, cleanupOnce } from '../processes.js';
import type { FansResult } from './fans.js';
import type { FloodResult } from './flood.js';
import { DEFAULT_MIX } from './traffic.js';
import { renderReport, refused, type OnsaleReport, type Phase } from './report.js';
import { adminCall, checkStock, createOnsaleShow, type RoomBounds, type ShowSize } from './setup.js';

/**
 * `npx tsx bench/onsale/run.ts`: an on-sale under a flood, with the shield off and then on. Each
 * phase starts a fresh server (core 0) on a fresh database, creates a show smaller than the demand
 * with a waiting room, then for `--duration` seconds runs a flood from many 127.66.x.y addresses
 * (core 1, at lower priority) next to simulated fans who join, wait, hold, order and pay (core 1).
 * Afterwards it counts in SQL what was sold against the stock, and reads the shield's own view.
 * Writes `bench/results/onsale-<date>.md` unless --no-write. Flags: see bench/README.md.
 */
const PG_BASE = 'postgres://postgres@127.0.0.1:5432';
const f = flags(process.argv.slice(2));
const cap = (name: string, fallback: number, max: number) => Math.min(numberFlag(f, name, fallback), max);
const duration = cap('duration', 60, 300);
const fans = cap('fans', 300, 4000);
const perPrefix = cap('per-prefix', 16, 254);
const fanDelay = Number(f.get('fan-delay') ?? 3);
const arrival = cap('arrival', 20, 300);
const pollMs = cap('poll-ms', 1500, 10_000);
const quantity = cap('quantity', 2, 4);
const solverThreads = cap('solver-threads', 1, 8);
const size: ShowSize = { seats: cap('seats', 200, 20_000), ga: cap('ga', 200, 100_000), perRow: cap('per-row', 20, 200) };
const bounds: RoomBounds = {
  maxInCheckout: cap('max-in-checkout', 100, 100_000),
  maxAdmissionsPerMinute: cap('max-per-minute', 600, 1_000_000),
  // The product's defaults: places the flood took by joining and never polled are skipped after the
  // first-poll grace (15 s), not after these.
  graceSeconds: cap('grace', 60, 3600),
  startLimitSeconds: cap('start-limit', 120, 3600),
};
const floodSources = cap('flood-sources', 256, 254 * 64);
const floodPrefixes = cap('flood-prefixes', 4, 64);
const floodConnections = cap('flood-connections', floodSources, 8192);
const floodDepth = cap('flood-depth', 4, 64);
const floodNice = Number(f.get('flood-nice') ?? 10);
const mix = f.get('mix') ?? DEFAULT_MIX;
// 14 rather than the server's default 18: every fan's "device" here is a thread on one shared core,
// where 18 bits (~0.3 s of hashing a fan) would queue a few hundred fans behind each other for minutes.
const powBits = f.get('pow-bits') ?? '14';
const phases = (f.get('phases') ?? 'off,on').split(',').map((p) => p.trim()) as ('off' | 'on')[];
const quietWait = Number(f.get('quiet-wait') ?? 60);
const write = !f.has('no-write');
const dbPrefix = `taquilla_bench_onsale_${process.pid}`;
const workDir = `/tmp/taquilla-onsale-bench-${process.pid}`;
const adminToken = `bench-admin-${'x'.repeat(32)}`;
const tsx = [process.execPath, '--import', 'tsx'];
for (const p of phases) if (p !== 'off' && p !== 'on') throw new Error(`--phases takes off and/or on, got "${p}"`);
if (fanDelay < 0 || fanDelay >= duration) throw new Error('--fan-delay must be within the duration');
if (Math.ceil(fans / perPrefix) > 256) throw new Error(`${fans} fans at ${perPrefix} per /24 need more than 256 /24s`);
if (!Number.isInteger(floodNice) || floodNice < 0 || floodNice > 19) throw new Error('--flood-nice must be 0..19');

let admin: pg.Client | undefined;
const databases: string[] = [];

/** Runs a generator to its end and returns its last JSON line; other lines are echoed. */
function generator<T>(name: string, command: string[]): { child: ChildProcess; done: Promise<T> } {
  let last = '';
  const child = start(command, process.env, (line) => {
    if (line.startsWith('{')) last = line;
    else if (line) console.log(`  [${name}] ${line}`);
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`  [${name}] ${chunk.toString('utf8')}`));
  const done = new Promise<T>((resolve, reject) =>
    child.once('exit', (code) => {
      if (code === 0 && last) resolve(JSON.parse(last) as T);
      else reject(new Error(`the ${name} generator exited with ${code}`));
    }),
  );
  done.catch(() => {}); // awaited with the other generator; this only keeps a second failure from going unhandled
  return { child, done };
}

async function quiet(what: string, notes: string[]): Promise<void> {
  if (quietWait <= 0) return;
  const busy = await waitForQuiet(quietWait * 1000, dbPrefix);
  if (busy >= 0.15) {
    const note = `the machine was ${Math.round(busy * 100)}% busy with other work just before the ${what} (waited ${quietWait} s for quiet).`;
    console.log(`  warning: ${note}`);
    notes.push(note);
  }
}

async function runPhase(name: 'off' | 'on'): Promise<Phase> {
  const notes: string[] = [];
  const dbName = `${dbPrefix}_${name}`;
  databases.push(dbName);
  console.log(`\n== shield ${name}: creating database ${dbName}`);
  const dbUrl = await createDatabase(admin!, PG_BASE, dbName);
  const [port, paymentPort] = [await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const payUrl = `http://127.0.0.1:${paymentPort}`;
  const serverLog: string[] = [];
  const server = start(
    pinned(0, [...tsx, 'src/server.ts']),
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: dbUrl,
      PORT: String(port),
      PAYMENT_PORT: String(paymentPort),
      BASE_URL: baseUrl,
      PAYMENT_ORIGIN: payUrl,
      TAQUILLA_SECRET: `bench-secret-${'s'.repeat(40)}`,
      TAQUILLA_ADMIN_TOKEN: adminToken,
      // A production node set up by a script: the break-glass token is its operator, switched on
      // explicitly (production refuses it otherwise) and audited on every use.
      TAQUILLA_BREAK_GLASS: 'true',
      TAQUILLA_SEED_DEMO: 'false',
      TAQUILLA_DATA_DIR: `${workDir}/data-${name}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      SHIELD_ENABLED: name === 'on' ? 'true' : 'false',
      SHIELD_POW_BITS: powBits,
    },
    (line) => line.startsWith('{') && serverLog.push(line),
  );
  server.stderr!.on('data', (chunk: Buffer) => serverLog.push(chunk.toString('utf8')));
  try {
    await waitUntilUp(server, `${baseUrl}/api/health`, () => serverLog.slice(-30).join('\n'));
    console.log(`server up on ${baseUrl}${pinnable ? ', pinned to core 0' : ''}; creating the show and its room`);
    const show = await createOnsaleShow(baseUrl, adminToken, size, bounds, `${process.pid}-${name}`);
    await analyze(dbUrl);
    const shieldView = async () => adminCall(baseUrl, adminToken, 'GET', '/api/admin/shield') as Promise<Record<string, any>>;
    const shieldProbe = await shieldView().then(
      (v) => `answered: mode ${v.mode}, enabled ${v.enabled}`,
      (e: Error) => `did not answer: ${e.message.slice(0, 160)}`,
    );
    console.log(`GET /api/admin/shield ${shieldProbe}`);

    await quiet(`shield ${name} phase`, notes);
    const startAt = Date.now() + 4000;
    const common = ['--start-at', String(startAt), '--duration', String(duration)];
    const flood = generator<FloodResult>('flood', [
      'nice',
      '-n',
      String(floodNice),
      ...pinned(1, [
        ...tsx,
        'bench/onsale/flood.ts',
        '--url',
        baseUrl,
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
        '--mix',
        mix,
        ...common,
      ]),
    ]);
    const crowd = generator<FansResult>(
      'fans',
      pinned(1, [
        ...tsx,
        'bench/onsale/fans.ts',
        '--app',
        baseUrl,
        '--pay',
        payUrl,
        '--performance',
        show.performanceId,
        '--category',
        show.seatCategoryId,
        '--ga',
        show.gaAreaId,
        '--fans',
        String(fans),
        '--per-prefix',
        String(perPrefix),
        '--delay',
        String(fanDelay),
        '--arrival',
        String(arrival),
        '--poll-ms',
        String(pollMs),
        '--quantity',
        String(quantity),
        '--solver-threads',
        String(solverThreads),
        '--solver-nice',
        String(floodNice),
        ...common,
      ]),
    );
    const pids = () => [server.pid!, flood.child.pid!, crowd.child.pid!];
    console.log(
      `flood (${floodSources} addresses in ${floodPrefixes} /24s, ${floodConnections} connections × ${floodDepth}) and ${fans} fans for ${duration} s`,
    );

    // CPU over exactly the window; the shield's view every 2 s, to see when its mode turns on.
    let first: CpuSample | undefined;
    let cpu: CpuShare | undefined;
    let shieldOnAfter: Phase['shieldOnAfter'];
    let shieldSamples = 0;
    let polling = true;
    const cpuDone = (async () => {
      await sleep(Math.max(0, startAt - Date.now()));
      first = sampleCpu(pids(), dbPrefix);
      await sleep(Math.max(0, startAt + duration * 1000 - Date.now()));
      cpu = cpuShares(first, sampleCpu(pids(), dbPrefix));
    })();
    const watching = (async () => {
      await sleep(Math.max(0, startAt - Date.now()));
      while (polling && Date.now() < startAt + duration * 1000) {
        const tick = sleep(2000);
        const view = await shieldView().catch(() => undefined);
        if (view) {
          shieldSamples++;
          if (view.mode === 'on' && !shieldOnAfter) {
            shieldOnAfter = { seconds: (Date.now() - startAt) / 1000, reason: view.reason ?? null };
            console.log(`  shield mode on after ${shieldOnAfter.seconds.toFixed(1)} s: ${view.reason ?? ''}`);
          }
        }
        await tick;
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the generators did not finish within 60 s of the window')), (duration + 60) * 1000 + 4000);
    });
    const [floodResult, fansResult] = await Promise.race([Promise.all([flood.done, crowd.done]), late]).finally(() => clearTimeout(timer));
    polling = false;
    await Promise.all([cpuDone, watching]);

    const shield = await shieldView().catch(() => undefined);
    const room = await adminCall(baseUrl, adminToken, 'GET', `/api/admin/performances/${show.performanceId}/queue`).catch(() => undefined);
    // Let payments in flight at the end land before counting.
    await sleep(1000);
    const stock = await checkStock(dbUrl, show.performanceId);
    const x = refused(floodResult);
    console.log(
      `  flood ${Math.round(Object.values(floodResult.offered).reduce((a, b) => a + b, 0) / duration)} offered/s, ` +
        `${Math.round(x.total / duration)} refused/s; fans ${fansResult.purchases} purchases; oversold ${stock.oversold}; ` +
        `5xx after admission ${Object.values(fansResult.serverErrorsAfterAdmission).reduce((a, b) => a + b, 0)}`,
    );
    if (server.exitCode !== null || server.signalCode !== null)
      notes.push(`the server process ended during the phase (${server.exitCode ?? server.signalCode}); see its log below.`);
    if (stock.paidOrders !== fansResult.purchases)
      notes.push(
        `${stock.paidOrders} orders are paid in the database and the fans counted ${fansResult.purchases} purchases (a payment answered after the window closed, or a retried payment).`,
      );
    return { name, flood: floodResult, fans: fansResult, stock, cpu, shield, shieldOnAfter, shieldSamples, shieldProbe, room, serverLog, notes };
  } finally {
    // After Ctrl-C the bench's cleanup stops everything and drops the databases itself.
    if (!cleaning) {
      await Promise.all([...children].map((child) => stop(child, 10_000)));
      await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e: Error) => console.error(`could not drop ${dbName}: ${e.message}`));
    }
  }
}

async function main(): Promise<void> {
  const client = await adminClient(PG_BASE);
  if (typeof client === 'string') {
    console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${client}); the server needs it. Nothing measured, no results written.`);
    return;
  }
  admin = client;
  mkdirSync(workDir, { recursive: true });
  const notes: string[] = [];
  if (!pinnable) notes.push('taskset is missing or the machine has fewer than 2 cores: everything ran unpinned.');
  const results: Phase[] = [];
  for (const name of phases) results.push(await runPhase(name));

  const report: OnsaleReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    node: process.version,
    postgres: await postgresVersion(admin),
    notes,
    phases: results,
    settings: [
      [
        'show',
        `${size.seats} seats (one category, best-available holds) and ${size.ga} GA places (another category): ${size.seats + size.ga} tickets for ${fans} fans wanting ${quantity} each`,
      ],
      [
        'room',
        `in-memory store; ${Object.entries(bounds)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      ],
      [
        'flood',
        `${floodSources} source addresses in ${floodPrefixes} /24s of 127.66.0.0/16; ${floodConnections} keep-alive connections, ${floodDepth} request(s) in flight each (pipelined), next request as soon as an answer is in; ignores Retry-After; HTTP written by hand over node:net`,
      ],
      [
        'flood mix (weights)',
        `${mix} — home: \`GET /\`; events: \`GET /api/events\`; join: \`POST /api/performances/:id/queue\` with a new X-Queue-Key each; status: \`GET /api/queue/status\` with made-up tickets; hold: \`POST /api/performances/:id/holds\` (2 GA places) without X-Access-Token`,
      ],
      [
        'fans',
        `${fans}, each from its own address (${perPrefix} per /24 in 127.30.0.0/16), arriving evenly from ${fanDelay} s to ${fanDelay + arrival} s after the flood began; join (solving a challenge on 401 challenge_required, honouring Retry-After on 429/503), poll every ${Math.round((pollMs * 2) / 3)}–${Math.round((pollMs * 4) / 3)} ms, hold ${quantity} (preferred kind, then the other, then 1), order, card token, pay; node:http with keep-alive`,
      ],
      [
        'proof of work',
        `node:crypto \`crypto.hash('sha256')\` in ${solverThreads} worker thread(s) of the fans' process at nice ${floodNice}; server \`SHIELD_POW_BITS=${powBits}\` (the default is 18: every simulated fan solves on the same shared core, so the bench lowers it; a fan's device at 18 bits does 2^(18−${powBits})× the work measured here)`,
      ],
      ['duration', `${duration} s per phase, flood and fans together; a fresh server and database per phase`],
      [
        'pinning',
        pinnable
          ? `server \`taskset -c 0\`; flood \`nice -n ${floodNice} taskset -c 1\`; fans \`taskset -c 1\` (their solver threads at nice ${floodNice}); PostgreSQL unpinned`
          : 'none (taskset unavailable)',
      ],
      [
        'CPU per refused request',
        "server CPU (utime + stime from /proc over the window) divided by the flood answers the shield refused. The server also served the fans and the flood's other answers in that time, so this is an upper bound",
      ],
    ],
  };
  const markdown = renderReport(report);
  console.log(`\n${markdown}`);
  if (write) {
    writeResult('onsale', report.date, markdown);
  }
}

const cleanupAll = cleanupOnce(
  databases,
  () => admin,
  () => rmSync(workDir, { recursive: true, force: true }),
);
let cleaning = false;
function cleanup(): Promise<void> {
  cleaning = true;
  return cleanupAll();
}
await runBench(main, cleanup, 'the bench databases');

import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import type pg from 'pg';
import {
  MEASURE_END,
  MEASURE_START,
  cpuShares,
  flags,
  numberFlag,
  sampleCpu,
  waitForQuiet,
  type CpuSample,
  type CpuShare,
  type PhaseResult,
} from './common.js';
import { machine, postgresVersion, renderReport, type Report } from './report.js';
import { adminClient, analyze, createDatabase, createShowDirect, createShowHttp, type BenchShow } from './setup.js';
import { freePort, pinnable, pinned, root, runBench, start, stop, waitUntilUp, writeResult, cleanupOnce } from '../processes.js';

/**
 * `npm run bench:checkout`: the whole checkout through the HTTP API against a server process on
 * core 0, driven from core 1, beside the same SQL sent straight through pg from core 1, each on a
 * fresh database of the machine's PostgreSQL. Flags: --concurrency 32 --warmup 3 --duration 20
 * --pool 20 --quiet-wait 120 (seconds to wait for other work on the machine to stop) --skip-raw --no-write
 * --cpu-prof-dir /tmp/dir (profiles the server; implies --no-write) --before <commit> (runs the HTTP API
 * phase a second time, first, against the server of that commit from a temporary git worktree, so
 * the report shows before and after side by side in one run).
 */
const PG_BASE = 'postgres://postgres@127.0.0.1:5432';
/**
 * 32 buyers buying flat out are far above any one person's rate, so the bench raises the limits
 * of the classes a purchase passes (holds, checkout, confirmation emails): the shield's gate still
 * counts every request, none is refused. Each buyer has its own loopback address and email, as
 * real buyers do. The surge rule is kept out of the way: this bench is not about a flood
 * (bench/onsale is).
 */
const WIDE = { points: 10_000_000, seconds: 60 };
const SHIELD_LIMITS = JSON.stringify({
  hold: { ip: WIDE, prefix: WIDE },
  checkout: { ip: WIDE, prefix: WIDE },
  email: { ip: WIDE, prefix: WIDE, account: WIDE },
});
const SHIELD_ATTACK_RPS = '10000000';

const f = flags(process.argv.slice(2));
const concurrency = numberFlag(f, 'concurrency', 32);
const warmup = numberFlag(f, 'warmup', 3);
const duration = numberFlag(f, 'duration', 20);
const poolSize = numberFlag(f, 'pool', 20);
const quietWait = numberFlag(f, 'quiet-wait', 120);
const dbPrefix = `taquilla_bench_${process.pid}`;
const cpuProfDir = f.get('cpu-prof-dir');
const write = !f.has('no-write') && !cpuProfDir;
const beforeRef = f.get('before');
const beforeDir = `/tmp/taquilla-checkout-before-${process.pid}`;

const databases: string[] = [];
let admin: pg.Client | undefined;

/** Runs a measuring child to its end; CPU of the child (and of `server`) is sampled at its window markers. */
async function phase(command: string[], server?: number): Promise<{ result: PhaseResult; cpu?: CpuShare }> {
  let first: CpuSample | undefined;
  let cpu: CpuShare | undefined;
  let last = '';
  const pids = () => (server ? [child.pid!, server] : [child.pid!]);
  const child: ChildProcess = start(command, process.env, (line) => {
    if (line === MEASURE_START) first = sampleCpu(pids(), dbPrefix);
    else if (line === MEASURE_END && first) cpu = cpuShares(first, sampleCpu(pids(), dbPrefix));
    else if (line.startsWith('{')) last = line;
    else if (line) console.log(`  ${line}`);
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !last) throw new Error(`${command.join(' ')} exited with ${code}`);
  return { result: JSON.parse(last) as PhaseResult, cpu };
}

async function quiet(what: string, notes: string[]): Promise<void> {
  const busy = await waitForQuiet(quietWait * 1000, dbPrefix);
  if (busy >= 0.15) {
    const note = `the machine was ${Math.round(busy * 100)}% busy with other work just before the ${what} phase (waited ${quietWait} s for quiet); see "rest of machine" below.`;
    console.log(`  warning: ${note}`);
    notes.push(note);
  }
}

const showArgs = (show: BenchShow) => [
  '--performance',
  show.performanceId,
  '--categories',
  show.categoryIds.join(','),
  '--ga',
  show.gaAreaId,
  '--concurrency',
  String(concurrency),
  '--warmup',
  String(warmup),
  '--duration',
  String(duration),
];

const tsx = [process.execPath, '--import', 'tsx'];

function git(args: string[]): string {
  const out = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`git ${args.join(' ')}: ${out.stderr.trim()}`);
  return out.stdout.trim();
}

/**
 * One HTTP API phase: the server of the code in `cwd` (this checkout, or the --before worktree),
 * pinned to core 0 on its own database, the show created through its operator API, then the
 * buyers from core 1. The server is stopped when the phase ends.
 */
async function apiPhase(label: string, cwd: string, url: string, notes: string[]) {
  const [port, paymentPort] = [await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const paymentOrigin = `http://127.0.0.1:${paymentPort}`;
  const adminToken = `bench-admin-${'x'.repeat(32)}`;
  const serverLog: string[] = [];
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const server = start(
    pinned(0, [process.execPath, ...nodeArgs, '--import', 'tsx', 'src/server.ts']),
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: String(poolSize),
      PORT: String(port),
      PAYMENT_PORT: String(paymentPort),
      BASE_URL: baseUrl,
      PAYMENT_ORIGIN: paymentOrigin,
      TAQUILLA_SECRET: `bench-secret-${'s'.repeat(40)}`,
      TAQUILLA_ADMIN_TOKEN: adminToken,
      // A production node set up by a script: the break-glass token is its operator, switched on
      // explicitly (production refuses it otherwise) and audited on every use.
      TAQUILLA_BREAK_GLASS: 'true',
      TAQUILLA_SEED_DEMO: 'false',
      TAQUILLA_DATA_DIR: `/tmp/taquilla-bench-${process.pid}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      HOLD_TTL_SECONDS: '600',
      SHIELD_LIMITS,
      SHIELD_ATTACK_RPS,
    },
    (line) => line.startsWith('{') && serverLog.push(line),
    cwd,
  ); // pino lines (warn and above); not the banner
  server.stderr!.on('data', (chunk: Buffer) => serverLog.push(chunk.toString('utf8')));
  try {
    await waitUntilUp(server, `${baseUrl}/api/health`, () => serverLog.slice(-30).join('\n'));
    console.log(`${label}: server up on ${baseUrl} (payments ${paymentOrigin})${pinnable ? ', pinned to core 0' : ''}; creating the show`);
    const show = await createShowHttp(baseUrl, adminToken);
    await analyze(url);
    await admin!.query('CHECKPOINT');
    await quiet(label, notes);
    console.log(`${label}: ${concurrency} buyers, ${warmup} s warm-up + ${duration} s`);
    const measured = await phase(pinned(1, [...tsx, 'bench/checkout/load.ts', '--app', baseUrl, '--pay', paymentOrigin, ...showArgs(show)]), server.pid);
    if (serverLog.length)
      notes.push(`${label}: the server logged ${serverLog.length} warnings or errors; first: ${serverLog.slice(0, 3).join(' | ').slice(0, 600)}`);
    return measured;
  } finally {
    await stop(server);
  }
}

async function main(): Promise<void> {
  const client = await adminClient(PG_BASE);
  if (typeof client === 'string') {
    console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${client}); the checkout bench needs it. Nothing measured, no results written.`);
    return;
  }
  admin = client;
  const notes: string[] = [];
  if (!pinnable) notes.push('taskset is missing or the machine has fewer than 2 cores: everything ran unpinned.');
  const apiDb = dbPrefix;
  const rawDb = `${apiDb}_raw`;
  databases.push(apiDb, rawDb);
  console.log(`creating databases ${apiDb} and ${rawDb} and migrating them`);
  const apiUrl = await createDatabase(admin, PG_BASE, apiDb);
  const rawUrl = await createDatabase(admin, PG_BASE, rawDb);

  let before: (Awaited<ReturnType<typeof apiPhase>> & { commit: string }) | undefined;
  if (beforeRef) {
    const commit = git(['rev-parse', '--short', `${beforeRef}^{commit}`]);
    console.log(`checking out ${beforeRef} (${commit}) in ${beforeDir}`);
    git(['worktree', 'add', '--detach', beforeDir, commit]);
    if (!existsSync(`${beforeDir}/node_modules`)) symlinkSync(`${root}node_modules`, `${beforeDir}/node_modules`);
    const beforeDb = `${apiDb}_before`;
    databases.push(beforeDb);
    // Its own server migrates it with its own migrations, as it would in production.
    const beforeUrl = await createDatabase(admin, PG_BASE, beforeDb, false);
    // The code before runs first: if the machine drifts during the run, it does not favour this code.
    before = { ...(await apiPhase(`HTTP API before (${commit})`, beforeDir, beforeUrl, notes)), commit };
  }
  const api = await apiPhase('HTTP API', root, apiUrl, notes);

  let raw: Awaited<ReturnType<typeof phase>> | undefined;
  if (!f.has('skip-raw')) {
    const rawShow = await createShowDirect(rawUrl);
    await analyze(rawUrl);
    await admin.query('CHECKPOINT');
    await quiet('raw SQL', notes);
    console.log(`raw SQL: ${concurrency} workers, pool ${poolSize}, ${warmup} s warm-up + ${duration} s`);
    raw = await phase(pinned(1, [...tsx, 'bench/checkout/raw-sql.ts', '--url', rawUrl, '--pool', String(poolSize), ...showArgs(rawShow)]));
  }

  const report: Report = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    node: process.version,
    postgres: await postgresVersion(admin),
    concurrency,
    warmup,
    duration,
    poolSize,
    notes,
    shield: `on: every request passes the shield's gate (blocked-address check, shedding, limits, traffic counts); each buyer buys from its own 127.40.x.y address with its own email; the limits of the hold, checkout and email classes are raised (\`SHIELD_LIMITS=${SHIELD_LIMITS}\`) so the gate counts every request and refuses none, and \`SHIELD_ATTACK_RPS=${SHIELD_ATTACK_RPS}\` keeps the surge rule from switching shield mode on`,
    pinning: pinnable
      ? 'server `taskset -c 0`; load generator and raw SQL client `taskset -c 1`; PostgreSQL unpinned (both cores)'
      : 'none (taskset unavailable)',
    api: api.result,
    apiCpu: api.cpu,
    before: before && { commit: before.commit, result: before.result, cpu: before.cpu },
    raw: raw?.result,
    rawCpu: raw?.cpu,
  };
  const markdown = renderReport(report);
  console.log(`\n${markdown}`);
  if (write) {
    writeResult('checkout', report.date, markdown);
  } else if (cpuProfDir) {
    console.log(`server CPU profile in ${cpuProfDir}; results not written`);
  }
}

// The --before worktree goes too: it is this run's own, under /tmp.
const cleanup = cleanupOnce(
  databases,
  () => admin,
  () => {
    if (beforeRef && existsSync(beforeDir)) spawnSync('git', ['worktree', 'remove', '--force', beforeDir], { cwd: root });
  },
);
await runBench(main, cleanup, 'the bench databases');

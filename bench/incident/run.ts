/**
 * How long an incident scope takes on a box office's worth of history (issue 13: under 2 s for a
 * scope over 1,000,000 orders and 3,000,000 checkout attempts), and how fast the notify step
 * queues notices (100,000 in under a minute).
 *
 * `npx tsx bench/incident/run.ts [--runs 5] [--orders 1000000] [--reuse] [--keep] [--no-write]
 * [--quiet-wait 60] [--explain build,window30d,everyone] [--cap 3000] [--notify-cap 300]`.
 * Needs the machine's PostgreSQL on 127.0.0.1:5432 (user postgres, trust); says why and exits 0
 * without it. Creates and fills `taquilla_bench_incident` (generate.ts), then for each case
 * (scopes.ts): a reference (counting the attempts it matches), and the real createScope `--runs`
 * times through a pool like the server's (20 connections, the same prepared statements), timing
 * the answer and, apart, the list of people it writes just after (the bench waits for the list
 * before the next run). EXPLAIN (ANALYZE, BUFFERS) of the code's own count, all-buyers and list
 * statements for the `--explain` cases; then the notify step and its reference (notify.ts).
 * Writes `results/incident-<date>.md`; drops the database at the end unless `--keep`; `--reuse`
 * measures a database kept by an earlier run instead of generating it again. `--cap` bounds the
 * whole run, `--notify-cap` the notify step and its reference each.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import type pg from 'pg';
import { connect } from '../../src/platform/database.js';
import type { Db } from '../../src/platform/transaction.js';
import { completeScope, createScope } from '../../src/security/incident-scopes.js';
import { buildsServingHash } from '../../src/security/incident-scopes.repository.js';
import { createIncident } from '../../src/security/incidents.repository.js';
import { waitForQuiet } from '../checkout/common.js';
import { machine, postgresVersion } from '../checkout/report.js';
import { root, runBench, writeResult } from '../processes.js';
import { admin, BASE, diskSizes, NAME, sizeFrom } from './database.js';
import { shares, snapshot } from './cpu.js';
import { createAndGenerate } from './generate.js';
import { measureNotify } from './notify.js';
import { explain, preparedPlans } from './explain.js';
import { StatementTimer } from './plugins.js';
import { report, type CaseResult, type ScopeRun } from './report.js';
import { countMatching, scopeCases, type ScopeCase } from './scopes.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const runs = flag('runs', 5);
const quietWait = flag('quiet-wait', 60);
const cap = flag('cap', 3000);
const explainKeys = (args[args.indexOf('--explain') + 1] ?? '').split(',').filter((k) => args.includes('--explain') && k);
const EXPLAIN = explainKeys.length ? explainKeys : ['build', 'window30d', 'everyone'];

let client: pg.Client | undefined;
let db: Db | undefined;
const cleanup = async () => {
  await db?.destroy().catch(() => {});
  if (client && !args.includes('--keep')) await client.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`).catch((e: Error) => console.error(e.message));
  if (args.includes('--keep')) console.log(`kept ${NAME}`);
  await client?.end().catch(() => {});
};

/** The commit, and whether the scope code measured differs from it (others are editing it). */
function codeVersion(): string {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const files = ['src/security/incident-scopes.ts', 'src/security/incident-scopes.repository.ts', 'migrations/013_incident_response.ts'];
    const changed = git('status', '--short', '--', ...files);
    return `${git('rev-parse', '--short', 'HEAD')}${
      changed
        ? ` (with uncommitted changes to: ${changed
            .split('\n')
            .map((l) => l.slice(3))
            .join(', ')})`
        : ''
    }`;
  } catch {
    return 'unknown';
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  setTimeout(() => {
    console.error(`--cap ${cap} s reached: stopping`);
    void cleanup().finally(() => process.exit(1));
  }, cap * 1000).unref();
  client = await admin();
  if (!client) return;
  const loadAtStart = loadavg()[0]!;
  const exists = (await client.query(`SELECT 1 FROM pg_database WHERE datname = '${NAME}'`)).rowCount === 1;
  let generation: Record<string, number> | undefined;
  if (!(args.includes('--reuse') && exists)) generation = (await createAndGenerate(client, sizeFrom(args))).seconds;
  const disk = await diskSizes();
  // The server's pool size; a statement that runs away is cut at 5 minutes.
  db = connect(`${BASE}/${NAME}?options=${encodeURIComponent('-c statement_timeout=300s')}`, 20);
  const endRow = await sql<{ end: Date }>`SELECT date_trunc('hour', max(created_at)) + interval '1 hour' AS end FROM checkout_records`.execute(db);
  const end = endRow.rows[0]!.end;
  const incidentId = await createIncident(db, {
    category: 'script_compromise',
    title: 'Bench: a skimmer in a vendor chunk',
    severity: 'critical',
    awareAt: new Date(),
    openedBy: 'bench',
    owner: 'bench',
  });
  const timer = new StatementTimer();
  const timed = db.withPlugin(timer);
  const pool = db;
  /** `runs` scopes of one case through `make`, after waiting for a quiet machine; CPU of everything else alongside. */
  const measure = async (
    c: ScopeCase,
    n: number,
    make: () => Promise<{ id: string; people: number; checkoutAttempts: number; allPeople: number; queryMs: number }>,
  ) => {
    // Each case starts from an empty people table, in both phases: the lists of earlier cases would
    // otherwise make later cases (and the whole second phase) insert into a bigger table.
    await sql`TRUNCATE incident_scope_people`.execute(pool);
    const busy = await waitForQuiet(quietWait * 1000, NAME);
    const before = snapshot(NAME);
    const out: ScopeRun[] = [];
    for (let i = 0; i < n; i++) {
      timer.reset();
      const t = performance.now();
      const scope = await make();
      const wallMs = performance.now() - t;
      const statements = { ...timer.ms };
      // The list is written in the background; waiting for it here keeps runs from overlapping.
      await completeScope(timed, scope.id);
      out.push({
        scopeId: scope.id,
        wallMs,
        listMs: performance.now() - t,
        listStatementMs: timer.ms.list ?? 0,
        queryMs: scope.queryMs,
        statements,
        people: scope.people,
        attempts: scope.checkoutAttempts,
        allPeople: scope.allPeople,
      });
    }
    const share = shares(before, snapshot(NAME));
    console.log(
      `${c.label}: ${out[0]!.people.toLocaleString('en')} people, ${out[0]!.attempts.toLocaleString('en')} attempts; answer ms ${out.map((r) => r.wallMs.toFixed(0)).join(', ')}; list ready ms ${out.map((r) => r.listMs.toFixed(0)).join(', ')}`,
    );
    return { runs: out, cpu: { busyBefore: busy, ours: share.ours, rest: share.rest } };
  };
  const results: CaseResult[] = [];
  const cases = await scopeCases(db, end);
  for (const c of cases) {
    const hashBuilds = c.criteria.scriptHashes ? await buildsServingHash(db, c.criteria.scriptHashes) : [];
    const resolved = { ...c.criteria, buildIds: [...(c.criteria.buildIds ?? []), ...hashBuilds] };
    if (!resolved.buildIds.length) delete (resolved as { buildIds?: string[] }).buildIds;
    const reference: number[] = [];
    let matching = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      matching = await countMatching(db, resolved);
      reference.push(performance.now() - t);
    }
    const measured = await measure(c, runs, () => createScope(timed, { incidentId, criteria: c.criteria, actor: 'bench' }));
    const result: CaseResult = { ...c, hashBuilds, matching, referenceMs: median(reference), ...measured };
    if (EXPLAIN.includes(c.key)) result.plans = await explain(pool, incidentId, c.criteria);
    results.push(result);
  }
  const prepared = await preparedPlans(db, '%count(*) AS n%GROUP BY lower(c.buyer_email)%', (s) => s.match(/WHERE\s+([\s\S]*?)\s+GROUP BY/)?.[1] ?? '?');
  const notify = await measureNotify(db, results, flag('notify-cap', 300));

  const date = new Date().toISOString().slice(0, 10);
  const markdown = report({
    date,
    machine: machine(),
    node: process.version,
    postgres: await postgresVersion(client),
    commit: codeVersion(),
    load: [loadAtStart, loadavg()[0]!],
    generation,
    disk,
    runs,
    results,
    notify,
    prepared,
  });
  console.log(markdown);
  if (!args.includes('--no-write')) writeResult('incident', date, markdown);
}

await runBench(main, cleanup, NAME);

import { mib } from './database.js';
import type { NotifyResult } from './notify.js';
import type { ScopeCase } from './scopes.js';

export interface ScopeRun {
  scopeId: string;
  /** The answer: createScope's call, from its start to its count committed. */
  wallMs: number;
  /** From the same start until the list of people is written (completeScope, in the background). */
  listMs: number;
  /** The list's INSERT ... SELECT alone. */
  listStatementMs: number;
  /** createScope's own figure (stored as query_ms): from its start to before its last writes. */
  queryMs: number;
  /** Milliseconds per statement label (plugins.ts) until the answer. */
  statements: Record<string, number>;
  people: number;
  attempts: number;
  allPeople: number;
}

/** Cores used while a case ran (cpu.ts): PostgreSQL for the bench with the bench's own process, and everything else. */
export interface CaseCpu {
  busyBefore: number;
  ours: number;
  rest: number;
}

export interface CaseResult extends ScopeCase {
  hashBuilds: string[];
  matching: number;
  referenceMs: number;
  runs: ScopeRun[];
  cpu: CaseCpu;
  plans?: Record<string, string>;
}

export interface Report {
  date: string;
  machine: string;
  node: string;
  postgres: string;
  commit: string;
  load: [number, number];
  generation?: Record<string, number>;
  disk: { database: number; tables: { name: string; rows: number; heap: number; indexes: number }[] };
  runs: number;
  results: CaseResult[];
  notify: NotifyResult | string;
  prepared: { statement: string; generic: number; custom: number }[];
}

export const GOAL_MS = 2000;
const n = (x: number) => x.toLocaleString('en');
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const stat = (xs: number[]) => {
  const s = sorted(xs);
  return `${ms(s[0]!)} / **${ms(s[Math.floor(s.length / 2)]!)}** / ${ms(s[s.length - 1]!)}`;
};
const med = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;

function caseTable(results: CaseResult[], runsOf: (c: CaseResult) => ScopeRun[], cpuOf: (c: CaseResult) => CaseCpu, reference: boolean): string[] {
  const rows = [
    `| case | people | attempts | answer ms (min / **median** / max) | count | all buyers | rest | list ready ms (median; its INSERT) |${reference ? ' reference ms |' : ''} other CPU | goal |`,
    `|---|---|---|---|---|---|---|---|${reference ? '---|' : ''}---|---|`,
  ];
  for (const c of results) {
    const runs = runsOf(c);
    const walls = runs.map((x) => x.wallMs);
    const mid = runs.find((x) => x.wallMs === med(walls))!;
    const s = mid.statements;
    // Counted on the first run of a minute, then cached: the most a run paid.
    const all = Math.max(...runs.map((x) => x.statements.allBuyers ?? 0));
    const rest = mid.wallMs - (s.count ?? 0) - (s.allBuyers ?? 0);
    const ref = reference ? ` ${ms(c.referenceMs)} (${n(c.matching)} rows) |` : '';
    const list = `${ms(med(runs.map((x) => x.listMs)))}; ${ms(med(runs.map((x) => x.listStatementMs)))}`;
    rows.push(
      `| ${c.label} | ${n(runs[0]!.people)} | ${n(runs[0]!.attempts)} | ${stat(walls)} | ${ms(s.count ?? 0)} | ${all ? ms(all) : 'cached'} | ${ms(rest)} | ${list} |${ref} ${cpuOf(c).rest.toFixed(2)} | ${med(walls) < GOAL_MS ? 'met' : '**not met**'} |`,
    );
  }
  return rows;
}

export function report(r: Report): string {
  const out: string[] = [
    `# Incident scope benchmark, ${r.date}`,
    '',
    'Produced by `npx tsx bench/incident/run.ts` (its header says what it does; the data set is `bench/incident/dataset.ts`).',
    '',
    '| setting | value |',
    '|---|---|',
    `| machine | ${r.machine} |`,
    `| Node | ${r.node} |`,
    `| PostgreSQL | ${r.postgres} |`,
    `| code | ${r.commit} |`,
    `| load average (1 min), start / end | ${r.load[0].toFixed(2)} / ${r.load[1].toFixed(2)} |`,
    `| database on disk | ${mib(r.disk.database)} |`,
    ...r.disk.tables.map((t) => `| ${t.name} | ${n(t.rows)} rows; heap ${mib(t.heap)}, indexes ${mib(t.indexes)} |`),
  ];
  if (r.generation) {
    const total = Object.values(r.generation).reduce((a, b) => a + b, 0);
    out.push(
      `| generation | **${total.toFixed(0)} s**: ${Object.entries(r.generation)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join('; ')} |`,
    );
  } else out.push('| generation | not in this run (`--reuse` of a kept database) |');
  out.push(
    '',
    `## Scopes: createScope as it is, ${r.runs} runs each, goal: the answer in < ${n(GOAL_MS)} ms`,
    '',
    'createScope answers with the count (people, attempts, share of all buyers) and writes the list of people just after, in the',
    'background (`completeScope`). **answer**: the createScope call, min / **median** / max, through a pool of 20 like the',
    'server\u2019s; split (median run) into `count` (the count over the matching attempts), `all buyers` (the denominator: counted',
    'at most once a minute, so most runs find it cached; the column shows what the run that counted it paid) and `rest`',
    '(the incident check, bookkeeping, commit). **list ready**: from the same start until the list is written; the bench waits for',
    'it before the next run, so runs never overlap. The reference counts the attempts the case matches with the repository\u2019s',
    'own condition (`scopeFilter`), without grouping. `other CPU`: cores the rest of the machine used meanwhile (2 cores here;',
    'above 0.15 the figures are understated). Each case starts with `incident_scope_people` empty.',
    '',
    ...caseTable(
      r.results,
      (c) => c.runs,
      (c) => c.cpu,
      true,
    ),
    '',
    'Every run, answer ms (list ready ms):',
    '',
    ...r.results.map((c) => `- ${c.key}: ${c.runs.map((x) => `${ms(x.wallMs)} (${ms(x.listMs)})`).join(', ')}`),
  );
  const allPeople = r.results[0]?.runs[0]?.allPeople;
  if (allPeople) out.push('', `All buyers (the share\u2019s denominator): ${n(allPeople)} people.`);
  out.push(
    '',
    'Prepared statements: the pool prepares every statement with parameters, so each criteria shape of the count is one statement',
    'per connection; after five executions PostgreSQL may plan it once without the values (a generic plan). Over the pool\u2019s connections:',
    '',
    ...(r.prepared.length ? r.prepared.map((p) => `- \`${p.statement}\`: ${p.custom} custom plans, ${p.generic} generic`) : ['- none found']),
  );
  const planned = (c: CaseResult, plans: Record<string, string> | undefined, what: string) => {
    if (!plans) return;
    out.push(
      '',
      `## Plans: ${c.label}${what}`,
      '',
      `Criteria: \`${JSON.stringify(c.criteria)}\`${c.hashBuilds.length ? `; the hash resolved to builds ${c.hashBuilds.join(', ')}` : ''}.`,
    );
    for (const [label, plan] of Object.entries(plans))
      out.push(
        '',
        `### ${{ count: 'the count (the answer)', allBuyers: 'the all-buyers count', list: 'the list: INSERT ... SELECT' }[label] ?? label}`,
        '',
        '```',
        plan,
        '```',
      );
  };
  for (const c of r.results) planned(c, c.plans, '');
  out.push('', '## Notify', '');
  if (typeof r.notify === 'string') out.push(r.notify);
  else {
    const x = r.notify;
    const rate = x.queued / x.seconds;
    out.push(
      `The real step: \`runStep\` (src/security/incident-response.ts), \`notify\`, pages of 1,000, for a fresh incident on the scope \u201c${x.scopeLabel}\u201d (${n(x.people)} people).`,
      '',
      '| measure | value |',
      '|---|---|',
      `| notices queued | ${n(x.queued)} of ${n(x.people)} in **${x.seconds.toFixed(1)} s**: **${n(Math.round(rate))} people/s** (goal: 100,000 in under 60 s: ${rate >= 100_000 / 60 && x.queued >= Math.min(x.people, 100_000) ? 'met' : '**not met**'}) |`,
      `| handled by then (people: seconds) | ${x.progress.map((p) => `${n(p.done)}: ${p.seconds.toFixed(1)}`).join('; ')} |`,
      `| seconds in statements, by kind | ${x.statements
        .slice(0, 5)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join('; ')} |`,
      `| reference: the same pages without the step\u2019s pre-check (\`recordedAmong\`), a fresh incident | ${n(x.reference.queued)} in ${x.reference.seconds.toFixed(1)} s: ${n(Math.round(x.reference.queued / x.reference.seconds))} people/s; **ratio step / reference ${Math.round((rate / (x.reference.queued / x.reference.seconds)) * 100)}%** |`,
      `| prepared plans of the step\u2019s reads of incident_step_people, over the pool\u2019s connections | ${x.prepared.map((p) => `\`${p.statement.slice(0, 90)}\u2026\`: ${p.custom} custom, ${p.generic} generic`).join('; ') || 'none found'} |`,
      `| outbox rows after | ${n(x.outboxRows)} |`,
      `| an order confirmation queued after the notices is claimed first | ${x.confirmationFirst ? 'yes' : '**no**'}; claimQueued(20) took ${ms(x.claimMs)} ms; first claimed: ${x.firstClaimed.join(', ')} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

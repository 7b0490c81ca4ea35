import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type pg from 'pg';
import type { CpuShare, PhaseResult, Summary } from './common.js';
import { INCLUDED } from './raw-statements.js';

export interface Report {
  date: string;
  machine: string;
  node: string;
  postgres: string;
  concurrency: number;
  warmup: number;
  duration: number;
  pinning: string;
  /** How the shield was set for the API phase. */
  shield: string;
  poolSize: number;
  api: PhaseResult;
  apiCpu?: CpuShare;
  /** The same HTTP API phase against the server of an earlier commit (`--before`). */
  before?: { commit: string; result: PhaseResult; cpu?: CpuShare };
  raw?: PhaseResult;
  rawCpu?: CpuShare;
  notes: string[];
}

export function machine(): string {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // os.availableParallelism() is the same figure
  }
  return `nproc ${nproc}, ${model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`;
}

export async function postgresVersion(admin: pg.Client): Promise<string> {
  const { rows } = await admin.query(`SELECT current_setting('server_version') AS v, name, setting, unit FROM pg_settings
    WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'autovacuum', 'max_connections') ORDER BY name`);
  const settings = rows.map((r) => `${r.name} ${r.unit === '8kB' ? `${(Number(r.setting) * 8) / 1024} MB` : r.setting}`);
  return `${rows[0]?.v ?? '?'} (${settings.join(', ')})`;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const rate = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 0 });
const lat = (s: Summary | undefined) => (s?.count ? `${ms(s.p50)} / ${ms(s.p99)}` : '—');
const errors = (e: Record<string, number>) => {
  const entries = Object.entries(e).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${n}× ${k}`).join('; ') : 'none';
};
const cores = (c: CpuShare | undefined, names: string[]) =>
  c
    ? `${names.map((n, i) => `${n} ${(c.processes[i] ?? 0).toFixed(2)}`).join(', ')}, postgres ${c.postgres.toFixed(2)}, rest of machine ${c.rest.toFixed(2)}; ` +
      `cores busy ${c.cores.map((v) => `${Math.round(v * 100)}%`).join(' / ')}`
    : '—';

/** CPU milliseconds per purchase: steadier than rates when other work shares the machine. */
const perPurchase = (p: PhaseResult, c: CpuShare | undefined, name: string, index: number) => {
  const rate = p.purchases / p.seconds;
  if (!c || rate === 0) return '—';
  return `${name} ${(((c.processes[index] ?? 0) * 1000) / rate).toFixed(1)}, postgres ${((c.postgres * 1000) / rate).toFixed(1)}`;
};

/** Other work on the machine (someone's tests, a browser) takes cores from the bench: say so. */
function notes(r: Report): string[] {
  const out = [...r.notes];
  for (const [what, c] of [
    ['HTTP API', r.apiCpu],
    ['HTTP API before', r.before?.cpu],
    ['raw SQL', r.rawCpu],
  ] as const) {
    if (c && c.rest > 0.15) out.push(`other processes used ${c.rest.toFixed(2)} core during the ${what} phase: that phase is understated.`);
  }
  return out;
}

export function renderReport(r: Report): string {
  const api = r.api;
  const raw = r.raw;
  const before = r.before;
  const tps = (p: PhaseResult) => p.tickets / p.seconds;
  const apiTps = tps(api);
  const rawTps = raw ? tps(raw) : 0;
  const ratioOf = (p: PhaseResult) => (raw && rawTps > 0 ? tps(p) / rawTps : undefined);
  const ratio = ratioOf(api);
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(0)}%`);
  const status = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');
  // Columns: this code's API, the earlier commit's API when measured, and the raw SQL reference.
  const row = (name: string, a: string, b: string, raw: string) => `| ${name} | ${a} | ${before ? `${b} | ` : ''}${raw} |`;
  const b = before?.result;
  return [
    `# Checkout benchmark, ${r.date}`,
    '',
    'Produced by `npm run bench:checkout` (see `bench/README.md`).',
    '',
    '| setting | value |',
    '|---|---|',
    `| date | ${r.date} |`,
    `| machine | ${r.machine} |`,
    `| Node | ${r.node} |`,
    `| PostgreSQL | ${r.postgres} |`,
    `| concurrency | ${r.concurrency} virtual buyers; server pool and raw pool ${r.poolSize} connections |`,
    `| duration | ${r.warmup} s warm-up, then ${r.duration} s measured (each phase) |`,
    `| pinning | ${r.pinning} |`,
    '| purchase | 4 tickets: alternately the best 4 seats of a category (4 categories) and 4 GA places |',
    `| shield | ${r.shield} |`,
    ...(before
      ? [
          `| before | the HTTP API phase run a second time, first, against the server of commit \`${before.commit}\` (a temporary git worktree, its own fresh database migrated by its own code); the raw SQL column runs the statements of this code |`,
        ]
      : []),
    '',
    row('measure', 'HTTP API', `HTTP API before (\`${before?.commit}\`)`, 'raw SQL (same statements as this code, plain `pg`)'),
    `|---|---|${before ? '---|' : ''}---|`,
    row('**tickets/s**', `**${rate(apiTps)}**`, b ? `**${rate(tps(b))}**` : '', raw ? `**${rate(rawTps)}**` : 'not run'),
    row('purchases/s', rate(api.purchases / api.seconds), b ? rate(b.purchases / b.seconds) : '', raw ? rate(raw.purchases / raw.seconds) : '—'),
    row('hold p50 / p99 (ms)', lat(api.latencies.hold), lat(b?.latencies.hold), lat(raw?.latencies.hold)),
    row('order p50 / p99 (ms)', lat(api.latencies.order), lat(b?.latencies.order), lat(raw?.latencies.order)),
    row('token p50 / p99 (ms)', lat(api.latencies.token), lat(b?.latencies.token), 'no SQL'),
    row('payment p50 / p99 (ms)', lat(api.latencies.payment), lat(b?.latencies.payment), lat(raw?.latencies.payment)),
    row('whole purchase p50 / p99 (ms)', lat(api.latencies.purchase), lat(b?.latencies.purchase), lat(raw?.latencies.purchase)),
    row('errors (in window)', errors(api.errors), b ? errors(b.errors) : '', raw ? errors(raw.errors) : '—'),
    row('statements per purchase', '—', '—', raw?.statementsPerPurchase ? raw.statementsPerPurchase.toFixed(1) : '—'),
    row(
      'CPU used, in cores (1.00 = one core)',
      cores(r.apiCpu, ['load generator', 'server']),
      cores(before?.cpu, ['load generator', 'server']),
      cores(r.rawCpu, ['raw client']),
    ),
    row(
      'CPU per purchase (ms)',
      perPurchase(api, r.apiCpu, 'server', 1),
      b ? perPurchase(b, before?.cpu, 'server', 1) : '',
      raw ? perPurchase(raw, r.rawCpu, 'raw client', 0) : '—',
    ),
    row('**ratio to raw SQL**', `**${pct(ratio)}**`, b ? `**${pct(ratioOf(b))}**` : '', ''),
    ...(b ? ['', `This code against \`${before?.commit}\`: **${pct(tps(b) > 0 ? apiTps / tps(b) : undefined)}** of its tickets/s.`] : []),
    '',
    '| goal | measured | status |',
    '|---|---|---|',
    `| at least 1,000 tickets/s through the HTTP API | ${rate(apiTps)} tickets/s | ${status(apiTps >= 1000)} |`,
    `| at least 80% of the raw SQL rate of the same statements (issue 15) | ${pct(ratio)} | ${status(ratio === undefined ? undefined : ratio >= 0.8)} |`,
    '',
    'What the raw SQL reference runs per purchase:',
    '',
    ...INCLUDED.map((line) => `- ${line}`),
    ...notes(r).map((n, i) => `${i === 0 ? '\nNotes:\n\n' : ''}- ${n}`),
    '',
  ].join('\n');
}

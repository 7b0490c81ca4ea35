import type { CpuShare, Summary } from '../checkout/common.js';
import type { FansResult } from './fans.js';
import type { FloodResult } from './flood.js';
import type { StockCheck } from './setup.js';

/** One phase (shield off or on) of the on-sale bench, as the report shows it. */
export interface Phase {
  name: 'off' | 'on';
  flood: FloodResult;
  fans: FansResult;
  stock: StockCheck;
  /** Cores used in the window: processes [server, flood, fans], PostgreSQL, the rest. */
  cpu?: CpuShare;
  /** GET /api/admin/shield at the end (undefined when it did not answer 200). */
  shield?: Record<string, any>;
  /** Seconds after the flood started when the shield's mode was first seen `on`, and what it said then. */
  shieldOnAfter?: { seconds: number; reason: string | null };
  shieldSamples: number;
  shieldProbe: string;
  room?: Record<string, any>;
  serverLog: string[];
  notes: string[];
}

export interface OnsaleReport {
  date: string;
  machine: string;
  node: string;
  postgres: string;
  settings: [string, string][];
  phases: Phase[];
  notes: string[];
}

/** The shield's refusals, as the contract names them; anything else is the app's own answer. */
export const SHIELD_CODES = ['rate_limited', 'overloaded', 'challenge_required'];

const int = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const one = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const lat = (s: Summary | undefined) => (s?.count ? `${ms(s.p50)} / ${ms(s.p99)} (${int(s.count)})` : '—');
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
const top = (o: Record<string, number>, n = 12) => {
  const entries = Object.entries(o).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return 'none';
  const shown = entries.slice(0, n).map(([k, v]) => `${int(v)}× ${k}`);
  if (entries.length > n) shown.push(`${int(entries.slice(n).reduce((a, [, v]) => a + v, 0))}× other`);
  return shown.join('; ');
};

/** Answers the shield gave instead of the app: 429 any, 503 overloaded, 401 challenge_required. */
export function refused(flood: FloodResult): { total: number; byCode: Record<string, number> } {
  const byCode: Record<string, number> = {};
  for (const [key, n] of Object.entries(flood.answers)) {
    const [, status, code = '-'] = key.split(' ');
    if (status === '429' || SHIELD_CODES.includes(code)) byCode[`${status} ${code}`] = (byCode[`${status} ${code}`] ?? 0) + n;
  }
  return { total: sum(byCode), byCode };
}

function cpuLine(c: CpuShare | undefined): string {
  if (!c) return '—';
  const [server = 0, flood = 0, fans = 0] = c.processes;
  return (
    `server ${server.toFixed(2)}, flood ${flood.toFixed(2)}, fans ${fans.toFixed(2)}, PostgreSQL ${c.postgres.toFixed(2)}, rest ${c.rest.toFixed(2)}; ` +
    `cores busy ${c.cores.map((v) => `${Math.round(v * 100)}%`).join(' / ')}`
  );
}

function shieldLine(s: Record<string, any> | undefined, probe: string): string {
  if (!s) return probe;
  const refusedPs =
    Object.entries((s.refusedPerSecond ?? {}) as Record<string, number>)
      .map(([k, v]) => `${k} ${one(v)}`)
      .join(', ') || 'none';
  const prefixes =
    ((s.topPrefixes ?? []) as { prefix: string; requestsPerSecond: number }[])
      .slice(0, 5)
      .map((p) => `${p.prefix} ${int(p.requestsPerSecond)}`)
      .join(', ') || 'none';
  const extra = ['pressure', 'difficulty', 'blockedAddresses', 'baselinePerSecond', 'errorsPerSecond']
    .filter((k) => s[k] !== undefined)
    .map((k) => `${k} ${typeof s[k] === 'number' ? one(s[k]) : s[k]}`);
  return (
    `mode **${s.mode}**${s.forced ? ' (forced)' : ''}${s.enabled === false ? ' (disabled)' : ''}, reason ${s.reason ?? '—'}, since ${s.since ?? '—'}; ` +
    `${int(s.requestsPerSecond ?? 0)} requests/s; refused/s: ${refusedPs}; top prefixes (requests/s): ${prefixes}${extra.length ? `; ${extra.join(', ')}` : ''}`
  );
}

const stepNames: [string, string][] = [
  ['join', 'join (each request)'],
  ['join, whole (arrival to ticket)', 'join, whole (arrival to ticket, incl. challenges and retries)'],
  ['challenge', 'challenge (GET /api/shield/challenge)'],
  ['solve (search only)', 'proof of work, search only'],
  ['solve (queue + search)', 'proof of work, queued + search'],
  ['status', 'status poll'],
  ['line (ticket to admitted)', 'in line (ticket to admitted)'],
  ['hold', 'hold'],
  ['order', 'order'],
  ['token', 'card token (payment origin)'],
  ['pay', 'pay'],
  ['purchase (admitted to paid)', 'purchase (admitted to paid)'],
  ['whole (arrival to paid)', 'whole (arrival to paid)'],
];

export function renderReport(r: OnsaleReport): string {
  const ps = r.phases;
  const head = ps.map((p) => (p.name === 'off' ? 'shield off (`SHIELD_ENABLED=false`)' : 'shield on'));
  const row = (name: string, cell: (p: Phase) => string) => `| ${name} | ${ps.map(cell).join(' | ')} |`;
  const perSecond = (p: Phase, n: number) => n / p.flood.seconds;
  const serverCores = (p: Phase) => p.cpu?.processes[0];
  const lines = [
    `# On-sale under a flood, ${r.date}`,
    '',
    'Produced by `npx tsx bench/onsale/run.ts` (see `bench/README.md`).',
    '',
    '| setting | value |',
    '|---|---|',
    `| machine | ${r.machine} |`,
    `| Node | ${r.node} |`,
    `| PostgreSQL | ${r.postgres} |`,
    ...r.settings.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    `| figure | ${head.join(' | ')} |`,
    `|---|${ps.map(() => '---').join('|')}|`,
    row('**flood offered (requests/s)**', (p) => `**${int(perSecond(p, sum(p.flood.offered)))}**`),
    row('flood answered (requests/s)', (p) => int(perSecond(p, sum(p.flood.answers)))),
    row('**flood refused by the shield (requests/s)**', (p) => {
      const x = refused(p.flood);
      const answered = sum(p.flood.answers);
      return `**${int(perSecond(p, x.total))}** (${answered ? Math.round((x.total / answered) * 100) : 0}% of answers)${x.total ? `: ${top(x.byCode)}` : ''}`;
    }),
    row('flood answers, by kind, status and code', (p) => top(p.flood.answers, 14)),
    row('flood joins that got a place in line (201)', (p) => int(p.flood.answers['join 201'] ?? 0)),
    row('flood answer p50 / p99 / max (ms)', (p) => `${ms(p.flood.latency.p50)} / ${ms(p.flood.latency.p99)} / ${ms(p.flood.latency.max)}`),
    row('flood connection failures', (p) => `${top(p.flood.failures, 6)}; ${int(p.flood.connects)} connections opened`),
    row('**server CPU per refused request (µs, upper bound)**', (p) => {
      const n = refused(p.flood).total;
      const cores = serverCores(p);
      if (cores === undefined || !n) return '—';
      const share = (p.fans.requests / (p.fans.requests + sum(p.flood.answers))) * 100;
      return `**${one((cores * p.flood.seconds * 1e6) / n)}** (the fans sent ${int(p.fans.requests)} requests, ${share < 1 ? share.toFixed(2) : share.toFixed(1)}% of all)`;
    }),
    row('server CPU per flood answer (µs)', (p) => {
      const n = sum(p.flood.answers);
      const cores = serverCores(p);
      return cores === undefined || !n ? '—' : one((cores * p.flood.seconds * 1e6) / n);
    }),
    row('CPU used, in cores', (p) => cpuLine(p.cpu)),
    row("**fans' completed purchases**", (p) => `**${int(p.fans.purchases)}** of ${int(p.fans.fans)} fans (${int(p.fans.tickets)} tickets)`),
    row('fans at the end', (p) =>
      Object.entries(p.fans.stages)
        .filter(([, n]) => n)
        .map(([k, n]) => `${int(n)} ${k.replace('_', ' ')}`)
        .join(', '),
    ),
    row('fans admitted', (p) => int(p.fans.admitted)),
    row('purchases completed at (s after the flood began: first / median / last)', (p) =>
      p.fans.purchaseTimes ? `${one(p.fans.purchaseTimes.first)} / ${one(p.fans.purchaseTimes.median)} / ${one(p.fans.purchaseTimes.last)}` : '—',
    ),
    ...stepNames.map(([key, label]) => row(`${label}: p50 / p99 ms (n)`, (p) => lat(p.fans.latencies[key]))),
    row(
      '**5xx seen by admitted fans**',
      (p) => `**${int(sum(p.fans.serverErrorsAfterAdmission))}**${sum(p.fans.serverErrorsAfterAdmission) ? `: ${top(p.fans.serverErrorsAfterAdmission)}` : ''}`,
    ),
    row('shield refusals fans saw (before / after admission)', (p) => `${int(p.fans.refusedBeforeAdmission)} / ${int(p.fans.refusedAfterAdmission)}`),
    row("fans' non-2xx answers", (p) => top(p.fans.errors, 10)),
    row("fans' proofs of work", (p) => {
      const c = p.fans.challenges;
      const d = Object.entries(c.difficulties)
        .map(([k, n]) => `${n}× ${k} bits`)
        .join(', ');
      return c.solved || c.failed || c.expired
        ? `${int(c.solved)} solved${c.expired ? `, ${c.expired} expired first` : ''}${c.failed ? `, ${c.failed} failed` : ''}; ${int(c.hashes)} hashes; difficulty ${d}`
        : 'none asked';
    }),
    row('holds made', (p) => top(p.fans.holdOutcomes)),
    row('**oversold seats (must be 0)**', (p) => `**${p.stock.oversold}**`),
    row('stock at the end (SQL)', (p) => {
      const s = p.stock;
      return (
        `seats ${s.seatTickets}/${s.seatStock} ticketed (${s.distinctSeats} distinct, ${s.seatsMarkedSold} marked sold, ${s.seatsNotOnSale} not on sale); ` +
        `GA ${s.gaTickets}/${s.gaStock} ticketed (taken ${s.gaTaken}, over capacity ${s.gaOverCapacity}); ${s.paidOrders} paid orders, ${s.pendingOrders} pending, ` +
        `${s.activeHolds} active holds; performance ${s.performanceStatus}`
      );
    }),
    row('shield mode first seen on', (p) =>
      p.shieldOnAfter
        ? `${one(p.shieldOnAfter.seconds)} s after the flood began (${p.shieldOnAfter.reason ?? 'no reason given'})`
        : p.shieldSamples
          ? `never (${p.shieldSamples} samples, every 2 s)`
          : '—',
    ),
    row("the shield's own view at the end (`GET /api/admin/shield`)", (p) => shieldLine(p.shield, p.shieldProbe)),
    row('the room at the end', (p) =>
      p.room
        ? `joined ${int(p.room.joined)}, served ${int(p.room.served)}, admitted ${int(p.room.admitted)} (${int(Math.max(0, p.room.admitted - p.fans.admitted))} of them not fans: the flood's joins), abandoned ${int(p.room.abandoned)}, lapsed ${int(p.room.lapsed)}, in checkout ${int(p.room.activeInCheckout)}, state ${p.room.state}`
        : '—',
    ),
    row('server warnings and errors logged', (p) =>
      p.serverLog.length
        ? `${p.serverLog.length}; first: ${p.serverLog.slice(0, 2).join(' | ').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300)}`
        : 'none',
    ),
    '',
  ];
  const notes = [...r.notes, ...ps.flatMap((p) => p.notes.map((n) => `shield ${p.name}: ${n}`))];
  for (const p of ps) {
    if (p.cpu && p.cpu.rest > 0.15)
      notes.push(`shield ${p.name}: other processes used ${p.cpu.rest.toFixed(2)} core during the window; the rates are understated.`);
    if (p.cpu && (p.cpu.processes[1] ?? 0) > 0.9)
      notes.push(`shield ${p.name}: the flood generator used ${(p.cpu.processes[1] ?? 0).toFixed(2)} core: it, not the server, set the flood rate.`);
  }
  if (notes.length) lines.push('Notes:', '', ...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

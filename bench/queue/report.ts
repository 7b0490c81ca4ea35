import type { CpuShare } from '../checkout/common.js';
import type { LoadResult } from './load.js';

export interface Measured {
  result: LoadResult;
  cpu?: CpuShare;
}
export interface Round {
  bare: Measured;
  app: Measured;
}

export interface QueueReport {
  date: string;
  machine: string;
  node: string;
  fans: number;
  joinSeconds: number;
  joinStates: Record<string, number>;
  connections: number;
  warmup: number;
  duration: number;
  pinning: string;
  shield: string;
  room: string;
  rounds: Round[];
  notes: string[];
}

export const GOAL = 0.7;
const rate = (r: LoadResult) => r.requests / r.seconds;
const int = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
const counts = (e: Record<string, number>) => {
  const entries = Object.entries(e).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${int(n)}× ${k}`).join('; ') : 'none';
};
/** processes: [load generator, Taquilla server, bare server]. */
const cpu = (c: CpuShare | undefined) =>
  c
    ? `load generator ${(c.processes[0] ?? 0).toFixed(2)}, Taquilla ${(c.processes[1] ?? 0).toFixed(2)}, bare ${(c.processes[2] ?? 0).toFixed(2)}, ` +
      `rest of machine ${c.rest.toFixed(2)}; cores busy ${c.cores.map((v) => `${Math.round(v * 100)}%`).join(' / ')}`
    : '—';
const perRequest = (m: Measured, index: number) =>
  m.cpu && m.result.requests ? `${(((m.cpu.processes[index] ?? 0) * 1e6) / rate(m.result)).toFixed(0)} µs` : '—';

/** Both rates summed over the rounds, so one noisy round does not decide the ratio alone. */
export function totals(rounds: Round[]) {
  const sum = (pick: (r: Round) => LoadResult) => rounds.reduce((a, r) => ({ n: a.n + pick(r).requests, s: a.s + pick(r).seconds }), { n: 0, s: 0 });
  const bare = sum((r) => r.bare.result);
  const app = sum((r) => r.app.result);
  return { bare: bare.n / bare.s, app: app.n / app.s, ratio: bare.n ? app.n / app.s / (bare.n / bare.s) : 0 };
}

function notes(r: QueueReport): string[] {
  const out = [...r.notes];
  r.rounds.forEach((round, i) => {
    for (const [what, m] of [
      ['reference', round.bare],
      ['Taquilla', round.app],
    ] as const) {
      if (m.cpu && m.cpu.rest > 0.15) out.push(`round ${i + 1}, ${what}: other processes used ${m.cpu.rest.toFixed(2)} core; that phase is understated.`);
      if (m.cpu && (m.cpu.processes[0] ?? 0) > 0.9)
        out.push(`round ${i + 1}, ${what}: the load generator used ${(m.cpu.processes[0] ?? 0).toFixed(2)} core, so it may have limited the rate.`);
    }
  });
  return out;
}

export function renderReport(r: QueueReport): string {
  const t = totals(r.rounds);
  const lines = [
    `# Queue status benchmark, ${r.date}`,
    '',
    'Produced by `npx tsx bench/queue/run.ts` (see `bench/README.md`).',
    '',
    '| setting | value |',
    '|---|---|',
    `| machine | ${r.machine} |`,
    `| Node | ${r.node} |`,
    `| line | ${int(r.fans)} fans joined through \`POST /api/performances/:id/queue\`, each from its own 127.20.x.y address and asking for its status once (as the queue page does), in ${r.joinSeconds.toFixed(1)} s (${counts(r.joinStates)}) |`,
    `| room | ${r.room} |`,
    `| load | ${r.connections} keep-alive connections, each from its own source address, one request in flight each; \`GET /api/queue/status\` with \`Authorization: Queue <ticket>\`, tickets round robin |`,
    `| reference | bare \`node:http\` server answering the same bytes and headers as one Taquilla answer, same requests, same connections |`,
    `| duration | ${r.warmup} s warm-up, then ${r.duration} s measured, per phase; ${r.rounds.length} round(s) of reference then Taquilla |`,
    `| pinning | ${r.pinning} |`,
    `| shield | ${r.shield} |`,
    '',
  ];
  r.rounds.forEach((round, i) => {
    const b = round.bare;
    const a = round.app;
    const row = (name: string, x: string, y: string) => `| ${name} | ${x} | ${y} |`;
    lines.push(
      `Round ${i + 1}:`,
      '',
      '| measure | bare node:http (reference) | Taquilla `GET /api/queue/status` |',
      '|---|---|---|',
      row('**requests/s**', `**${int(rate(b.result))}**`, `**${int(rate(a.result))}**`),
      row(
        'p50 / p99 / max (ms)',
        `${ms(b.result.latency.p50)} / ${ms(b.result.latency.p99)} / ${ms(b.result.latency.max)}`,
        `${ms(a.result.latency.p50)} / ${ms(a.result.latency.p99)} / ${ms(a.result.latency.max)}`,
      ),
      row('errors (in window)', counts(b.result.errors), counts(a.result.errors)),
      row('answers by state', '(constant)', counts(a.result.states)),
      row('bytes per answer (head + body, mean)', int(b.result.bytesPerAnswer), int(a.result.bytesPerAnswer)),
      row('CPU used, in cores', cpu(b.cpu), cpu(a.cpu)),
      row('server CPU per request', perRequest(b, 2), perRequest(a, 1)),
      row('ratio Taquilla / bare', '', `${((rate(a.result) / rate(b.result)) * 100).toFixed(0)}%`),
      '',
    );
  });
  lines.push(
    '| goal | measured | status |',
    '|---|---|---|',
    `| queue status at least ${GOAL * 100}% of the bare server's rate, same core | ${int(t.app)} / ${int(t.bare)} requests/s = **${(t.ratio * 100).toFixed(0)}%** (all rounds) | ${t.ratio >= GOAL ? '**met**' : '**not met**'} |`,
    ...notes(r).map((n, i) => `${i === 0 ? '\nNotes:\n\n' : ''}- ${n}`),
    '',
  );
  return lines.join('\n');
}

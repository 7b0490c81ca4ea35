import type { CpuShare } from '../checkout/common.js';

export interface Phase {
  name: string;
  what: string;
  unit: string;
  server: 'bare' | 'app';
}

export interface PhaseRun {
  answered: number;
  perSecond: number;
  /** Server CPU (utime + stime) per answer, µs. */
  cpuMicros: number;
  answers: Record<string, number>;
  closing: number;
  connects: number;
  failures: Record<string, number>;
  /** taquilla_shield_refusals_total's increase over the phase (warm-up included), by reason. */
  refusalsByReason: Record<string, number>;
  cpu: CpuShare | undefined;
  /** Cores the load generator used. */
  clientCpu: number;
}

export interface ShieldCostReport {
  date: string;
  machine: string;
  node: string;
  uptime: string;
  clients: number;
  rate: number;
  /** The server's CPU with no requests, ms a second. */
  idleMsPerSecond: number;
  warmup: number;
  duration: number;
  rounds: number;
  limits: string;
  perAddress: number;
  pinning: string;
  phases: Phase[];
  runs: Record<string, PhaseRun[]>;
  notes: string[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const n = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${n(v)}× ${k}`)
    .join('; ') || 'none';

/** The goals of issue 15: a refusal at most what a bare answer costs; a blocked address a fifth of it. */
const GOALS: Record<string, number> = { limited: 1.0, 'blocked-request': 0.2, 'blocked-connect': 0.2 };

export function medians(r: ShieldCostReport) {
  return Object.fromEntries(r.phases.map((p) => [p.name, median((r.runs[p.name] ?? []).map((x) => x.cpuMicros))]));
}

export function renderReport(r: ShieldCostReport): string {
  const m = medians(r);
  // Each phase against the bare server of its own round: the machine's load drifts between
  // rounds more than between the phases of one round.
  const bareRuns = (r.runs.bare ?? []).map((x) => x.cpuMicros);
  const ratios = (name: string) => (r.runs[name] ?? []).map((x, i) => (bareRuns[i] ? x.cpuMicros / bareRuns[i]! : 0));
  const rows = r.phases.map((p) => {
    const runs = r.runs[p.name] ?? [];
    const ratio = median(ratios(p.name));
    const goal = GOALS[p.name];
    const verdict =
      p.name === 'bare'
        ? 'reference'
        : goal === undefined
          ? '(for comparison)'
          : ratio <= goal
            ? `**met** (goal ≤ ${goal.toFixed(1)}x)`
            : `**not met** (goal ≤ ${goal.toFixed(1)}x)`;
    return `| ${p.name} | ${p.what} | ${p.unit} | ${runs.map((x) => x.cpuMicros.toFixed(1)).join(' / ')} | **${(m[p.name] ?? 0).toFixed(1)}** | ${
      p.name === 'bare'
        ? '1.00x'
        : `${ratios(p.name)
            .map((x) => `${x.toFixed(2)}x`)
            .join(' / ')}: **${ratio.toFixed(2)}x**`
    } | ${verdict} | ${n(median(runs.map((x) => x.perSecond)))} |`;
  });
  const pair = (a: string, b: string) => {
    const x = (r.runs[a] ?? []).map((run, i) => (r.runs[b]?.[i]?.cpuMicros ? run.cpuMicros / r.runs[b]![i]!.cpuMicros : 0));
    return x.length ? `${x.map((v) => `${v.toFixed(2)}x`).join(' / ')} (median ${median(x).toFixed(2)}x)` : '—';
  };
  const detail = r.phases.map((p) => {
    const runs = r.runs[p.name] ?? [];
    return runs
      .map(
        (x, i) =>
          `| ${p.name} | ${i + 1} | ${n(x.answered)} | ${counts(x.answers)} | ${n(x.closing)} | ${n(x.connects)} | ${counts(x.refusalsByReason)} | ${counts(x.failures)} | ` +
          `${x.cpu ? `${(x.cpu.processes[0] ?? 0).toFixed(2)}` : '—'} | ${x.clientCpu.toFixed(2)} | ${x.cpu ? x.cpu.rest.toFixed(2) : '—'} | ${x.cpu ? x.cpu.cores.map((c) => `${Math.round(c * 100)}%`).join(' / ') : '—'} |`,
      )
      .join('\n');
  });
  const maxRest = Math.max(...Object.values(r.runs).flatMap((runs) => runs.map((x) => x.cpu?.rest ?? 0)));
  const notes = [...r.notes];
  for (const p of r.phases) {
    const values = (r.runs[p.name] ?? []).map((x) => x.cpuMicros).filter((v) => v > 0);
    if (values.length > 1 && Math.max(...values) > 1.3 * Math.min(...values))
      notes.push(
        `${p.name}: the rounds differ by ${((Math.max(...values) / Math.min(...values) - 1) * 100).toFixed(0)}% (other work on core 0 changes what a request costs): read the ratios as rough.`,
      );
  }
  if (maxRest > 0.15)
    notes.push(
      `other processes used up to ${maxRest.toFixed(2)} core during a phase (rest of machine, table below): figures from a shared machine; rerun on a quiet one.`,
    );
  return `# The shield's refusals: server CPU per refused request, ${r.date}

Produced by \`npx tsx bench/shield-cost/run.ts\` (see \`bench/README.md\`).

| setting | value |
|---|---|
| machine | ${r.machine} |
| Node | ${r.node} |
| load (\`uptime\` at the end) | ${r.uptime} |
| load generator | ${r.rate ? `${n(r.rate)} requests/s in every phase (the same pace, so the kernel's share per request compares: at a higher rate one wake-up carries more answers)` : 'flat out (each client sends as soon as its answer is in: the phases run at different rates)'}, from ${r.clients} clients, one request in flight each, HTTP/1.1 written by hand over node:net, each client from its own 127.x source address; ${r.warmup} s warm-up then ${r.duration} s measured, per phase |
| rounds | ${r.rounds}, the phases interleaved within each round; the median of the rounds is reported |
| shield | on (the default), \`SHIELD_LIMITS=${r.limits}\`: every request after a network's first is refused by the network's limit; an address refused 60 times within a minute is blocked for ten minutes (limits.ts) |
| pinning | ${r.pinning} |
| the server's background work | ${r.idleMsPerSecond.toFixed(1)} ms of CPU a second with no requests (jobs, the shield's tick, timers), measured before the rounds: ${r.rate ? `${((r.idleMsPerSecond * 1000) / r.rate).toFixed(1)} µs per request at ${n(r.rate)} requests/s, ` : ''}included in every figure of the server's and in none of the bare server's |
| CPU per answer | server CPU (utime + stime of the server process from /proc/<pid>/stat, all threads) over the measured window, divided by the answers the load generator received in it |

| phase | what is answered | unit | server CPU per unit, each round (µs) | median (µs) | ratio to the same round's bare: each round, median | goal | answers/s (median) |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

The same refusal before Fastify against in Fastify's hook (limited / limited-fastify, each round): ${pair('limited', 'limited-fastify')}.
A blocked address's connection refused by the gate against a connection through the HTTP parser (blocked-connect / limited-connect): ${pair('blocked-connect', 'limited-connect')}.

How each phase gets its answers:

- **bare**: \`bench/queue/bare.ts\` answers 200 with the refusal's own body bytes and headers like it; keep-alive.
- **limited**: \`GET /api/events\` from ever new addresses (${r.perAddress} requests each, before the 60 refusals a minute that block an address), in /24s whose limit ran out. The first refusal of each network goes through Fastify (the limiter's verdict is learnt there); the rest are answered in the HTTP server's request handler (\`src/shield/early-refusal.ts\`). Each client opens a new connection per address, so this figure includes a connection per ${r.perAddress} requests.
- **limited-fastify**: \`GET /api/orders/:id\`, a checkout route: a block lets checkout through, so its refusals are left to Fastify's hook (\`earlyRouteClass\` says undefined), which is what every refusal cost before this change. Its addresses get blocked in the warm-up, so their new connections are also read by the connection gate and handed to the HTTP server.
- **blocked-request**: addresses blocked during the warm-up on connections they keep open: every measured request is refused as \`blocked\` in the request handler, keep-alive.
- **limited-connect**: as limited, each request on a new connection that the client closes after the answer: the same client behaviour as blocked-connect, answered through the HTTP parser and the request handler, so the two tell what the connection gate saves per connection.
- **blocked-connect**: addresses blocked before the rounds; each request on a new connection. The connection gate reads the first bytes, sees a route a block refuses outright and writes a fixed 429 with \`connection: close\` (no HTTP parser, request or response objects). The unit is one connection attempt, which carries one request and gets one answer; the server's share of the TCP handshake and teardown is in the figure.

Per round (refusals by reason: the shield's counter over the phase, warm-up included):

| phase | round | answers | answers by status and code | with \`connection: close\` | connections opened | refusals by reason | failures | server cores | load generator cores | rest of machine (cores) | cores busy |
|---|---|---|---|---|---|---|---|---|---|---|---|
${detail.join('\n')}
${notes.length ? `\nNotes:\n\n${notes.map((x) => `- ${x}`).join('\n')}\n` : ''}`;
}

import type { Invariants } from '../../scripts/faults/checks.js';
import type { Summary } from '../checkout/common.js';
import type { FloodResult } from '../onsale/flood.js';
import { refused } from '../onsale/report.js';
import type { RoomBounds, StockCheck } from '../onsale/setup.js';
import type { CrowdResult } from './fans.js';
import type { UsagePoint } from './usage.js';

/** One look at the room (every 2 s); `t` in ms since the crowd started. */
export interface Tick {
  t: number;
  stateA: string;
  stateB: string;
  /** Places waiting in the rooms: the fans' and the flood's joins (never polled, skipped after 15 s). */
  waiting: number;
  /** The fans in the pre-queue or waiting, as the fans process counts them. */
  fansInLine: number;
  joined: number;
  admittedPerMinute: number;
  allowedPerMinute: number;
  inCheckout: number;
  maxInCheckout: number;
  soldA: number;
  soldB: number;
  cpu: Record<string, number>;
}

export interface MemoryRow {
  t: number;
  waiting: number;
  fansInLine: number;
  nodes: { pid: number; rss: number; heap: number }[];
  parts: Record<string, number>;
}

export interface Fault {
  name: string;
  at: number;
  back: number | undefined;
}

export interface CrowdReport {
  date: string;
  full: boolean;
  machine: string;
  load: { before: string; after: string };
  versions: { node: string; postgres: string; redis: string; nginx: string };
  settings: {
    fans: number;
    arrival: number;
    preQueue: number;
    places: number;
    hall: string;
    bounds: RoomBounds;
    maxPoll: number;
    perAddress: number;
    perPrefix: number;
    quantity: number;
    powBits: string;
    flood?: { sources: number; prefixes: number; connections: number; depth: number; nice: number };
    faults?: { killAt: number; redisAt: number };
    afterMove: number;
    maxRun: number;
    holdTtl: number;
  };
  performanceIds: { first: string; next: string };
  times: { openedAt?: number; soldOutAt?: number; movedAt?: number; endedAt: number; arrivalEnd: number };
  moved?: number;
  /** Every refused move-to-next, with when. */
  moveErrors: string[];
  crowd: CrowdResult;
  flood?: FloodResult;
  ticks: Tick[];
  memory: MemoryRow[];
  memoryBefore: { pid: number; rss: number; heap: number }[];
  usage: UsagePoint[];
  cpuWhole: Record<string, number>;
  cpuSale?: Record<string, number>;
  memoryPeaks: Record<string, number>;
  faults: Fault[];
  checks: { performance: string; books: Invariants; stock: StockCheck }[];
  nodes: { name: string; running: boolean; restarts: number }[];
  notes: string[];
}

const LINE_MEMORY_GOAL_MB = 50;
const int = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const one = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const two = (v: number) => v.toFixed(2);
const sec = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(0)} s`);
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const lat = (s: Summary | undefined) => (s?.count ? `${ms(s.p50)} | ${ms(s.p99)} | ${int(s.count)}` : '— | — | 0');
const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)}%` : '—');
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
const top = (o: Record<string, number>, n = 12) => {
  const entries = Object.entries(o).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return 'none';
  const shown = entries.slice(0, n).map(([k, v]) => `${int(v)}× ${k}`);
  if (entries.length > n) shown.push(`${int(entries.slice(n).reduce((a, [, v]) => a + v, 0))}× other`);
  return shown.join('; ');
};

/** What the line cost each app node: RSS and heap before the crowd and when the line was longest (same process). */
export function lineMemory(r: CrowdReport): {
  rows: { node: number; before: { rss: number; heap: number }; at: { rss: number; heap: number } | undefined; note: string }[];
  waiting: number;
  places: number;
  t: number;
  extraRss: number | undefined;
  extraHeap: number | undefined;
  /** Set when the figure comes from the nodes that were never restarted. */
  estimated: string | undefined;
} {
  const longest = r.memory.reduce<MemoryRow | undefined>((best, m) => (!best || m.fansInLine > best.fansInLine ? m : best), undefined);
  const rows = r.memoryBefore.map((before, i) => {
    const now = longest?.nodes[i];
    if (!now) return { node: i + 1, before, at: undefined, note: 'no sample' };
    if (now.pid === before.pid) return { node: i + 1, before, at: now, note: '' };
    // Killed and started again before the line was longest: its own first sample is its baseline.
    // (its first sample with a heap: /metrics answers only once the process is up)
    const first = r.memory.find((m) => m.nodes[i]?.pid === now.pid && (m.nodes[i]?.heap ?? 0) > 0)?.nodes[i];
    return first
      ? {
          node: i + 1,
          before: first,
          at: now,
          note: `killed and started again before the longest line: baseline is the new process's first sample, ${first.rss.toFixed(0)} MB RSS, ${first.heap.toFixed(0)} MB heap`,
        }
      : { node: i + 1, before, at: undefined, note: 'restarted' };
  });
  // The heap read at one moment holds garbage not yet collected: the least of the samples of the
  // same process within 10 s of the longest line is the nearest to what is live.
  for (const [i, row] of rows.entries()) {
    if (!row.at || !longest) continue;
    const near = r.memory.filter((m) => Math.abs(m.t - longest.t) <= 10_000 && m.nodes[i]?.pid === longest.nodes[i]?.pid && (m.nodes[i]?.heap ?? 0) > 0);
    if (near.length) row.at = { ...row.at, heap: Math.min(...near.map((m) => m.nodes[i]!.heap)) };
  }
  // A node killed and started again before the longest line grew by warming up again under load,
  // from a cold start: the nodes that ran throughout stand for all of them (scaled to their number).
  const measured = rows.filter((x) => x.at);
  const throughout = measured.filter((x) => !x.note);
  const basis = throughout.length ? throughout : measured;
  const scale = basis.length ? rows.length / basis.length : 1;
  return {
    rows,
    waiting: longest?.fansInLine ?? 0,
    places: longest?.waiting ?? 0,
    t: longest?.t ?? 0,
    extraRss: basis.length ? basis.reduce((a, x) => a + (x.at!.rss - x.before.rss), 0) * scale : undefined,
    extraHeap: basis.length ? basis.reduce((a, x) => a + (x.at!.heap - x.before.heap), 0) * scale : undefined,
    estimated: basis.length < rows.length ? `${basis.length} of ${rows.length} nodes ran throughout; their growth × ${scale}` : undefined,
  };
}

export function renderReport(r: CrowdReport): string {
  const c = r.crowd;
  const s = r.settings;
  const out: string[] = [];
  const first = r.checks.find((x) => x.performance === 'first');
  const next = r.checks.find((x) => x.performance === 'next');
  const oversold = r.checks.reduce((a, x) => a + x.stock.oversold + x.books.seatsSoldTwice + x.books.gaOverCapacity, 0);
  const booksBad = r.checks.reduce((a, x) => a + x.books.paidWithoutTickets + x.books.paidSeenMissing, 0);
  const sale = r.times.openedAt !== undefined && r.times.soldOutAt !== undefined ? (r.times.soldOutAt - r.times.openedAt) / 1000 : undefined;
  const soldFirst = first?.stock.seatTickets !== undefined ? first.stock.seatTickets + first.stock.gaTickets : 0;
  const tps = sale ? soldFirst / sale : undefined;
  const mem = lineMemory(r);
  const pgSale = r.cpuSale?.postgres;
  const fansServed = c.purchases;
  const sawOnly503 = c.fansWith503;

  out.push(`# Crowd on-sale: ${int(s.fans)} fans for ${int(s.places)} places${r.full ? '' : ' (small-scale run)'} — ${r.date}`);
  out.push('');
  out.push(`- Machine: ${r.machine}`);
  out.push(`- Load: before \`${r.load.before}\`; after \`${r.load.after}\``);
  out.push(`- Node ${r.versions.node}; PostgreSQL ${r.versions.postgres}; Redis ${r.versions.redis}; nginx ${r.versions.nginx}`);
  out.push(
    `- Topology: nginx (deploy/nginx/ template, workers auto) in front of 2 app nodes (\`src/server.ts\`, production, supervised: a killed node comes back), on the machine's PostgreSQL (a database of the bench's own) and a redis-server of the bench's own (append-only file on). Everything on this one machine, unpinned, with the fans and the flood.`,
  );
  out.push('');
  out.push('## Goals');
  out.push('');
  out.push('| goal | measured | result |');
  out.push('|---|---|---|');
  out.push(`| 0 oversold | ${int(oversold)} (seats sold twice, seats not on sale, GA over capacity; both performances, in SQL) | ${met(oversold === 0)} |`);
  out.push(`| every paid order has its tickets, every order a fan saw paid is paid | ${int(booksBad)} missing | ${met(booksBad === 0)} |`);
  const memoryVerdict =
    mem.extraRss === undefined
      ? '**not measured**'
      : mem.waiting >= 100_000
        ? met(mem.extraRss < LINE_MEMORY_GOAL_MB)
        : `not judged: ${int(mem.waiting)} in line, the goal is for 100,000 (at this scale the line's share cannot be told from what the nodes grow by serving)`;
  out.push(
    `| the line costs the app nodes < ${LINE_MEMORY_GOAL_MB} MB extra in all (100,000 in line) | ${
      mem.extraRss === undefined
        ? 'not measured'
        : `${one(mem.extraRss)} MB RSS, ${one(mem.extraHeap ?? 0)} MB heap over both nodes${mem.estimated ? ` (${mem.estimated})` : ''}, with ${int(mem.waiting)} fans in line (${int(mem.places)} places waiting, the flood's joins included)`
    } | ${memoryVerdict} |`,
  );
  out.push(
    `| fans served vs fans who saw an error | ${int(fansServed)} bought; ${int(c.fansWithError)} saw a 5xx without Retry-After or a network failure (${pct(c.fansWithError, c.fans)}); ${int(sawOnly503)} were told 503 with Retry-After | ${met(c.fansWithError === 0)} (no error other than 503 with Retry-After) |`,
  );
  out.push(
    `| sold out, the rest of the line moved to the next performance | ${r.times.movedAt !== undefined ? `moved ${int(r.moved ?? 0)} at ${sec(r.times.movedAt)}` : 'not moved'}${r.moveErrors.length ? `; refused: ${r.moveErrors.join('; ').replace(/\|/g, '/')}` : ''} | ${met(r.times.movedAt !== undefined)} |`,
  );
  if (s.faults)
    out.push(
      `| both app nodes running after the kill -9 | ${r.nodes.map((n) => `${n.name} ${n.running ? 'running' : 'DOWN'} (${n.restarts} restart${n.restarts === 1 ? '' : 's'})`).join(', ')} | ${met(r.nodes.every((n) => n.running))} |`,
    );
  out.push('');

  out.push('## Headline figures');
  out.push('');
  out.push('| figure | value |');
  out.push('|---|---|');
  out.push(
    `| pre-queue → opening → sold out → moved | arrivals from 0 s; opened ${sec(r.times.openedAt)}; sold out ${sec(r.times.soldOutAt)}; moved ${sec(r.times.movedAt)}; stopped ${sec(r.times.endedAt)} |`,
  );
  out.push(
    `| tickets sold, first performance | ${int(soldFirst)} of ${int((first?.stock.seatStock ?? 0) + (first?.stock.gaStock ?? 0))} (${int(first?.stock.paidOrders ?? 0)} paid orders) |`,
  );
  out.push(`| tickets/s through the whole path (opening to sold out) | ${tps === undefined ? '— (did not sell out)' : one(tps)} |`);
  out.push(`| best 10 s | ${one(bestTenSeconds(r))} tickets/s |`);
  out.push(
    `| next performance after the move | ${int((next?.stock.seatTickets ?? 0) + (next?.stock.gaTickets ?? 0))} tickets sold in the ${sec(r.times.movedAt === undefined ? undefined : r.times.endedAt - r.times.movedAt)} after the move; ${int(c.movedFans)} fans saw their place in it |`,
  );
  out.push(
    `| longest line | ${int(mem.waiting)} fans in line at ${sec(mem.t)}; ${int(mem.places)} places waiting then (the flood's joins take places too; never polled, they are skipped after 15 s); ${int(Math.max(0, ...r.ticks.filter((x) => x.stateB === '-').map((x) => x.joined)))} joins in the first room before the move (the flood's included) |`,
  );
  out.push(
    `| fans' requests | ${int(c.requests)} (${int(c.requests / Math.max(1, c.seconds))}/s); status polls peaked at ${int(Math.max(0, ...c.pollsPerSecond))}/s |`,
  );
  if (r.flood) {
    const offered = Object.values(r.flood.offered).reduce((a, b) => a + b, 0);
    const x = refused(r.flood);
    const nginx503 = Object.entries(r.flood.answers)
      .filter(([k]) => / 503 overloaded$/.test(k))
      .reduce((a, [, v]) => a + v, 0);
    out.push(
      `| flood | ${int(offered / r.flood.seconds)} requests/s offered from ${s.flood?.sources} addresses; ${pct(x.total, offered)} refused (429, 503 overloaded — nginx's limit_req or the shield — or 401 challenge_required): ${int(nginx503)}× 503 overloaded |`,
    );
  }
  out.push('');

  out.push('## Sizing (for the README)');
  out.push('');
  out.push('| figure | value |');
  out.push('|---|---|');
  out.push(
    `| fans in line per app node | ${int(mem.waiting / 2)} (the longest line, ${int(mem.waiting)} fans, over 2 nodes; ${int(mem.places / 2)} counting the flood's places) |`,
  );
  out.push(`| tickets/s | ${tps === undefined ? '—' : one(tps)} over the sale; ${one(bestTenSeconds(r))} in the best 10 s |`);
  out.push(`| PostgreSQL cores used during the sale | ${pgSale === undefined ? '—' : two(pgSale)} |`);
  out.push(`| tickets/s per PostgreSQL core | ${tps !== undefined && pgSale ? one(tps / pgSale) : '—'} |`);
  const rest = (c: Record<string, number>) => Math.max(0, (c.machine ?? 0) - Object.entries(c).reduce((a, [k, v]) => (k === 'machine' ? a : a + v), 0));
  if (r.cpuSale)
    out.push(
      `| cores during the sale | ${Object.entries(r.cpuSale)
        .map(([k, v]) => `${k} ${two(v)}`)
        .join(', ')}; other work on the machine ${two(rest(r.cpuSale))} |`,
    );
  out.push(
    `| cores over the whole run | ${Object.entries(r.cpuWhole)
      .map(([k, v]) => `${k} ${two(v)}`)
      .join(', ')}; other work on the machine ${two(rest(r.cpuWhole))} |`,
  );
  out.push('');

  out.push('## Fans');
  out.push('');
  out.push('| where the fans ended | fans |');
  out.push('|---|---|');
  for (const [k, v] of Object.entries(c.outcomes)) if (v) out.push(`| ${k.replace('_', ' ')} | ${int(v)} |`);
  out.push(`| (admitted at some point) | ${int(c.admitted)} |`);
  out.push(`| (told sold out at some point) | ${int(c.toldSoldOut)} |`);
  out.push(`| (saw their place in the next performance) | ${int(c.movedFans)} |`);
  out.push('');
  out.push(
    `Purchases by performance: ${
      Object.entries(c.byPerformance)
        .map(
          ([id, v]) =>
            `${id === r.performanceIds.first ? 'first' : id === r.performanceIds.next ? 'next' : id} ${int(v.purchases)} purchases, ${int(v.tickets)} tickets`,
        )
        .join('; ') || 'none'
    }. Challenges solved: ${int(c.challenges.solved)} (${int(c.challenges.failed)} failed, ${int(c.challenges.expired)} expired while queued for the solver and fetched again). Requests sent again because their kept-alive connection closed before any answer, as a browser resends them: ${int(c.resent)}.`,
  );
  out.push('');
  out.push('| step (ms) | p50 | p99 | count |');
  out.push('|---|---|---|---|');
  const order = [
    'join',
    'challenge',
    'status',
    'hold',
    'order',
    'token',
    'pay',
    'join, whole (arrival to ticket)',
    'line (ticket to admitted)',
    'purchase (admitted to paid)',
    'whole (arrival to paid)',
  ];
  for (const name of [...order, ...Object.keys(c.latencies).filter((k) => !order.includes(k))])
    if (c.latencies[name]) out.push(`| ${name} | ${lat(c.latencies[name])} |`);
  out.push('');
  // Every kind: the rare ones are the fans who saw an error, and they are what needs explaining.
  out.push(`Answers the fans got other than 2xx: ${top(c.errors, 100)}.`);
  out.push('');

  if (s.faults) {
    out.push('## Faults during the run');
    out.push('');
    out.push(
      "| fault | at | back after | next purchase paid | fans' answers from the fault to 10 s after it was back: 2xx / 503+Retry-After / 429 / other 5xx / network |",
    );
    out.push('|---|---|---|---|---|');
    for (const fault of r.faults) {
      const from = Math.floor(fault.at / 1000);
      const to = Math.ceil(((fault.back ?? fault.at) + 10_000) / 1000);
      const w = c.timeline.slice(from, to + 1);
      const sum = (k: 'ok' | 'r503' | 'r429' | 'e5xx' | 'net') => w.reduce((a, x) => a + x[k], 0);
      // Sales going on: the first second from the fault in which a fan's payment completed (the fault suite's goal: 5 s after it is back).
      const resumed = c.timeline.findIndex((x) => x.s >= from && x.purchases > 0);
      out.push(
        `| ${fault.name} | ${sec(fault.at)}${r.times.openedAt !== undefined ? ` (${((fault.at - r.times.openedAt) / 1000).toFixed(0)} s after the opening)` : ''} | ${fault.back === undefined ? 'not back' : `${((fault.back - fault.at) / 1000).toFixed(1)} s`} | ${resumed < 0 ? 'none' : `${resumed - from} s after the fault`} | ${int(sum('ok'))} / ${int(sum('r503'))} / ${int(sum('r429'))} / ${int(sum('e5xx'))} / ${int(sum('net'))} |`,
      );
    }
    out.push('');
  }

  out.push("## The books (the fault suite's checks, `scripts/faults/checks.ts`, and the on-sale bench's stock check)");
  out.push('');
  out.push(
    '| performance | seats sold twice | GA over capacity | paid without tickets | seen paid, missing | oversold | seat tickets / stock | GA tickets / capacity | paid orders | pending orders | active holds | status |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.checks)
    out.push(
      `| ${x.performance} | ${x.books.seatsSoldTwice} | ${x.books.gaOverCapacity} | ${x.books.paidWithoutTickets} | ${x.books.paidSeenMissing} | ${x.stock.oversold} | ${int(x.stock.seatTickets)} / ${int(x.stock.seatStock)} | ${int(x.stock.gaTickets)} / ${int(x.stock.gaStock)} | ${int(x.stock.paidOrders)} | ${int(x.stock.pendingOrders)} | ${int(x.stock.activeHolds)} | ${x.stock.performanceStatus} |`,
    );
  out.push('');

  out.push('## Memory');
  out.push('');
  out.push(
    `The line, per app node (RSS from /proc; heap from each node's /metrics): just before the first fan arrived (the node idle, after the show was set up), and when the line was longest (${int(mem.waiting)} fans in line, ${int(mem.places)} places waiting, at ${sec(mem.t)}). The heap at the longest line is the least of the node's samples within 10 s of it (a single reading holds garbage not yet collected); RSS is the reading then. The difference also holds whatever the nodes grew by serving the crowd and the flood (compiled code, caches, buffers), so it is an upper bound on what the line itself costs. A node killed before the longest line grew again from a cold start: the goal's figure then comes from the nodes that ran throughout, scaled to both.`,
  );
  out.push('');
  out.push('| node | RSS before | heap before | RSS, longest line | heap, longest line | extra RSS | extra heap | note |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const row of mem.rows)
    out.push(
      `| ${row.node} | ${one(row.before.rss)} | ${one(row.before.heap)} | ${row.at ? one(row.at.rss) : '—'} | ${row.at ? one(row.at.heap) : '—'} | ${row.at ? one(row.at.rss - row.before.rss) : '—'} | ${row.at ? one(row.at.heap - row.before.heap) : '—'} | ${row.note} |`,
    );
  out.push('');
  out.push(
    `Largest memory seen per part (MB; PSS for PostgreSQL's processes and nginx's, which share pages): ${Object.entries(r.memoryPeaks)
      .map(([k, v]) => `${k} ${one(v)}`)
      .join(', ')}; the fans' process itself ${int(c.maxRssMb)} MB.`,
  );
  out.push('');

  out.push('## How the admission rate followed checkout');
  out.push('');
  out.push(
    `Every 10 s: the room's state (first performance → next), fans in line (and places waiting, the flood's included), admitted in the last minute against the rate allowed now (the operator's ${int(s.bounds.maxAdmissionsPerMinute)}/min scaled by checkout's health), fans in checkout against the bound (${s.bounds.maxInCheckout}), tickets sold per second, what the fans were told, and cores used.`,
  );
  out.push('');
  out.push(
    '| t | room | fans in line (places waiting) | admitted/min | allowed/min | in checkout | tickets/s | fans: 2xx / 503+RA / 429 / 5xx / net | cores: app, pg, nginx, redis, fans, flood |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|');
  let previous: Tick | undefined;
  for (const tick of r.ticks) {
    if (previous && tick.t - previous.t < 9_500) continue;
    const dt = previous ? (tick.t - previous.t) / 1000 : 0;
    const soldNow = tick.soldA + (Number.isFinite(tick.soldB) ? tick.soldB : 0);
    const soldThen = previous ? previous.soldA + (Number.isFinite(previous.soldB) ? previous.soldB : 0) : 0;
    const w = c.timeline.slice(previous ? Math.floor(previous.t / 1000) : 0, Math.floor(tick.t / 1000));
    const sum = (k: 'ok' | 'r503' | 'r429' | 'e5xx' | 'net') => w.reduce((a, x) => a + x[k], 0);
    const cores =
      previous && dt > 0
        ? ['app nodes', 'postgres', 'nginx', 'redis', 'fans', 'flood'].map((k) => two(((tick.cpu[k] ?? 0) - (previous!.cpu[k] ?? 0)) / dt)).join(', ')
        : '—';
    out.push(
      `| ${sec(tick.t)} | ${tick.stateA}${tick.stateB !== '-' ? ` → ${tick.stateB}` : ''} | ${int(tick.fansInLine)} (${int(tick.waiting)}) | ${int(tick.admittedPerMinute)} | ${int(tick.allowedPerMinute)} | ${tick.inCheckout} / ${tick.maxInCheckout} | ${dt ? one((soldNow - soldThen) / dt) : '—'} | ${int(sum('ok'))} / ${int(sum('r503'))} / ${int(sum('r429'))} / ${int(sum('e5xx'))} / ${int(sum('net'))} | ${cores} |`,
    );
    previous = tick;
  }
  out.push('');

  out.push('## Settings');
  out.push('');
  out.push('| setting | value |');
  out.push('|---|---|');
  out.push(
    `| show | ${s.hall}: ${int(s.places)} places; a first performance with its on-sale time ${s.preQueue} s after the first fan arrives, and a next one (no on-sale time) |`,
  );
  out.push(
    `| room | Redis store; maxInCheckout ${s.bounds.maxInCheckout}, maxAdmissionsPerMinute ${s.bounds.maxAdmissionsPerMinute}, graceSeconds ${s.bounds.graceSeconds}, startLimitSeconds ${s.bounds.startLimitSeconds}; the same bounds for the next performance's room after the move; holds keep places ${s.holdTtl} s (\`HOLD_TTL_SECONDS\`; default 480) |`,
  );
  out.push(
    `| fans | ${int(s.fans)}, arriving evenly over ${s.arrival} s; ${s.perAddress} to a source address (a carrier's NAT; ${int(c.addresses)} addresses), ${s.perPrefix} addresses to a /24 in 127.100.0.0/14; one process, node:http keep-alive (up to 2 connections per address); each wants ${s.quantity} tickets (a seated category, a different one per fan, then GA, then the others, then 1) |`,
  );
  out.push(
    `| polling | first poll 2–8 s after joining (a place never asked for is skipped after 15 s); in the pre-queue, about when the opening is due (spread over 10 s after it); waiting, a quarter of the ETA the answer gives, from 3 to ${s.maxPoll} s (±20%); told sold out, every ${s.maxPoll} s (to see the move); Retry-After honoured on 429 and 503. The queue page itself polls every 3 s while waiting (20 s in a hidden tab): 100,000 fans at 3 s would be 33,000 polls/s, past what this machine's two cores serve with everything else on them |`,
  );
  out.push(
    `| proof of work | server \`SHIELD_POW_BITS=${s.powBits}\` (default 18, ~0.3 s of hashing a fan here): every simulated fan's device is the one solver thread of the fans' process, on cores shared with the cluster, so at 18 bits 100,000 fans would need ~8 core-hours; the shield adds up to 4 bits under pressure. A challenge that expired while queued for the solver is fetched again, not sent. The flood never solves, so this changes the fans' cost only. The challenge applies only when shield mode is on (the flood turns it on) |`,
  );
  out.push(
    `| flood | ${s.flood ? `\`bench/onsale/flood.ts\` through nginx: ${s.flood.sources} addresses in ${s.flood.prefixes} /24s of 127.66.0.0/16, ${s.flood.connections} keep-alive connections × ${s.flood.depth} in flight, at \`nice ${s.flood.nice}\` (so its rate is what the machine has left after the cluster and the fans), ignoring Retry-After; the on-sale bench's mix` : 'off (--no-flood)'} |`,
  );
  out.push(
    `| faults | ${s.faults ? `kill -9 of node 2 once ${Math.round(s.faults.killAt * 100)}% of the first performance's places were sold (the supervisor starts it again); Redis stopped (SIGTERM) and started again on its append-only file once ${Math.round(s.faults.redisAt * 100)}% were; the operator's move waits for Redis to be back` : 'none (--no-faults)'} |`,
  );
  out.push(`| end | ${s.afterMove} s after the move (or at the end of the arrivals, if later); at ${s.maxRun} s whatever happens |`);
  out.push('');
  const others = rest(r.cpuWhole);
  if (others > 0.15)
    r.notes.push(
      `other work used ${two(others)} of the machine's cores over the run (other processes than the bench's): the rates here are lower than this machine gives the bench alone; run again on a quiet machine before drawing sizing from them.`,
    );
  if (r.notes.length) {
    out.push('## Notes');
    out.push('');
    for (const note of r.notes) out.push(`- ${note}`);
    out.push('');
  }
  return out.join('\n');
}

/** The most tickets sold in any 10 s (both performances), per second. */
function bestTenSeconds(r: CrowdReport): number {
  let best = 0;
  for (let i = 0; i < r.ticks.length; i++) {
    const a = r.ticks[i]!;
    const j = r.ticks.findIndex((b) => b.t - a.t >= 10_000);
    if (j < 0) break;
    const b = r.ticks[j]!;
    const sold = (x: Tick) => x.soldA + (Number.isFinite(x.soldB) ? x.soldB : 0);
    best = Math.max(best, (sold(b) - sold(a)) / ((b.t - a.t) / 1000));
  }
  return best;
}

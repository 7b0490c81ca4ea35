import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { count, flags, numberFlag, required, sleep, summarize, type Summary } from '../checkout/common.js';
import { SolverPool, solveHere } from '../onsale/pow.js';
import { crowdAddress, PROGRESS } from './common.js';
import { type Answer, jsonCaller, type NetworkError } from '../onsale/json-call.js';

/**
 * The crowd: many fans driven by one process, each an async state machine that spends nearly all
 * its life asleep on a timer. Each arrives at its own time (spread evenly over `--arrival` seconds
 * from `--start-at`), from a source address it shares with `--per-address` others (a carrier's
 * NAT), joins the line (solving the proof of work on 401 challenge_required, honouring Retry-After
 * on 429 and 503), and polls its status at the pace the answer allows: before the opening, about
 * when it is due; while waiting, a quarter of its ETA, from 3 s up to `--max-poll` s; so a fan far
 * back asks rarely. Admitted fans buy (hold with the access token, order, card token, pay) in the
 * performance their answer names, which is the next one after the operator moved the line. Fans
 * told sold out keep checking every `--max-poll` s, as the queue page does, to see the move.
 * Stops at SIGTERM or after `--duration` s and prints one JSON line. Talks to 127.0.0.1 only.
 */
export type Outcome = 'not_arrived' | 'joining' | 'pre_queue' | 'waiting' | 'admitted' | 'purchased' | 'sold_out' | 'turned_away' | 'expired' | 'failed';

export interface CrowdResult {
  fans: number;
  addresses: number;
  seconds: number;
  outcomes: Record<Outcome, number>;
  /** Fans whose status answer named another performance than the one they joined (the line moved). */
  movedFans: number;
  /** Fans who were told sold out at some point. */
  toldSoldOut: number;
  admitted: number;
  purchases: number;
  tickets: number;
  /** Purchases and tickets by performance id. */
  byPerformance: Record<string, { purchases: number; tickets: number }>;
  /** Fans who saw at least one 5xx (other than 503 with Retry-After) or network failure / 503 with Retry-After / 429. */
  fansWithError: number;
  fansWith503: number;
  fansWith429: number;
  /** Milliseconds: each request's 2xx answers, and whole stretches of a fan's flow. */
  latencies: Record<string, Summary>;
  /** Every non-2xx answer and network failure, by `step status code`. */
  errors: Record<string, number>;
  /** Per second since the start: answers by class, purchases, tickets, requests. */
  timeline: { s: number; ok: number; r503: number; r429: number; e5xx: number; net: number; other4xx: number; purchases: number; tickets: number }[];
  /** Per second: polls sent (status requests), to see the pacing. */
  pollsPerSecond: number[];
  challenges: { solved: number; failed: number; expired: number };
  /** Requests sent a second time because their kept-alive connection closed before any answer (a browser resends those). */
  resent: number;
  /** Order ids the fans saw paid, to check in SQL that each is paid. */
  paidOrders: string[];
  requests: number;
  clientCpuSeconds: number;
  maxRssMb: number;
}

const f = flags(process.argv.slice(2));
const app = new URL(required(f, 'app'));
const pay = new URL(required(f, 'pay'));
for (const origin of [app, pay]) if (origin.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is allowed, got ${origin.host}`);
const firstPerformance = required(f, 'performance');
const categoryIds = required(f, 'categories').split(',');
const gaAreaId = required(f, 'ga');
const fans = numberFlag(f, 'fans', 5000);
const perAddress = numberFlag(f, 'per-address', 20);
const perPrefix = numberFlag(f, 'per-prefix', 16);
const startAt = numberFlag(f, 'start-at', Date.now());
const durationMs = numberFlag(f, 'duration', 600) * 1000;
const arrivalMs = numberFlag(f, 'arrival', 60) * 1000;
const maxPollMs = numberFlag(f, 'max-poll', 20) * 1000;
const quantity = numberFlag(f, 'quantity', 2);
const TIMEOUT_MS = 20_000;
const MAX_RETRY_AFTER_MS = 30_000;
const MIN_POLL_MS = 3000;
const addresses = Math.ceil(fans / perAddress);

// One agent: Node keys its pools by host, port and local address, so each address keeps its own
// keep-alive connection(s), shared by the fans behind it. Idle ones close after 15 s.
const agent = new http.Agent({ keepAlive: true, maxSockets: 2, maxFreeSockets: 1, timeout: 15_000 });
const solver = new SolverPool(1, 0);

let t0 = 0;
let stopped = false;
/**
 * Every fan asleep, to wake when the run stops. (A race against one long-lived "stopping" promise
 * would keep a reaction on it for every nap ever taken, until the end of the run.)
 */
const asleep = new Set<() => void>();
let stop: () => void = () => {};
const stopping = new Promise<void>((resolve) => {
  stop = () => {
    stopped = true;
    for (const wake of asleep) wake();
    asleep.clear();
    resolve();
  };
});
/** Sleeps, or returns early (false) when the run stops. */
function nap(ms: number): Promise<boolean> {
  if (stopped) return Promise.resolve(false);
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      asleep.delete(wake);
      resolve(true);
    }, ms);
    asleep.add(wake);
  });
}

const resent = { count: 0 };
const call = jsonCaller(agent, TIMEOUT_MS, resent);

// ---- what is recorded ----
/** Answer times in 0.1 ms steps up to 60 s, per step: percentiles without keeping every sample. */
const histograms = new Map<string, Uint32Array>();
const stretches = new Map<string, number[]>();
const errors: Record<string, number> = {};
const outcomes: Outcome[] = new Array(fans).fill('not_arrived');
/** Bit flags per fan: 1 error, 2 a 503 with Retry-After, 4 a 429, 8 moved, 16 told sold out. */
const marks = new Uint8Array(fans);
const byPerformance: Record<string, { purchases: number; tickets: number }> = {};
const paidOrders: string[] = [];
type Second = CrowdResult['timeline'][number];
const timeline: Second[] = [];
const polls: number[] = [];
let admitted = 0;
let requests = 0;
const challenges = { solved: 0, failed: 0, expired: 0 };
const second = (): Second => {
  const s = Math.max(0, Math.floor((performance.now() - t0) / 1000));
  for (let i = timeline.length; i <= s; i++) timeline.push({ s: i, ok: 0, r503: 0, r429: 0, e5xx: 0, net: 0, other4xx: 0, purchases: 0, tickets: 0 });
  return timeline[s]!;
};
function latency(step: string, ms: number): void {
  let h = histograms.get(step);
  if (!h) histograms.set(step, (h = new Uint32Array(600_001)));
  h[Math.min(600_000, Math.round(ms * 10))]!++;
}
function stretch(name: string, ms: number): void {
  let list = stretches.get(name);
  if (!list) stretches.set(name, (list = []));
  list.push(ms);
}
function summaryOf(h: Uint32Array): Summary {
  let total = 0;
  let max = 0;
  for (let i = 0; i < h.length; i++) {
    total += h[i]!;
    if (h[i]) max = i / 10;
  }
  const at = (q: number) => {
    const want = Math.ceil(q * total);
    let seen = 0;
    for (let i = 0; i < h.length; i++) {
      seen += h[i]!;
      if (seen >= want) return i / 10;
    }
    return max;
  };
  return { count: total, p50: total ? at(0.5) : 0, p99: total ? at(0.99) : 0, max };
}

/** One request of a fan's step; every answer is counted, 2xx ones with their latency. */
async function request(fan: number, step: string, send: () => Promise<Answer>): Promise<Answer | undefined> {
  if (stopped) return undefined;
  requests++;
  if (step === 'status') {
    const s = second().s;
    polls[s] = (polls[s] ?? 0) + 1;
  }
  let answer: Answer;
  try {
    answer = await send();
  } catch (error) {
    if (stopped) return undefined;
    // Which connection and how late: a hang-up at once on a fresh one is not a slow answer cut off.
    const e = error as NetworkError;
    const late = e.ms === undefined ? '' : e.ms < 1000 ? ', under 1 s' : e.ms < 10_000 ? ', 1-10 s' : ', over 10 s';
    count(errors, `${step} network ${e.message} (${e.reused ? 'kept-alive' : 'new'} connection${late})`);
    second().net++;
    marks[fan]! |= 1;
    return undefined;
  }
  const at = second();
  if (answer.status >= 200 && answer.status < 300) {
    latency(step, answer.ms);
    at.ok++;
    return answer;
  }
  const code = answer.body?.error?.code ?? '-';
  count(errors, `${step} ${answer.status} ${code}${answer.status === 503 && answer.retryAfter !== undefined ? ' (Retry-After)' : ''}`);
  if (answer.status === 503 && answer.retryAfter !== undefined) {
    at.r503++;
    marks[fan]! |= 2;
  } else if (answer.status === 429) {
    at.r429++;
    marks[fan]! |= 4;
  } else if (answer.status >= 500) {
    at.e5xx++;
    marks[fan]! |= 1;
  } else at.other4xx++;
  return answer;
}

const retryable = (a: Answer) => a.status === 429 || a.status === 503;
const retryAfterMs = (a: Answer) => Math.min(MAX_RETRY_AFTER_MS, Math.max(500, (a.retryAfter ?? 2) * 1000)) * (1 + Math.random() * 0.2);

/** A step after admission: retried on 429/503 (after Retry-After) and network failures, a few times. */
async function admittedStep(fan: number, step: string, send: () => Promise<Answer>): Promise<Answer | undefined> {
  for (let attempt = 0; attempt < 8 && !stopped; attempt++) {
    const a = await request(fan, step, send);
    if (a && !retryable(a)) return a;
    if (!(await nap(a ? retryAfterMs(a) : 1000))) return undefined;
  }
  return undefined;
}

/**
 * A fan's proof of work: fetch a challenge, solve it (an easy one here, a hard one on the solver
 * thread every simulated device shares, in turn), and hand it over while it is still good. A
 * challenge that expired before it was solved (2 minutes) is not sent: its join would be refused
 * and the fan start over; the fan fetches a fresh one instead, and `challenges.expired` counts
 * them. (2026-12-06, at 12 bits, the solver fell behind the arrivals and 86,000 challenges were
 * still queued at the end.)
 */
async function solveChallenge(fan: number, address: string): Promise<string | undefined> {
  for (let tries = 0; tries < 3 && !stopped; tries++) {
    const a = await request(fan, 'challenge', () => call(app, address, 'GET', '/api/shield/challenge'));
    if (a?.status !== 200 || typeof a.body?.challenge !== 'string') return undefined;
    const difficulty = Number(a.body.difficulty);
    // Up to 8 bits (about 256 hashes, well under a millisecond) here; harder ones on the solver thread.
    const solved = difficulty <= 8 ? solveHere(a.body.challenge, difficulty) : await solver.solve(a.body.challenge, difficulty);
    if (!solved) {
      challenges.failed++;
      return undefined;
    }
    // A second to spare for the join to reach the server.
    if (Date.parse(a.body.expiresAt) - Date.now() < 1000) {
      challenges.expired++;
      continue;
    }
    challenges.solved++;
    return `${a.body.challenge}.${solved.nonce}`;
  }
  return undefined;
}

/** Hold choices: a seated category (a different one per fan), then GA, then the other categories; then a single ticket. */
function holdChoices(index: number): Record<string, unknown>[] {
  const kinds: Record<string, unknown>[] = [...categoryIds.map((categoryId) => ({ categoryId })), { gaAreaId }];
  const first = index % kinds.length;
  const ordered = [...kinds.slice(first), ...kinds.slice(0, first)];
  const quantities = quantity > 1 ? [quantity, 1] : [1];
  return quantities.flatMap((q) => ordered.map((k) => ({ ...k, quantity: q })));
}

/** How long to wait before the next poll, from the last answer. */
function pollDelay(body: any): number {
  const jitter = 0.8 + Math.random() * 0.4;
  if (body.state === 'pre_queue') {
    const opensIn = Number(body.eta?.low ?? 0) * 1000;
    // Spread over the first 10 s after the opening, so the whole pre-queue does not ask in one instant.
    return opensIn > 0 ? Math.min(maxPollMs * jitter, opensIn + 1000 + Math.random() * 9000) : MIN_POLL_MS * jitter;
  }
  if (body.state === 'waiting' || body.state === 'paused') {
    const eta = Number(body.eta?.low ?? 0) * 1000;
    return Math.min(maxPollMs, Math.max(MIN_POLL_MS, eta / 4)) * jitter;
  }
  return maxPollMs * jitter;
}

async function buy(index: number, address: string, performanceId: string, access: string | undefined): Promise<void> {
  const tokenHeader: Record<string, string> = access ? { 'x-access-token': access } : {};
  const admittedAt = performance.now();
  let hold: Answer | undefined;
  for (const body of holdChoices(index)) {
    // One key per choice, as the page sends: a retry after a lost answer gets the same hold, not a second.
    const holdHeaders = { ...tokenHeader, 'idempotency-key': randomUUID() };
    const a = await admittedStep(index, 'hold', () => call(app, address, 'POST', `/api/performances/${performanceId}/holds`, body, holdHeaders));
    if (stopped) return;
    const code = a?.body?.error?.code;
    if (a?.status === 201) {
      hold = a;
      break;
    }
    if (a?.status === 409 && code === 'not_enough_inventory') continue;
    outcomes[index] = a?.status === 409 && code === 'sale_not_open' ? 'sold_out' : 'failed';
    return;
  }
  if (!hold) {
    outcomes[index] = 'sold_out';
    return;
  }
  const holdId = hold.body.holdId as string;
  const holdAuth = { authorization: `Bearer ${hold.body.holdToken as string}` };
  const release = async () => {
    await call(app, address, 'DELETE', `/api/holds/${holdId}`, undefined, holdAuth).catch(() => undefined);
  };
  const buyer = { name: `Fan ${index}`, email: `fan${index}@example.com`, locale: 'es' };
  const idem = randomUUID();
  const order = await admittedStep(index, 'order', () =>
    call(app, address, 'POST', `/api/holds/${holdId}/order`, { buyer }, { 'idempotency-key': idem, ...holdAuth }),
  );
  if (stopped) return;
  if (order?.status !== 201) {
    outcomes[index] = 'failed';
    await release();
    return;
  }
  const card = { sessionId: order.body.payment.sessionId, cardNumber: '4242424242424242', expiry: '12/39', cvc: '123' };
  const token = await admittedStep(index, 'token', () => call(pay, address, 'POST', '/tokens', card));
  if (stopped) return;
  if (token?.status !== 200 && token?.status !== 201) {
    outcomes[index] = 'failed';
    await release();
    return;
  }
  const paid = await admittedStep(index, 'pay', () => call(app, address, 'POST', `/api/orders/${order.body.orderId}/payment`, { token: token.body.token }));
  if (stopped) return;
  if (paid?.status !== 200 || paid.body?.status !== 'paid') {
    outcomes[index] = 'failed';
    await release();
    return;
  }
  stretch('purchase (admitted to paid)', performance.now() - admittedAt);
  const n = Array.isArray(paid.body.tickets) ? paid.body.tickets.length : 0;
  const tally = (byPerformance[performanceId] ??= { purchases: 0, tickets: 0 });
  tally.purchases++;
  tally.tickets += n;
  paidOrders.push(order.body.orderId as string);
  const at = second();
  at.purchases++;
  at.tickets += n;
  outcomes[index] = 'purchased';
}

async function fan(index: number): Promise<void> {
  const arriveAt = t0 + (arrivalMs * index) / fans;
  if (!(await nap(Math.max(0, arriveAt - performance.now())))) return;
  const address = crowdAddress(index % addresses, perPrefix);
  const arrived = performance.now();
  const key = `crowd-${randomUUID()}`;
  outcomes[index] = 'joining';

  // 1. Join.
  let ticket: string | undefined;
  let solution: string | undefined;
  // Refusals with Retry-After (429, 503) are waited out as often as they come, as the queue page
  // does; anything else counts toward giving up after 12.
  for (let attempt = 0; !ticket; attempt++) {
    if (stopped) return;
    if (attempt >= 12) {
      outcomes[index] = 'failed';
      return;
    }
    const headers: Record<string, string> = { 'x-queue-key': key, ...(solution ? { 'x-shield-solution': solution } : {}) };
    const a = await request(index, 'join', () => call(app, address, 'POST', `/api/performances/${firstPerformance}/queue`, undefined, headers));
    if (!a) {
      solution = undefined;
      if (!(await nap(2000))) return;
      continue;
    }
    // A 429 or 503 comes before the challenge is checked (nginx, the limits, shedding): the
    // solution was not spent, and the page sends it again with the retry.
    if (!retryable(a)) solution = undefined;
    if (a.status === 201) {
      ticket = a.body.queueTicket as string;
      break;
    }
    const code = a.body?.error?.code;
    if (a.status === 401 && code === 'challenge_required') {
      solution = await solveChallenge(index, address);
      // A refused challenge fetch (503 overloaded) is waited out like any other refusal.
      if (!solution) attempt--;
      if (!solution && !(await nap(2000 + Math.random() * 2000))) return;
      continue;
    }
    if (retryable(a)) {
      attempt--;
      if (!(await nap(retryAfterMs(a)))) return;
      continue;
    }
    if (a.status === 409 && code === 'queue_closed') {
      // Sold out and not moved (yet): the page says so; the fan looks again a little later, twice.
      marks[index]! |= 16;
      if (attempt >= 2) {
        outcomes[index] = 'turned_away';
        return;
      }
      if (!(await nap(maxPollMs))) return;
      continue;
    }
    if (!(await nap(2000))) return;
  }
  stretch('join, whole (arrival to ticket)', performance.now() - arrived);
  outcomes[index] = 'waiting';
  const joined = performance.now();

  // 2. Poll at the pace the answer allows, until admitted (or the run stops).
  let delay = 2000 + Math.random() * 6000; // the first poll comes soon: a place never asked for is skipped after 15 s
  let failures = 0;
  for (;;) {
    if (!(await nap(delay))) return;
    const a = await request(index, 'status', () => call(app, address, 'GET', '/api/queue/status', undefined, { authorization: `Queue ${ticket}` }));
    if (stopped) return;
    if (!a) {
      failures++;
      delay = Math.min(30_000, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
      continue;
    }
    if (retryable(a)) {
      delay = retryAfterMs(a);
      continue;
    }
    if (a.status !== 200) {
      if (a.status >= 500) {
        failures++;
        delay = Math.min(30_000, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
        continue;
      }
      outcomes[index] = 'failed';
      return;
    }
    failures = 0;
    const state = a.body.state as string;
    if (a.body.performanceId !== firstPerformance) marks[index]! |= 8;
    if (state === 'admitted') {
      stretch('line (ticket to admitted)', performance.now() - joined);
      admitted++;
      outcomes[index] = 'admitted';
      await buy(index, address, a.body.performanceId as string, a.body.accessToken as string | undefined);
      if ((outcomes[index] as Outcome) === 'purchased') stretch('whole (arrival to paid)', performance.now() - arrived);
      return;
    }
    if (state === 'expired') {
      outcomes[index] = 'expired';
      return;
    }
    if (state === 'sold_out' || state === 'closed') {
      marks[index]! |= 16;
      outcomes[index] = 'sold_out';
    } else outcomes[index] = state === 'pre_queue' ? 'pre_queue' : 'waiting';
    delay = pollDelay(a.body);
  }
}

process.once('SIGTERM', () => stop());
process.once('SIGINT', () => stop());
const wait = startAt - Date.now();
if (wait > 0) await sleep(wait);
const cpuBefore = process.cpuUsage();
t0 = performance.now();
let maxRss = 0;
const rssTimer = setInterval(() => {
  maxRss = Math.max(maxRss, process.memoryUsage.rss());
  // Where the fans are now, for the orchestrator (the room's own count includes the flood's joins).
  let inLine = 0;
  let purchased = 0;
  for (const o of outcomes) {
    if (o === 'pre_queue' || o === 'waiting') inLine++;
    else if (o === 'purchased') purchased++;
  }
  console.log(`${PROGRESS}${JSON.stringify({ inLine, purchased })}`);
}, 2000);
const runs = Promise.all(
  Array.from({ length: fans }, (_, i) =>
    fan(i).catch((error: Error) => {
      count(errors, `fan crashed: ${error.message}`);
      outcomes[i] = 'failed';
    }),
  ),
);
await Promise.race([runs, sleep(durationMs).then(stop), stopping]);
stop();
clearInterval(rssTimer);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpuBefore);
// Purchases in flight get a moment to land, so every order a fan saw paid is in the list.
await Promise.race([runs, sleep(3000)]);
agent.destroy();
await solver.close();

const latencies: Record<string, Summary> = {};
for (const [name, h] of histograms) latencies[name] = summaryOf(h);
for (const [name, list] of stretches) latencies[name] = summarize(list);
const tally = Object.fromEntries(
  (['purchased', 'sold_out', 'turned_away', 'admitted', 'waiting', 'pre_queue', 'joining', 'not_arrived', 'expired', 'failed'] as Outcome[]).map((s) => [s, 0]),
) as Record<Outcome, number>;
for (const o of outcomes) tally[o]++;
let fansWithError = 0;
let fansWith503 = 0;
let fansWith429 = 0;
let movedFans = 0;
let toldSoldOut = 0;
for (const m of marks) {
  if (m & 1) fansWithError++;
  if (m & 2) fansWith503++;
  if (m & 4) fansWith429++;
  if (m & 8) movedFans++;
  if (m & 16) toldSoldOut++;
}
const purchases = Object.values(byPerformance).reduce((a, b) => a + b.purchases, 0);
const result: CrowdResult = {
  fans,
  addresses,
  seconds,
  outcomes: tally,
  movedFans,
  toldSoldOut,
  admitted,
  purchases,
  tickets: Object.values(byPerformance).reduce((a, b) => a + b.tickets, 0),
  byPerformance,
  fansWithError,
  fansWith503,
  fansWith429,
  latencies,
  errors,
  timeline,
  pollsPerSecond: Array.from({ length: timeline.length }, (_, i) => polls[i] ?? 0),
  challenges,
  resent: resent.count,
  paidOrders,
  requests,
  clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
  maxRssMb: Math.round(Math.max(maxRss, process.memoryUsage.rss()) / 2 ** 20),
};
// A pipe is written asynchronously: exit only once the whole result (hundreds of KB) is out.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));

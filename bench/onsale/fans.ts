import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { count, flags, numberFlag, required, sleep, summarize, type Summary } from '../checkout/common.js';
import { fanAddress } from './traffic.js';
import { SolverPool } from './pow.js';
import { type Answer, jsonCaller } from './json-call.js';

/**
 * Simulated fans: each arrives at its own time (spread evenly over `--arrival` seconds, starting
 * `--delay` seconds after `--start-at`), from its own source address, and runs the real flow:
 * join the line (answering a 401 challenge_required with a solved proof of work, honouring
 * Retry-After on 429 and 503), poll the status every 1–2 s until admitted or sold out, hold with
 * the access token (preferred kind first, then the other, then one ticket), order, get a card
 * token from the test provider, pay. A fan whose purchase fails after the hold releases it, so the
 * stock can still sell out. Everything stops at the end of the window. Prints one JSON line.
 */
export type Stage = 'not_arrived' | 'joining' | 'waiting' | 'admitted' | 'purchased' | 'sold_out' | 'expired' | 'failed';

export interface FansResult {
  fans: number;
  seconds: number;
  /** Where each fan was when the window closed (or how it ended). */
  stages: Record<Stage, number>;
  /** Fans who got an access token (or were told `admitted`) at some point. */
  admitted: number;
  purchases: number;
  tickets: number;
  /** Milliseconds: each step's 2xx answers, plus whole stretches of a fan's flow. */
  latencies: Record<string, Summary>;
  /** Every non-2xx answer and network failure, by `step status code`. */
  errors: Record<string, number>;
  /** 5xx answers (and network failures) a fan saw after being admitted, by `step status code`. */
  serverErrorsAfterAdmission: Record<string, number>;
  /** The shield's refusals the fans saw, before and after admission. */
  refusedBeforeAdmission: number;
  refusedAfterAdmission: number;
  challenges: { solved: number; failed: number; expired: number; hashes: number; difficulties: Record<string, number> };
  /** Seconds after the flood started at which purchases completed: first, median, last. */
  purchaseTimes: { first: number; median: number; last: number } | null;
  holdOutcomes: Record<string, number>;
  /** Requests the fans sent in the window, to the app and to the payment origin. */
  requests: number;
  clientCpuSeconds: number;
}

const f = flags(process.argv.slice(2));
const app = new URL(required(f, 'app'));
const pay = new URL(required(f, 'pay'));
for (const origin of [app, pay]) if (origin.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is allowed, got ${origin.host}`);
const performanceId = required(f, 'performance');
const seatCategoryId = required(f, 'category');
const gaAreaId = required(f, 'ga');
const fans = numberFlag(f, 'fans', 300);
const perPrefix = numberFlag(f, 'per-prefix', 16);
const startAt = numberFlag(f, 'start-at', Date.now());
const durationMs = numberFlag(f, 'duration', 60) * 1000;
const delayMs = numberFlag(f, 'delay', 3) * 1000;
const arrivalMs = numberFlag(f, 'arrival', 20) * 1000;
const pollMs = numberFlag(f, 'poll-ms', 1500);
const quantity = numberFlag(f, 'quantity', 2);
const solverThreads = numberFlag(f, 'solver-threads', 1);
const solverNice = Number(f.get('solver-nice') ?? 10);
const TIMEOUT_MS = 20_000;
const MAX_RETRY_AFTER_MS = 15_000;
const SHIELD_REFUSALS = new Set(['rate_limited', 'overloaded', 'challenge_required']);

const agent = new http.Agent({ keepAlive: true, maxSockets: 2, maxFreeSockets: 2, keepAliveMsecs: 10_000 });
const solver = new SolverPool(solverThreads, solverNice);

let t0 = 0;
let deadline = Infinity;
const over = () => performance.now() >= deadline;

const call = jsonCaller(agent, TIMEOUT_MS);

// ---- what is recorded ----
const samples = new Map<string, number[]>();
const errors: Record<string, number> = {};
const after5xx: Record<string, number> = {};
const holdOutcomes: Record<string, number> = {};
const stages: Stage[] = new Array(fans).fill('not_arrived');
const difficulties: Record<string, number> = {};
const purchaseAt: number[] = [];
let admittedCount = 0;
let requests = 0;
let purchases = 0;
let tickets = 0;
let refusedBefore = 0;
let refusedAfter = 0;
const challenges = { solved: 0, failed: 0, expired: 0, hashes: 0 };
function sample(name: string, ms: number): void {
  if (over()) return;
  let list = samples.get(name);
  if (!list) samples.set(name, (list = []));
  list.push(ms);
}

/** One request of a fan's step; every answer is recorded, 2xx ones with their latency. */
async function request(step: string, admitted: boolean, send: () => Promise<Answer>): Promise<Answer | undefined> {
  let answer: Answer;
  if (!over()) requests++;
  try {
    answer = await send();
  } catch (error) {
    if (over()) return undefined;
    count(errors, `${step} network ${(error as Error).message}`);
    if (admitted) count(after5xx, `${step} network ${(error as Error).message}`);
    return undefined;
  }
  if (over()) return answer;
  if (answer.status >= 200 && answer.status < 300) {
    sample(step, answer.ms);
    return answer;
  }
  const code = answer.body?.error?.code ?? '-';
  count(errors, `${step} ${answer.status} ${code}`);
  if (admitted && answer.status >= 500) count(after5xx, `${step} ${answer.status} ${code}`);
  if (answer.status === 429 || SHIELD_REFUSALS.has(code)) {
    if (admitted) refusedAfter++;
    else refusedBefore++;
  }
  return answer;
}

const refusedRetryable = (a: Answer) => a.status === 429 || a.status === 503;
async function honourRetryAfter(a: Answer): Promise<void> {
  const ms = Math.min(MAX_RETRY_AFTER_MS, Math.max(100, (a.retryAfter ?? 1) * 1000));
  await sleep(ms * (1 + Math.random() * 0.2));
}

/** A step after admission: retried on 429/503 (after Retry-After) and network failures, a few times, within the window. */
async function admittedStep(step: string, send: () => Promise<Answer>): Promise<Answer | undefined> {
  for (let attempt = 0; attempt < 8 && !over(); attempt++) {
    const a = await request(step, true, send);
    if (a && !refusedRetryable(a)) return a;
    if (a) await honourRetryAfter(a);
    else await sleep(500);
  }
  return undefined;
}

const expiryOf = (v: unknown) => (typeof v === 'number' ? (v < 1e12 ? v * 1000 : v) : typeof v === 'string' ? Date.parse(v) : NaN);

/** Fetches a challenge and solves it; the header value, or undefined. */
async function solveChallenge(address: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 6 && !over(); attempt++) {
    const a = await request('challenge', false, () => call(app, address, 'GET', '/api/shield/challenge'));
    if (!a) {
      await sleep(1000);
      continue;
    }
    if (refusedRetryable(a)) {
      await honourRetryAfter(a);
      continue;
    }
    if (a.status !== 200 || typeof a.body?.challenge !== 'string') return undefined;
    const { challenge, difficulty } = a.body as { challenge: string; difficulty: number };
    count(difficulties, String(difficulty));
    const began = performance.now();
    const solved = await solver.solve(challenge, Number(difficulty));
    if (over()) return undefined;
    if (!solved) {
      challenges.failed++;
      return undefined;
    }
    challenges.hashes += solved.hashes;
    sample('solve (queue + search)', performance.now() - began);
    sample('solve (search only)', solved.ms);
    const expires = expiryOf(a.body.expiresAt);
    if (Number.isFinite(expires) && Date.now() > expires) {
      challenges.expired++;
      continue;
    }
    challenges.solved++;
    return `${challenge}.${solved.nonce}`;
  }
  return undefined;
}

function holdChoices(index: number): { what: string; body: Record<string, unknown> }[] {
  const seats = (q: number) => ({ what: `seats×${q}`, body: { categoryId: seatCategoryId, quantity: q } });
  const ga = (q: number) => ({ what: `ga×${q}`, body: { gaAreaId, quantity: q } });
  const order = index % 2 === 0 ? [seats, ga] : [ga, seats];
  const quantities = quantity > 1 ? [quantity, 1] : [1];
  return quantities.flatMap((q) => order.map((make) => make(q)));
}

async function fan(index: number): Promise<void> {
  const arriveAt = t0 + delayMs + (arrivalMs * index) / fans;
  await sleep(Math.max(0, arriveAt - performance.now()));
  if (over()) return;
  const address = fanAddress(index, perPrefix);
  const arrived = performance.now();
  const key = `fan-${randomUUID()}`;
  stages[index] = 'joining';

  // 1. Join, answering challenges and refusals.
  let ticket: string | undefined;
  let solution: string | undefined;
  for (let attempt = 0; !ticket && !over(); attempt++) {
    if (attempt >= 12) {
      stages[index] = 'failed';
      return;
    }
    const headers: Record<string, string> = { 'x-queue-key': key, ...(solution ? { 'x-shield-solution': solution } : {}) };
    solution = undefined; // a solution works once
    const a = await request('join', false, () => call(app, address, 'POST', `/api/performances/${performanceId}/queue`, undefined, headers));
    if (over()) return;
    if (!a) {
      await sleep(1000);
      continue;
    }
    if (a.status === 201) {
      ticket = a.body.queueTicket;
      break;
    }
    const code = a.body?.error?.code;
    if (a.status === 401 && code === 'challenge_required') {
      solution = await solveChallenge(address);
      if (!solution && !over()) await sleep(1000);
      continue;
    }
    if (refusedRetryable(a)) {
      await honourRetryAfter(a);
      continue;
    }
    if (a.status === 409 && code === 'queue_closed') {
      stages[index] = 'sold_out';
      return;
    }
    await sleep(1000);
  }
  if (!ticket) return;
  const joined = performance.now();
  sample('join, whole (arrival to ticket)', joined - arrived);
  stages[index] = 'waiting';

  // 2. Poll until admitted.
  let access: string | undefined;
  for (;;) {
    if (over()) return;
    const a = await request('status', false, () => call(app, address, 'GET', '/api/queue/status', undefined, { authorization: `Queue ${ticket}` }));
    if (over()) return;
    if (a?.status === 200) {
      const state = a.body.state as string;
      if (state === 'admitted') {
        access = a.body.accessToken;
        break;
      }
      if (state === 'sold_out' || state === 'closed') {
        stages[index] = 'sold_out';
        return;
      }
      if (state === 'expired') {
        stages[index] = 'expired';
        return;
      }
    } else if (a && refusedRetryable(a)) {
      await honourRetryAfter(a);
      continue;
    } else if (a?.status === 401) {
      stages[index] = 'failed';
      return;
    }
    await sleep(pollMs * (2 / 3 + (Math.random() * 2) / 3));
  }
  const admittedAt = performance.now();
  sample('line (ticket to admitted)', admittedAt - joined);
  admittedCount++;
  stages[index] = 'admitted';
  const tokenHeader: Record<string, string> = access ? { 'x-access-token': access } : {};

  // 3. Hold: the preferred kind, then the other, then a single ticket.
  let hold: Answer | undefined;
  for (const choice of holdChoices(index)) {
    const a = await admittedStep('hold', () => call(app, address, 'POST', `/api/performances/${performanceId}/holds`, choice.body, tokenHeader));
    if (over()) return;
    const code = a?.body?.error?.code ?? (a ? '-' : 'no answer');
    if (a?.status === 201) {
      hold = a;
      count(holdOutcomes, choice.what);
      break;
    }
    if (a?.status === 409 && code === 'not_enough_inventory') continue;
    if (a?.status === 409 && code === 'sale_not_open') {
      count(holdOutcomes, 'sold out');
      stages[index] = 'sold_out';
      return;
    }
    count(holdOutcomes, `failed: ${a?.status ?? 'network'} ${code}`);
    stages[index] = 'failed';
    return;
  }
  if (!hold) {
    count(holdOutcomes, 'nothing left');
    stages[index] = 'sold_out';
    return;
  }
  const holdId = hold.body.holdId as string;
  const holdAuth = { authorization: `Bearer ${hold.body.holdToken as string}` };
  const release = async () => {
    await call(app, address, 'DELETE', `/api/holds/${holdId}`, undefined, holdAuth).catch(() => undefined);
  };

  // 4. Order, card token, payment.
  const buyer = { name: `Fan ${index}`, email: `fan${index}@example.com`, locale: 'es' };
  const idem = randomUUID();
  const order = await admittedStep('order', () =>
    call(app, address, 'POST', `/api/holds/${holdId}/order`, { buyer }, { 'idempotency-key': idem, ...holdAuth }),
  );
  if (over()) return;
  if (order?.status !== 201) {
    stages[index] = 'failed';
    await release();
    return;
  }
  const card = { sessionId: order.body.payment.sessionId, cardNumber: '4242424242424242', expiry: '12/39', cvc: '123' };
  const token = await admittedStep('token', () => call(pay, address, 'POST', '/tokens', card));
  if (over()) return;
  if (token?.status !== 200 && token?.status !== 201) {
    stages[index] = 'failed';
    await release();
    return;
  }
  const paid = await admittedStep('pay', () => call(app, address, 'POST', `/api/orders/${order.body.orderId}/payment`, { token: token.body.token }));
  if (over()) return;
  if (paid?.status !== 200 || paid.body?.status !== 'paid') {
    stages[index] = 'failed';
    await release();
    return;
  }
  const done = performance.now();
  sample('purchase (admitted to paid)', done - admittedAt);
  sample('whole (arrival to paid)', done - arrived);
  purchases++;
  tickets += Array.isArray(paid.body.tickets) ? paid.body.tickets.length : 0;
  purchaseAt.push((done - t0) / 1000);
  stages[index] = 'purchased';
}

const wait = startAt - Date.now();
if (wait > 0) await sleep(wait);
const cpuBefore = process.cpuUsage();
t0 = performance.now();
deadline = t0 + durationMs;
const runs = Promise.all(
  Array.from({ length: fans }, (_, i) =>
    fan(i).catch((error: Error) => {
      count(errors, `fan crashed: ${error.message}`);
      stages[i] = 'failed';
    }),
  ),
);
await Promise.race([runs, sleep(durationMs + 100)]);
// Stay until the window closes even when every fan is done, so the runner's CPU sample at the end still finds this process.
await sleep(Math.max(0, deadline + 100 - performance.now()));
const cpu = process.cpuUsage(cpuBefore);
// Whatever is still in flight is cut off: the window is over.
agent.destroy();
await solver.close();

const latencies: Record<string, Summary> = {};
for (const [name, list] of samples) latencies[name] = summarize(list);
const stageCounts = Object.fromEntries(
  (['purchased', 'sold_out', 'admitted', 'waiting', 'joining', 'not_arrived', 'expired', 'failed'] as Stage[]).map((s) => [s, 0]),
) as Record<Stage, number>;
for (const s of stages) stageCounts[s]++;
const sorted = [...purchaseAt].sort((a, b) => a - b);
const result: FansResult = {
  fans,
  seconds: durationMs / 1000,
  stages: stageCounts,
  admitted: admittedCount,
  purchases,
  tickets,
  latencies,
  errors,
  serverErrorsAfterAdmission: after5xx,
  refusedBeforeAdmission: refusedBefore,
  refusedAfterAdmission: refusedAfter,
  challenges: { ...challenges, difficulties },
  purchaseTimes: sorted.length ? { first: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, last: sorted[sorted.length - 1]! } : null,
  holdOutcomes,
  requests,
  clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
};
console.log(JSON.stringify(result));
process.exit(0);

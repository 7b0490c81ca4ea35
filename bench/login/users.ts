import { readFileSync } from 'node:fs';
import { totpCode } from '../../src/accounts/totp.js';
import { count, flags, numberFlag, required, sleep, summarize, type Summary } from '../checkout/common.js';
import { SolverPool } from '../onsale/pow.js';
import { agent, type Answer, call, CookieJar, outcome } from './http.js';
import type { Account } from './seed.js';

/**
 * The real staff: each a browser with its own address (127.2.x.y) and cookie jar. First, before
 * the attack, each signs in once (password, then the authenticator's code), as returning staff
 * have, so the browser holds whatever the server gave it on success. Then, during the attack, each
 * signs in again at its own moment, spread evenly over `--arrival` seconds from `--delay`: password,
 * then a fresh code. A 429 with Retry-After is honoured (waited, then the same step again) unless
 * the wait would end after `--cap`; then the person gives up. A wrong code (the code's 30-s step
 * was just used) is retyped once with the next one, as a person would. Success is checked with
 * `GET /api/auth/staff/me`. While shield mode is on, a 401 `challenge_required` is answered as the
 * console's `authPost` does: fetch `GET /api/shield/challenge`, solve it (node:crypto in a worker
 * thread, the same search as the console's), send `X-Shield-Solution`, at most 3 times a request.
 * Prints one JSON line (UsersResult).
 */
export interface Person extends Account {
  address: string;
  leaked: boolean;
}

export interface SignInRecord {
  ok: boolean;
  ms: number;
  waits: number;
  waitedMs: number;
  outcome: string;
}

export interface UsersResult {
  baseline: { ok: number; failed: Record<string, number>; seconds: number; deviceCookies: number };
  attack: {
    tried: number;
    ok: number;
    okLeaked: number;
    leaked: number;
    failed: Record<string, number>;
    /** A full sign-in, ms: from the password request to the second factor's answer, waits included. */
    latency: Summary;
    /** 429 answers the people got, and how many they waited out. */
    refusals: Record<string, number>;
    retryAfterWaits: number;
    waitedSeconds: number;
    /** Answers by step. */
    answers: Record<string, number>;
    /** Proofs of work solved (shield mode), and the time spent solving them. */
    proofs: number;
    proofSeconds: number;
  };
  lateBaseline: boolean;
  /** CPU this process used from the start of the attack. */
  cpuSeconds: number;
}

const f = flags(process.argv.slice(2));
const base = new URL(required(f, 'url'));
const people = JSON.parse(readFileSync(required(f, 'users'), 'utf8')) as Person[];
const startAt = Number(required(f, 'start-at'));
const delayMs = numberFlag(f, 'delay', 5) * 1000;
const arrivalMs = numberFlag(f, 'arrival', 60) * 1000;
const capMs = numberFlag(f, 'cap', 100) * 1000;
const via = agent(2);
const jars = new Map<string, CookieJar>(people.map((p) => [p.email, new CookieJar()]));
/** The last TOTP step each person used: the server refuses a step at or before it. */
const lastStep = new Map<string, number>();
const answers: Record<string, number> = {};
const refusals: Record<string, number> = {};
const solver = new SolverPool(1, 0);
const MAX_PROOFS = 3;

/** A solved challenge for X-Shield-Solution, or undefined. */
async function proof(p: Person, jar: CookieJar, phase: string): Promise<string | undefined> {
  const a = await call(via, base, p.address, 'GET', '/api/shield/challenge', { cookies: jar });
  count(answers, `${phase} challenge ${outcome(a)}`);
  if (a.status !== 200 || typeof a.body?.challenge !== 'string') return undefined;
  const solved = await solver.solve(a.body.challenge, Number(a.body.difficulty));
  if (!solved) return undefined;
  if (phase === 'during') {
    result.attack.proofs++;
    result.attack.proofSeconds += solved.ms / 1000;
  }
  return `${a.body.challenge}.${solved.nonce}`;
}

/** The authenticator's code: the current step's, or the next one's if the current was used (valid for 30 s more). */
async function freshCode(p: Person): Promise<string> {
  const now = Date.now();
  const current = Math.floor(now / 30_000);
  const step = Math.max(current, (lastStep.get(p.email) ?? -1) + 1);
  // Two steps ahead is outside the server's window: wait as a person waits for the next code.
  if (step > current + 1) await sleep(step * 30_000 - 30_000 - now + 50);
  lastStep.set(p.email, step);
  return totpCode(p.totpSecret, step * 30_000 + 1000);
}

async function signIn(p: Person, deadline: number, phase: string): Promise<SignInRecord> {
  const jar = jars.get(p.email)!;
  const began = performance.now();
  let waits = 0;
  let waitedMs = 0;
  const step = async (name: string, path: string, payload: () => unknown): Promise<Answer> => {
    let solution: string | undefined;
    for (let proofs = 0; ; ) {
      const headers = solution ? { 'x-shield-solution': solution } : undefined;
      const a = await call(via, base, p.address, 'POST', path, { payload: await payload(), cookies: jar, headers });
      jar.absorb(a.setCookies);
      count(answers, `${phase} ${name} ${outcome(a)}`);
      if (a.status === 401 && a.body?.error?.code === 'challenge_required' && proofs++ < MAX_PROOFS) {
        solution = await proof(p, jar, phase);
        if (solution) continue;
      }
      solution = undefined;
      if (a.status !== 429) return a;
      count(refusals, `${phase} ${name} ${outcome(a)}`);
      const wait = (a.retryAfter ?? 1) * 1000;
      if (performance.now() + wait > deadline) return a;
      waits++;
      waitedMs += wait;
      await sleep(wait);
    }
  };
  const done = (ok: boolean, what: string): SignInRecord => ({ ok, ms: performance.now() - began, waits, waitedMs, outcome: what });

  const pw = await step('password', '/api/auth/staff/password', () => ({ email: p.email, password: p.password }));
  if (pw.status !== 200 || pw.body?.state !== 'second_factor') return done(false, `password ${outcome(pw)}`);
  let second = await step('second-factor', '/api/auth/staff/second-factor', async () => ({ totp: await freshCode(p) }));
  if (second.status === 401 && second.body?.error?.code === 'invalid_code') {
    second = await step('second-factor', '/api/auth/staff/second-factor', async () => ({ totp: await freshCode(p) }));
  }
  if (second.status !== 200 || second.body?.state !== 'signed_in') return done(false, `second factor ${outcome(second)}`);
  const record = done(true, 'signed in');
  const me = await call(via, base, p.address, 'GET', '/api/auth/staff/me', { cookies: jar });
  count(answers, `${phase} /me ${me.status}${me.body?.state ? ` ${me.body.state}` : ''}`);
  if (me.status !== 200 || me.body?.state !== 'signed_in') return { ...record, ok: false, outcome: `/me ${outcome(me)} after signing in` };
  return record;
}

const result: UsersResult = {
  baseline: { ok: 0, failed: {}, seconds: 0, deviceCookies: 0 },
  attack: {
    tried: 0,
    ok: 0,
    okLeaked: 0,
    leaked: 0,
    failed: {},
    latency: summarize([]),
    refusals,
    retryAfterWaits: 0,
    waitedSeconds: 0,
    answers,
    proofs: 0,
    proofSeconds: 0,
  },
  lateBaseline: false,
  cpuSeconds: 0,
};

// Before the attack: everyone signs in once, a few at a time, finishing before the attack starts.
const baselineBegan = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 5 }, async () => {
    while (next < people.length) {
      const p = people[next++]!;
      const r = await signIn(p, performance.now() + Math.max(1000, startAt - Date.now()), 'before');
      if (r.ok) result.baseline.ok++;
      else count(result.baseline.failed, r.outcome);
    }
  }),
);
result.baseline.seconds = (performance.now() - baselineBegan) / 1000;
result.baseline.deviceCookies = people.filter((p) => jars.get(p.email)!.get('tq_device')).length;
result.lateBaseline = Date.now() > startAt;

// During the attack: each person at their own moment.
await sleep(Math.max(0, startAt - Date.now()));
const cpu0 = process.cpuUsage();
const began = performance.now();
const deadline = began + capMs;
const latencies: number[] = [];
await Promise.all(
  people.map(async (p, i) => {
    await sleep(delayMs + (arrivalMs * i) / people.length);
    const r = await signIn(p, deadline, 'during');
    result.attack.tried++;
    if (p.leaked) result.attack.leaked++;
    result.attack.retryAfterWaits += r.waits;
    result.attack.waitedSeconds += r.waitedMs / 1000;
    if (r.ok) {
      result.attack.ok++;
      if (p.leaked) result.attack.okLeaked++;
      latencies.push(r.ms);
    } else count(result.attack.failed, r.outcome);
  }),
);
result.attack.latency = summarize(latencies);
await solver.close();
const cpu = process.cpuUsage(cpu0);
result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify(result));
process.exit(0);

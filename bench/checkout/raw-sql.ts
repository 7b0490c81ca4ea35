import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { renderOrderConfirmation } from '../../src/notifications/templates.js';
import { type SignedTicket, ticketRows } from '../../src/tickets/tickets.service.js';
import { Recorder, flags, numberFlag, purchaseFlags, required, sleep } from './common.js';
import * as Q from './raw-statements.js';

/**
 * The reference: the SQL statements one purchase makes the server run (built by the server's own
 * repositories, see raw-statements.ts), in the same order and transaction boundaries,
 * sent by C workers through one plain pg.Pool. No HTTP, no Kysely, no signing, no templates:
 * what is left is the database's own cost plus pg's. Prints its figures as one JSON line.
 */
const f = flags(process.argv.slice(2));
// Every connection gives up on a lock after 2 s, set once at connect, as the server's pool does (platform/database.ts).
const pool = new pg.Pool({ connectionString: required(f, 'url'), max: numberFlag(f, 'pool', 20), options: '-c lock_timeout=2000' });
const { performanceId, categoryIds, gaAreaId, concurrency, warmupMs, durationMs, quantity } = purchaseFlags(f);
const TTL_SECONDS = 600;

const rec = new Recorder();
let statements = 0;
type Conn = pg.Pool | pg.PoolClient;
// Named prepared statements (parsed and planned once per connection), as the server sends them;
// --unprepared sends them unnamed, to show what that costs.
const prepared = !f.has('unprepared');
const names = new Map<string, string>();
const nameOf = (text: string) => {
  if (!names.has(text)) names.set(text, `q${names.size}`);
  return names.get(text)!;
};
async function q<R extends pg.QueryResultRow = any>(c: Conn, text: string, params: unknown[] = []): Promise<R[]> {
  const { rows } = await (prepared && params.length ? c.query<R>({ name: nameOf(text), text, values: params }) : c.query<R>(text, params));
  if (rec.inWindow(performance.now())) statements += 1;
  return rows;
}
/** One of the server's statement builders, compiled to the same text and parameters, sent through pg. */
const run = <R extends pg.QueryResultRow = any>(c: Conn, statement: Parameters<typeof Q.compile>[0]) => {
  const { text, values } = Q.compile(statement);
  return q<R>(c, text, values);
};

class Contended extends Error {}
const RETRYABLE = new Set(['40P01', '40001', '55P03']);

/** withRetry's backoff, on the same errors. */
async function retried<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!(error instanceof Contended || (code !== undefined && RETRYABLE.has(code))) || attempt >= 40) throw error;
    }
    await sleep(Math.min(50, 2 * attempt) * Math.random() + 1);
  }
}

/** Kysely's transaction, and withRetry's backoff (the lock timeout is the connection's, or the statement's own). */
async function transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return retried(async () => {
    const c = await pool.connect();
    try {
      await q(c, 'begin');
      const result = await work(c);
      await q(c, 'commit');
      return result;
    } catch (error) {
      await q(c, 'rollback');
      throw error;
    } finally {
      c.release();
    }
  });
}

let described: unknown;
/** The server keeps the performance description for 10 s; over a 20 s run that is a read or two. */
async function orderPerformance(performance: string) {
  described ??= (await q(pool, Q.ORDER_PERFORMANCE, [performance]))[0];
  return described;
}

/** holds.service.ts claimInOne: one statement; a GA shortfall in one bucket tries several; a real one counts what is left. */
async function createHold(ga: boolean, categoryId: string): Promise<string> {
  const claim = { performanceId, quantity, ttlSeconds: TTL_SECONDS, idempotencyKey: null, requestHash: null };
  return retried(async () => {
    let row: any;
    if (!ga) {
      const window = quantity === 1 ? 1 : Math.min(quantity * 3, quantity + 12);
      [row] = await run(pool, Q.claimBestSeatsSql(claim, categoryId, window));
    } else {
      [row] = await run(pool, Q.claimGaPlacesSql(claim, gaAreaId, 1));
      if (!row.id && quantity > 1) [row] = await run(pool, Q.claimGaPlacesSql(claim, gaAreaId, quantity));
    }
    if (row.status !== 'on_sale' || !row.known || quantity > row.max) throw new Error('performance not sellable');
    if (!row.id) throw new Contended();
    return row.id as string;
  });
}

const buyer = { name: 'Bench Buyer', email: 'bench@example.com', locale: 'es' };

/** orders.service.ts makeOrder: a read, the payment session (made here as a random id), one statement. */
async function createOrder(holdId: string, key: string): Promise<{ id: string }> {
  const [start] = await run(pool, Q.orderStartSql(holdId, key));
  if (start.key_used || !start.performance_id || start.ordered_with || start.status !== 'active' || !start.live) throw new Error('hold not orderable');
  const { seats, ga } = Q.splitItems(start.items ?? []);
  const total = seats.reduce((s, r) => s + r.price, 0) + ga.reduce((s, r) => s + r.price * r.quantity, 0);
  const categoryPrices = Object.fromEntries([...seats, ...ga].map((i) => [i.category_id, i.price]));
  await orderPerformance(start.performance_id);
  const id = randomUUID();
  const sessionId = `ps_${randomBytes(150).toString('base64url')}`;
  const [made] = await run(
    pool,
    Q.insertOrderSql({
      id,
      holdId,
      idempotencyKey: key,
      buyer,
      total,
      currency: 'EUR',
      paymentProvider: 'test',
      categoryPrices,
      customerId: null,
      session: { sessionId, url: `http://127.0.0.1/pay/${sessionId}` },
      record: { storefront: 'web', buildId: 'bench-build', clientBuildId: null, pageClass: null, widgets: null },
      audit: { actor: 'hold_token', data: { holdId, customerId: null } },
    }),
  );
  if (!made.created) throw new Error('order not made');
  return { id };
}

// The confirmation email is rendered once: its size is what the outbox row costs the database.
const email = renderOrderConfirmation({
  orderId: randomUUID(),
  buyerName: buyer.name,
  buyerEmail: buyer.email,
  locale: buyer.locale,
  eventTitle: 'Bench Night',
  venueName: 'Bench Arena',
  startsAt: new Date(),
  total: 4 * 9000,
  currency: 'EUR',
  orderUrl: `http://127.0.0.1/orders/x#access=${randomBytes(32).toString('base64url')}`,
  tickets: Array.from({ length: quantity }, () => ({ id: randomUUID(), label: 'S01 1-1', categoryName: 'Tier 1', price: 9000, currency: 'EUR' })),
});

/** payment.service.ts confirm: BEGIN, lock (with the payment's lock timeout), the sale in one statement, COMMIT. */
async function confirmPayment(orderId: string): Promise<number> {
  return transaction(async (c) => {
    const [order] = await run(c, Q.lockForPaymentSql(orderId, 10_000));
    if (order.status !== 'pending_payment' || order.holdStatus !== 'active') throw new Error('not payable');
    const { seats, ga } = Q.splitItems(order.items);
    // The server's own rows; random codes of the same length stand in for the Ed25519 signing.
    const tickets: SignedTicket[] = ticketRows({ seats, ga }).map((t) => ({ ...t, code: code() }));
    await orderPerformance(order.performance_id);
    await run(
      c,
      Q.completeSaleSql({
        order,
        tokenId: `tid_${randomBytes(16).toString('base64url')}`,
        paymentId: `pay_${randomBytes(32).toString('base64url')}`,
        tickets,
        confirmation: {
          kind: 'order_confirmation',
          recipient: buyer.email,
          locale: 'es',
          subject: email.subject,
          body_text: email.text,
          body_html: email.html,
          status: 'queued',
          order_id: order.id,
        },
      }),
    );
    return tickets.length;
  });
}

/** Same length as a signed ticket code (T1.kid.payload.signature); random, as no signing is done here. */
const code = () => `T1.k1.${randomBytes(32).toString('base64url')}.${randomBytes(64).toString('base64url')}`;

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const began = performance.now();
  const result = await work();
  rec.step(name, began, performance.now());
  return result;
}

async function worker(index: number): Promise<void> {
  for (let n = 0; performance.now() < rec.end; n++) {
    const began = performance.now();
    try {
      const holdId = await timed('hold', () => createHold((index + n) % 2 === 1, categoryIds[index % categoryIds.length]!));
      const order = await timed('order', () => createOrder(holdId, `raw-${process.pid}-${index}-${n}`));
      const tickets = await timed('payment', () => confirmPayment(order.id));
      const ended = performance.now();
      rec.step('purchase', began, ended);
      if (rec.inWindow(ended)) [rec.purchases, rec.tickets] = [rec.purchases + 1, rec.tickets + tickets];
    } catch (error) {
      rec.error(`raw ${(error as Error).message}`, performance.now());
      await sleep(10);
    }
  }
}

const cpuSeconds = rec.measure(warmupMs, durationMs);
await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
const cpu = await cpuSeconds;
await pool.end();
const result = rec.result(durationMs / 1000, cpu);
console.log(JSON.stringify({ ...result, statementsPerPurchase: rec.purchases ? statements / rec.purchases : 0 }));

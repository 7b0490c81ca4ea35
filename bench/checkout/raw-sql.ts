import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { chooseSeats } from '../../src/inventory/seat-selection.js';
import { renderOrderConfirmation } from '../../src/notifications/templates.js';
import { Recorder, flags, numberFlag, purchaseFlags, required, sleep } from './common.js';
import * as Q from './raw-statements.js';

/**
 * The reference: the SQL statements one purchase makes the server run (read from the holds,
 * orders and payment services and repositories), in the same order and transaction boundaries,
 * sent by C workers through one plain pg.Pool. No HTTP, no Kysely, no signing, no templates:
 * what is left is the database's own cost plus pg's. Prints its figures as one JSON line.
 */
const f = flags(process.argv.slice(2));
const pool = new pg.Pool({ connectionString: required(f, 'url'), max: numberFlag(f, 'pool', 20) });
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

class Contended extends Error {}

/** Kysely's transaction plus stockTransaction's SET LOCAL lock_timeout, and withRetry's backoff. */
async function stockTx<T>(work: (c: pg.PoolClient) => Promise<T>, lockTimeoutMs = 2000): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const c = await pool.connect();
    try {
      await q(c, 'begin');
      await q(c, Q.SET_LOCK_TIMEOUT, [`${lockTimeoutMs}ms`]);
      const result = await work(c);
      await q(c, 'commit');
      return result;
    } catch (error) {
      await q(c, 'rollback');
      const code = (error as { code?: string }).code;
      if (!(error instanceof Contended || code === '40P01' || code === '40001' || code === '55P03') || attempt >= 40) throw error;
    } finally {
      c.release();
    }
    await sleep(Math.min(50, 2 * attempt) * Math.random() + 1);
  }
}

async function holdItems(c: Conn, holdId: string) {
  const rows = await q(c, Q.HOLD_ITEMS, [holdId, holdId]);
  return { seats: rows.filter((r) => r.seat_id), ga: rows.filter((r) => !r.seat_id) };
}

let described: unknown;
/** The server keeps the performance description for 10 s; over a 20 s run that is a read or two. */
async function orderPerformance(performance: string) {
  described ??= (await q(pool, Q.ORDER_PERFORMANCE, [performance]))[0];
  return described;
}

async function createHold(ga: boolean, categoryId: string): Promise<string> {
  const [perf] = await q(pool, Q.FIND_PERFORMANCE, [performanceId]);
  if (perf.status !== 'on_sale' || quantity > perf.max_tickets_per_order) throw new Error('performance not sellable');
  if (!ga && !(await q(pool, Q.FIND_CATEGORY, [categoryId, perf.event_id])).length) throw new Error('no category');
  const holdId = await stockTx(async (c) => {
    const [hold] = await q(c, Q.INSERT_HOLD, [performanceId, TTL_SECONDS]);
    if (!ga) {
      const window = quantity === 1 ? 1 : Math.min(quantity * 3, quantity + 12);
      const candidates = await q(c, Q.LOCK_BEST_SEATS, [performanceId, categoryId, window]);
      if (candidates.length < quantity) {
        const [{ n }] = await q(c, Q.COUNT_AVAILABLE, [performanceId, categoryId, 'available']);
        if (Number(n) < quantity) throw new Error('not_enough_inventory');
        throw new Contended();
      }
      const chosen = chooseSeats(candidates, quantity);
      await q(c, Q.markSeatsHeld(chosen.length), ['held', hold.id, performanceId, ...chosen]);
    } else {
      if (!(await q(c, Q.FIND_GA_AREA, [performanceId, gaAreaId])).length) throw new Error('no GA area');
      let remaining = quantity;
      const used: number[] = [];
      while (remaining > 0) {
        const [bucket] = await q(c, Q.LOCK_GA_BUCKET, [performanceId, gaAreaId, used]);
        if (!bucket) {
          const [{ n }] = await q(c, Q.GA_FREE, [performanceId, gaAreaId]);
          if (Number(n) < quantity) throw new Error('not_enough_inventory');
          throw new Contended();
        }
        const take = Math.min(bucket.free, remaining);
        await q(c, Q.TAKE_GA, [take, performanceId, gaAreaId, bucket.bucket]);
        await q(c, Q.INSERT_HOLD_GA, [hold.id, performanceId, gaAreaId, bucket.bucket, take]);
        used.push(bucket.bucket);
        remaining -= take;
      }
    }
    await holdItems(c, hold.id);
    return hold.id as string;
  });
  return holdId;
}

const buyer = { name: 'Bench Buyer', email: 'bench@example.com', locale: 'es' };

async function createOrder(holdId: string, key: string): Promise<{ id: string; performance_id: string }> {
  await q(pool, Q.FIND_ORDER_BY_KEY, [key]);
  const order = await stockTx(async (c) => {
    const [hold] = await q(c, Q.LOCK_HOLD, [holdId]);
    if ((await q(c, Q.ORDER_BY_HOLD, [holdId])).length) throw new Error('hold_already_ordered');
    const { seats, ga } = await holdItems(c, holdId);
    const total = seats.reduce((s, r) => s + r.price, 0) + ga.reduce((s, r) => s + r.price * r.quantity, 0);
    const prices = JSON.stringify(Object.fromEntries([...seats, ...ga].map((i) => [i.category_id, i.price])));
    const [created] = await q(c, Q.INSERT_ORDER, [holdId, hold.performance_id, key, buyer.name, buyer.email, buyer.locale, total, 'EUR', 'test', prices]);
    await q(c, Q.INSERT_CHECKOUT_RECORD, [created.id, buyer.email, 'web', 'bench-build', null]);
    await q(c, Q.INSERT_AUDIT, ['buyer', 'sales.order.created', 'order', created.id, JSON.stringify({ holdId })]);
    return created;
  });
  await orderPerformance(order.performance_id);
  const session = `ps_${randomBytes(150).toString('base64url')}`;
  await q(pool, Q.STORE_SESSION, [session, `http://127.0.0.1/pay/${session}`, order.id]);
  return order;
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

async function confirmPayment(orderId: string): Promise<number> {
  return stockTx(async (c) => {
    const [order] = await q(c, Q.LOCK_ORDER_AND_HOLD, [orderId]);
    if (order.status !== 'pending_payment' || order.holdStatus !== 'active') throw new Error('not payable');
    const tokenId = `tid_${randomBytes(16).toString('base64url')}`;
    await q(c, Q.INSERT_PAYMENT_ATTEMPT, [order.id, tokenId, 'succeeded', null]);
    const { seats, ga } = await holdItems(c, order.hold_id);
    await q(c, Q.SEATS_SOLD, ['sold', order.hold_id, 'held']);
    await q(c, Q.HOLD_CONVERTED, ['converted', order.hold_id]);
    await q(c, Q.ORDER_PAID, ['paid', `pay_${randomBytes(32).toString('base64url')}`, new Date(), order.id]);
    const rows: unknown[][] = [];
    for (const s of seats) rows.push([randomUUID(), order.id, order.performance_id, s.seat_id, null, s.category_id, s.price, code()]);
    for (const g of ga)
      for (let i = 0; i < g.quantity; i++) rows.push([randomUUID(), order.id, order.performance_id, null, g.ga_area_id, g.category_id, g.price, code()]);
    await q(c, Q.insertTickets(rows.length), rows.flat());
    await orderPerformance(order.performance_id);
    await q(c, Q.INSERT_OUTBOX, ['order_confirmation', buyer.email, 'es', email.subject, email.text, email.html, 'queued', order.id]);
    await q(c, Q.INSERT_AUDIT, ['buyer', 'sales.order.paid', 'order', order.id, JSON.stringify({ tickets: rows.length, total: order.total })]);
    await q(c, Q.IS_SOLD_OUT, [order.performance_id]);
    return rows.length;
  }, 10_000);
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

import { sql, type Insertable } from 'kysely';
import type { CheckoutRecordTable } from '../platform/database.types.js';
import type { EventTexts } from '../catalog/event-texts.js';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for orders, their payment attempts and checkout records. */

export function findOrder(db: Db | Tx, id: string) {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOrderByKey(db: Db | Tx, key: string) {
  return db.selectFrom('orders').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

export function lockOrder(tx: Tx, id: string) {
  return tx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Locks an order and its hold in one statement (FOR UPDATE covers both joined rows). */
export function lockOrderAndHold(tx: Tx, id: string) {
  return tx
    .selectFrom('orders')
    .innerJoin('holds', 'holds.id', 'orders.hold_id')
    .selectAll('orders')
    .select(['holds.status as holdStatus', 'holds.expires_at as holdExpiresAt'])
    .where('orders.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** The buyer's details on an order, and the checkout record that names the same buyer. */
export async function updateBuyer(tx: Tx, id: string, buyer: { name: string; email: string; locale: string }): Promise<void> {
  await tx.updateTable('orders').set({ buyer_name: buyer.name, buyer_email: buyer.email, locale: buyer.locale }).where('id', '=', id).execute();
  await tx.updateTable('checkout_records').set({ buyer_email: buyer.email }).where('order_id', '=', id).execute();
}

export function customerOfOrder(tx: Tx, customerId: string) {
  return tx
    .selectFrom('customers')
    .select(['id', 'email'])
    .where('id', '=', customerId)
    .executeTakeFirst()
    .then((c) => c ?? null);
}

/** The payment attempt that paid the order: which token, and when. */
export function succeededAttempt(db: Db | Tx, orderId: string) {
  return db
    .selectFrom('payment_attempts')
    .select(['token_id', 'created_at'])
    .where('order_id', '=', orderId)
    .where('outcome', '=', 'succeeded')
    .executeTakeFirst();
}

export function orderTickets(db: Db | Tx, orderId: string) {
  return db
    .selectFrom('tickets as t')
    .innerJoin('price_categories as c', 'c.id', 't.category_id')
    .leftJoin('seats as s', 's.id', 't.seat_id')
    .leftJoin('ga_areas as a', 'a.id', 't.ga_area_id')
    .select([
      't.id',
      't.code',
      't.status',
      't.price',
      't.checked_in_at',
      't.seat_id',
      't.ga_area_id',
      'c.name as categoryName',
      'c.currency',
      sql<string>`coalesce(s.label, a.name)`.as('label'),
    ])
    .where('t.order_id', '=', orderId)
    .orderBy('t.created_at')
    .orderBy('label')
    .execute();
}

type PerformanceDescription = {
  id: string;
  starts_at: Date;
  eventTitle: string;
  eventSlug: string;
  venueName: string;
  /** The venue's IANA time zone: every date of the performance is shown in it. */
  timeZone: string;
  /** The event's texts per language (see catalog/event-texts.ts): `eventTitle` is the default language's. */
  texts: EventTexts;
};
const described = new Map<string, { at: number; value: PerformanceDescription }>();
const DESCRIPTION_TTL_MS = 10_000;

/**
 * What an order's session description and confirmation email say about its performance. Every
 * purchase needs it twice, and it changes only when an operator edits the event, so it is kept
 * for ten seconds.
 */
export async function orderPerformance(db: Db | Tx, performanceId: string): Promise<PerformanceDescription> {
  const hit = described.get(performanceId);
  if (hit && Date.now() - hit.at < DESCRIPTION_TTL_MS) return hit.value;
  const value = await readPerformance(db, performanceId);
  if (described.size > 1000) described.clear();
  described.set(performanceId, { at: Date.now(), value });
  return value;
}

async function readPerformance(db: Db | Tx, performanceId: string): Promise<PerformanceDescription> {
  const row = await db
    .selectFrom('performances as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .innerJoin('venues as v', 'v.id', 'p.venue_id')
    .select([
      'p.id',
      'p.starts_at',
      'e.title as eventTitle',
      'e.slug as eventSlug',
      'e.description',
      'e.default_language',
      'e.translations',
      'v.name as venueName',
      'v.time_zone as timeZone',
    ])
    .where('p.id', '=', performanceId)
    .executeTakeFirstOrThrow();
  const { description, default_language, translations, ...rest } = row;
  return { ...rest, texts: { title: row.eventTitle, description, default_language, translations } };
}

export async function recordCheckout(tx: Tx, row: Omit<Insertable<CheckoutRecordTable>, 'id' | 'created_at'>): Promise<void> {
  await tx.insertInto('checkout_records').values(row).execute();
}

/**
 * True when the performance has nothing left to sell and nothing in a fan's hold; what staff
 * block is not for sale, so it does not keep a performance on sale (see inventory/sold-out.ts).
 */
export async function isSoldOut(tx: Tx, performanceId: string): Promise<boolean> {
  const { rows } = await sql<{ left: boolean }>`
    SELECT EXISTS (SELECT 1 FROM performance_seats WHERE performance_id = ${performanceId} AND status = 'available')
        OR EXISTS (SELECT 1 FROM ga_stock WHERE performance_id = ${performanceId} AND taken < capacity)
        OR EXISTS (SELECT 1 FROM holds WHERE performance_id = ${performanceId} AND status = 'active' AND purpose = 'sale') AS left`.execute(tx);
  return !rows[0]!.left;
}

export function searchOrders(db: Db, filter: { email?: string; performanceId?: string; status?: string; limit: number; offset: number }) {
  let query = db.selectFrom('orders').select(['id', 'status', 'buyer_name', 'buyer_email', 'total', 'currency', 'performance_id', 'created_at', 'paid_at']);
  if (filter.email) query = query.where(sql`lower(buyer_email)`, '=', filter.email.toLowerCase());
  if (filter.performanceId) query = query.where('performance_id', '=', filter.performanceId);
  if (filter.status) query = query.where('status', '=', filter.status as never);
  return query.orderBy('created_at', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

import { sql, type Insertable } from 'kysely';
import type { CheckoutRecordTable, HoldStatus } from '../platform/database.types.js';
import { holdItemsSql, splitItems, type HeldGa, type HeldSeat, type HoldItemRow } from '../inventory/holds.repository.js';
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

export function searchOrders(db: Db, filter: { email?: string; performanceId?: string; status?: string; limit: number; offset: number }) {
  let query = db.selectFrom('orders').select(['id', 'status', 'buyer_name', 'buyer_email', 'total', 'currency', 'performance_id', 'created_at', 'paid_at']);
  if (filter.email) query = query.where(sql`lower(buyer_email)`, '=', filter.email.toLowerCase());
  if (filter.performanceId) query = query.where('performance_id', '=', filter.performanceId);
  if (filter.status) query = query.where('status', '=', filter.status as never);
  return query.orderBy('created_at', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

/** What an online order needs to know before it is made, read in one statement (see `orderStart`). */
export interface OrderStart {
  /** An order already made with this Idempotency-Key. */
  keyUsed: boolean;
  hold: { performance_id: string; status: HoldStatus; live: boolean } | null;
  /** The key of an order already made from this hold. */
  holdOrderedWith: string | null;
  items: { seats: HeldSeat[]; ga: HeldGa[] };
  /** The event's per-customer ticket limit, if it has one. */
  customerLimit: number | null;
}

/** The statement of `orderStart`, also sent as it is by the checkout bench's raw SQL reference. */
export function orderStartSql(holdId: string, key: string) {
  return sql<{
    key_used: boolean;
    performance_id: string | null;
    status: HoldStatus | null;
    live: boolean | null;
    ordered_with: string | null;
    items: HoldItemRow[] | null;
    customer_limit: number | null;
  }>`
    SELECT EXISTS (SELECT 1 FROM orders WHERE idempotency_key = ${key}) AS key_used,
      h.performance_id, h.status, h.expires_at > now() AS live,
      (SELECT idempotency_key FROM orders WHERE hold_id = h.id) AS ordered_with,
      (SELECT json_agg(i ORDER BY i.sort) FROM (${holdItemsSql(sql`h.id`)}) i) AS items,
      (SELECT e.max_tickets_per_customer FROM performances p JOIN events e ON e.id = p.event_id WHERE p.id = h.performance_id) AS customer_limit
    FROM (SELECT 1) AS one LEFT JOIN holds h ON h.id = ${holdId}`;
}

/**
 * Everything an online order reads before it is made, in one statement and no lock: whether the
 * key was used, the hold, an order already made from it, its items with their prices now, and the
 * event's per-customer limit. `insertOrder` then checks under the hold's lock what can have moved.
 */
export async function orderStart(db: Db, holdId: string, key: string): Promise<OrderStart> {
  const { rows } = await orderStartSql(holdId, key).execute(db);
  const row = rows[0]!;
  return {
    keyUsed: row.key_used,
    hold: row.performance_id ? { performance_id: row.performance_id, status: row.status!, live: row.live! } : null,
    holdOrderedWith: row.ordered_with,
    items: splitItems(row.items ?? []),
    customerLimit: row.customer_limit,
  };
}

export interface NewOnlineOrder {
  id: string;
  holdId: string;
  idempotencyKey: string;
  buyer: { name: string; email: string; locale: string };
  total: number;
  currency: string;
  paymentProvider: string;
  /** categoryId -> price the order is made at; the order is made only if the hold's items cost that now. */
  categoryPrices: Record<string, number>;
  customerId: string | null;
  session: { sessionId: string; url: string };
  record: { storefront: string; buildId: string; clientBuildId: string | null; pageClass: string | null; widgets: string[] | null };
  audit: { actor: string; data: Record<string, unknown> };
}

/** The statement of `insertOrder`, also sent as it is by the checkout bench's raw SQL reference. */
export function insertOrderSql(o: NewOnlineOrder) {
  return sql<{ held: boolean; created: boolean }>`
    WITH h AS (
      SELECT id, performance_id FROM holds WHERE id = ${o.holdId} AND status = 'active' AND expires_at > now() FOR UPDATE
    ), priced AS (
      SELECT h.id, h.performance_id FROM h
      WHERE (SELECT jsonb_object_agg(i.category_id, i.price) FROM (${holdItemsSql(sql`h.id`)}) i) = ${JSON.stringify(o.categoryPrices)}::jsonb
    ), made AS (
      INSERT INTO orders (id, hold_id, performance_id, idempotency_key, buyer_name, buyer_email, locale, total, currency,
        payment_provider, category_prices, customer_id, payment_session_id, payment_session_url)
      SELECT ${o.id}, id, performance_id, ${o.idempotencyKey}, ${o.buyer.name}, ${o.buyer.email}, ${o.buyer.locale}, ${o.total}, ${o.currency},
        ${o.paymentProvider}, ${JSON.stringify(o.categoryPrices)}::jsonb, ${o.customerId}::uuid, ${o.session.sessionId}, ${o.session.url}
      FROM priced
      RETURNING id
    ), recorded AS (
      INSERT INTO checkout_records (order_id, buyer_email, storefront, build_id, client_build_id, page_class, widgets)
      SELECT id, ${o.buyer.email}, ${o.record.storefront}, ${o.record.buildId}, ${o.record.clientBuildId}, ${o.record.pageClass}, ${o.record.widgets}::text[]
      FROM made
    ), audited AS (
      INSERT INTO audit_log (actor, action, subject_type, subject_id, data)
      SELECT ${o.audit.actor}, 'sales.order.created', 'order', id::text, ${JSON.stringify(o.audit.data)}::jsonb FROM made
    )
    SELECT EXISTS (SELECT 1 FROM h) AS held, EXISTS (SELECT 1 FROM made) AS created`;
}

/**
 * Makes an online order in one statement: locks the hold while it is active and unexpired, and,
 * if its items still cost what the order was priced at, inserts the order with its payment
 * session, the checkout record and the audit entry. A second order for the hold, or a second use
 * of the key, fails on the unique columns. Answers 'created', 'hold_ended' (not active, expired,
 * or gone) or 'repriced' (a price changed since the order was priced).
 */
export async function insertOrder(db: Db, o: NewOnlineOrder): Promise<'created' | 'hold_ended' | 'repriced'> {
  const { rows } = await insertOrderSql(o).execute(db);
  const row = rows[0]!;
  return row.created ? 'created' : row.held ? 'repriced' : 'hold_ended';
}

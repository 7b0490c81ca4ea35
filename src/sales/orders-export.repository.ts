import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, OrderChannel, OrderStatus } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/**
 * SQL for the operator's order list and the CSV exports. Both read orders by (created_at, id),
 * which orders_created and orders_performance_created index (migration 019): a page or an export
 * batch starts where the last ended (keyset), so page 2,000 costs what page 1 does.
 */

export interface OrderFilter {
  email?: string;
  performanceId?: string;
  status?: OrderStatus;
  channel?: OrderChannel;
  /** Which date `from` and `to` bound: when the order was made (default) or paid. */
  dateField?: 'created' | 'paid';
  from?: string;
  to?: string;
}

/** A position in the (created_at, id) order: the microseconds since the epoch, and the id. */
export interface OrderCursor {
  micros: string;
  id: string;
}

export const encodeCursor = (c: OrderCursor): string => `${c.micros}.${c.id}`;
export function decodeCursor(text: string): OrderCursor | null {
  const m = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(text);
  return m ? { micros: m[1]!, id: m[2]!.toLowerCase() } : null;
}

// Whole microseconds: a JavaScript Date would cut created_at to milliseconds and skip rows.
const micros = sql<string>`(extract(epoch FROM o.created_at) * 1000000)::bigint::text`;
const atMicros = (c: OrderCursor) => sql`(timestamptz 'epoch' + ${c.micros}::bigint * interval '1 microsecond')`;

function filtered<O>(query: SelectQueryBuilder<Database & { o: Database['orders'] }, 'o', O>, f: OrderFilter) {
  let q = query;
  if (f.email) q = q.where(sql`lower(o.buyer_email)`, '=', f.email.toLowerCase());
  if (f.performanceId) q = q.where('o.performance_id', '=', f.performanceId);
  if (f.status) q = q.where('o.status', '=', f.status);
  if (f.channel) q = q.where('o.channel', '=', f.channel);
  const column = f.dateField === 'paid' ? 'o.paid_at' : 'o.created_at';
  if (f.from) q = q.where(column, '>=', new Date(f.from));
  if (f.to) q = q.where(column, '<', new Date(f.to));
  return q;
}

const orderColumns = [
  'o.id',
  'o.status',
  'o.buyer_name',
  'o.buyer_email',
  'o.locale',
  'o.total',
  'o.currency',
  'o.performance_id',
  'o.created_at',
  'o.paid_at',
  'o.closed_at',
  'o.channel',
  'o.payment_method',
] as const;

/** One page of the list, newest first, after `before` (the last row of the previous page). */
export function listOrdersPage(db: Db, f: OrderFilter, page: { limit: number; offset: number; before?: OrderCursor }) {
  let q = filtered(db.selectFrom('orders as o'), f).select([...orderColumns, micros.as('micros')]);
  if (page.before) q = q.where(sql<boolean>`(o.created_at, o.id) < (${atMicros(page.before)}, ${page.before.id}::uuid)`);
  return q
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(page.limit)
    .offset(page.before ? 0 : page.offset)
    .execute();
}

export async function countOrders(db: Db | Tx, f: OrderFilter): Promise<number> {
  const row = await filtered(db.selectFrom('orders as o'), f).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

/** A batch of the export, oldest first, after `after`; with the tickets each order holds and their places. */
export function exportOrdersBatch(tx: Tx, f: OrderFilter, after: OrderCursor | null, limit: number) {
  let q = filtered(tx.selectFrom('orders as o'), f)
    .innerJoin('performances as p', 'p.id', 'o.performance_id')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .select([
      ...orderColumns,
      micros.as('micros'),
      'p.starts_at',
      'e.title as event_title',
      sql<number>`(SELECT count(*) FROM tickets t WHERE t.order_id = o.id AND t.status = 'valid')::int`.as('valid_tickets'),
    ]);
  if (after) q = q.where(sql<boolean>`(o.created_at, o.id) > (${atMicros(after)}, ${after.id}::uuid)`);
  return q.orderBy('o.created_at').orderBy('o.id').limit(limit).execute();
}

export async function countAttendees(tx: Tx, performanceId: string): Promise<number> {
  const row = await tx
    .selectFrom('tickets as t')
    .innerJoin('orders as o', 'o.id', 't.order_id')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('t.performance_id', '=', performanceId)
    .where('t.status', '=', 'valid')
    .where('o.status', '=', 'paid')
    .executeTakeFirstOrThrow();
  return row.n;
}

/** A batch of a performance's valid tickets of paid orders, in the order they were issued, after `after`. */
export function attendeesBatch(tx: Tx, performanceId: string, after: OrderCursor | null, limit: number) {
  let q = tx
    .selectFrom('tickets as t')
    .innerJoin('orders as o', 'o.id', 't.order_id')
    .innerJoin('price_categories as c', 'c.id', 't.category_id')
    .leftJoin('seats as s', 's.id', 't.seat_id')
    .leftJoin('ga_areas as a', 'a.id', 't.ga_area_id')
    .select([
      't.id',
      't.order_id',
      't.status',
      't.checked_in_at',
      'o.buyer_name',
      'o.buyer_email',
      'o.channel',
      'c.name as category',
      's.section',
      's.row_label',
      's.number',
      'a.name as area',
      sql<string>`(extract(epoch FROM t.created_at) * 1000000)::bigint::text`.as('micros'),
    ])
    .where('t.performance_id', '=', performanceId)
    .where('t.status', '=', 'valid')
    .where('o.status', '=', 'paid');
  if (after) q = q.where(sql<boolean>`(t.created_at, t.id) > (${atMicros(after)}, ${after.id}::uuid)`);
  return q.orderBy('t.created_at').orderBy('t.id').limit(limit).execute();
}

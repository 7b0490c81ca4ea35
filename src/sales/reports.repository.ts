import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';

/**
 * SQL for the sales reports. A ticket counts as sold while it is valid and its order is paid; a
 * complimentary order (channel `comp`) counts apart and brings no revenue, whatever its tickets'
 * list price. Revenue is the tickets' price (the price the order was charged for them), so a
 * ticket refunded on its own leaves the report with its money.
 */

const sold = (performanceIds: string[]) => sql`
  SELECT t.performance_id, t.category_id, t.order_id, o.channel, o.payment_method, o.currency,
         CASE WHEN o.channel = 'comp' THEN 0 ELSE t.price END AS amount
  FROM tickets t JOIN orders o ON o.id = t.order_id
  WHERE t.performance_id = ANY(${performanceIds}::uuid[]) AND t.status = 'valid' AND o.status = 'paid'`;

export interface CategoryRow {
  id: string;
  name: string;
  currency: string;
  price: number;
  tickets: number;
  revenue: number;
  comps: number;
}

/** Every price category of the event, sold or not, in the event's order. */
export async function salesByCategory(db: Db, eventId: string, performanceIds: string[]): Promise<CategoryRow[]> {
  const { rows } = await sql<CategoryRow>`
    WITH sold AS (${sold(performanceIds)})
    SELECT c.id, c.name, c.currency, c.price,
           (count(s.order_id) FILTER (WHERE s.channel <> 'comp'))::int AS tickets,
           coalesce(sum(s.amount), 0)::int AS revenue,
           (count(s.order_id) FILTER (WHERE s.channel = 'comp'))::int AS comps
    FROM price_categories c LEFT JOIN sold s ON s.category_id = c.id
    WHERE c.event_id = ${eventId}
    GROUP BY c.id ORDER BY c.sort, c.name`.execute(db);
  return rows;
}

export interface ChannelRow {
  channel: string;
  payment_method: string;
  orders: number;
  tickets: number;
  revenue: number;
  currency: string | null;
}

/** Paid orders by where they were made and how they were paid (a comp is channel `comp`, method `none`). */
export async function salesByChannel(db: Db, performanceIds: string[]): Promise<ChannelRow[]> {
  const { rows } = await sql<ChannelRow>`
    WITH sold AS (${sold(performanceIds)})
    SELECT channel, payment_method, count(DISTINCT order_id)::int AS orders, count(*)::int AS tickets,
           coalesce(sum(amount), 0)::int AS revenue, max(currency) AS currency
    FROM sold GROUP BY channel, payment_method ORDER BY channel, payment_method`.execute(db);
  return rows;
}

export interface PerformanceRow {
  id: string;
  starts_at: Date;
  status: string;
  archived_at: Date | null;
  tickets: number;
  revenue: number;
  comps: number;
}

/** Per performance of an event: sold tickets, revenue and comps. */
export async function salesByPerformance(db: Db, eventId: string, performanceIds: string[]): Promise<PerformanceRow[]> {
  const { rows } = await sql<PerformanceRow>`
    SELECT p.id, p.starts_at, p.status, p.archived_at,
           (count(s.order_id) FILTER (WHERE s.channel <> 'comp'))::int AS tickets,
           coalesce(sum(s.amount), 0)::int AS revenue,
           (count(s.order_id) FILTER (WHERE s.channel = 'comp'))::int AS comps
    FROM performances p
    LEFT JOIN (${sold(performanceIds)}) s ON s.performance_id = p.id
    WHERE p.event_id = ${eventId}
    GROUP BY p.id ORDER BY p.starts_at, p.id`.execute(db);
  return rows;
}

export function performanceOf(db: Db, id: string) {
  return db.selectFrom('performances').select(['id', 'event_id', 'starts_at', 'status']).where('id', '=', id).executeTakeFirst();
}

export function eventPerformanceIds(db: Db, eventId: string) {
  return db.selectFrom('performances').select('id').where('event_id', '=', eventId).execute();
}

export function eventOf(db: Db, id: string) {
  return db.selectFrom('events').select(['id', 'title']).where('id', '=', id).executeTakeFirst();
}

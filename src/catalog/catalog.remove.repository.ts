import { sql } from 'kysely';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for deleting, archiving and cancelling venues, events and performances. */

export interface Trace {
  orders: number;
  paid: number;
  activeHolds: number;
}

/** What has been sold or is held for these performances: any order at all, the paid ones, and the holds still running. */
export async function traceOf(db: Db | Tx, performanceIds: string[]): Promise<Trace> {
  if (!performanceIds.length) return { orders: 0, paid: 0, activeHolds: 0 };
  const { rows } = await sql<Trace>`
    SELECT (SELECT count(*) FROM orders WHERE performance_id = ANY(${performanceIds}::uuid[]))::int AS orders,
           (SELECT count(*) FROM orders WHERE performance_id = ANY(${performanceIds}::uuid[]) AND status = 'paid')::int AS paid,
           (SELECT count(*) FROM holds WHERE performance_id = ANY(${performanceIds}::uuid[]) AND status = 'active')::int AS "activeHolds"`.execute(db);
  return rows[0]!;
}

export function lockPerformanceRow(tx: Tx, id: string) {
  return tx.selectFrom('performances').select(['id', 'event_id', 'venue_id', 'status', 'archived_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function lockEventRow(tx: Tx, id: string) {
  return tx.selectFrom('events').select(['id', 'slug', 'archived_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function lockVenueRow(tx: Tx, id: string) {
  return tx.selectFrom('venues').select(['id', 'name', 'archived_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The event's or venue's performances, locked (a sale cannot open on one while it is removed). */
export function lockPerformancesOf(tx: Tx, where: { eventId?: string; venueId?: string }) {
  let q = tx.selectFrom('performances').select(['id', 'status', 'archived_at']);
  if (where.eventId) q = q.where('event_id', '=', where.eventId);
  if (where.venueId) q = q.where('venue_id', '=', where.venueId);
  return q.orderBy('id').forUpdate().execute();
}

/**
 * Deletes performances with no order: their ended holds first (holds do not cascade), then the
 * performances, whose stock, GA areas and waiting room go with them.
 */
export async function deletePerformances(tx: Tx, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await sql`DELETE FROM hold_ga_items WHERE hold_id IN (SELECT id FROM holds WHERE performance_id = ANY(${ids}::uuid[]))`.execute(tx);
  await sql`UPDATE performance_seats SET hold_id = NULL, status = 'available' WHERE performance_id = ANY(${ids}::uuid[]) AND hold_id IS NOT NULL`.execute(tx);
  await sql`DELETE FROM holds WHERE performance_id = ANY(${ids}::uuid[])`.execute(tx);
  await sql`UPDATE waiting_rooms SET moved_to = NULL WHERE moved_to = ANY(${ids}::uuid[])`.execute(tx);
  await sql`UPDATE waiting_rooms SET moving_to = NULL WHERE moving_to = ANY(${ids}::uuid[])`.execute(tx);
  await tx.deleteFrom('performances').where('id', 'in', ids).execute();
}

export async function setArchived(tx: Tx, table: 'venues' | 'events' | 'performances', id: string, at: Date | null): Promise<void> {
  await tx.updateTable(table).set({ archived_at: at }).where('id', '=', id).execute();
}

export function activeHolds(tx: Tx, performanceId: string) {
  return tx.selectFrom('holds').select('id').where('performance_id', '=', performanceId).where('status', '=', 'active').orderBy('id').execute();
}

export function paidOrders(db: Db, performanceId: string) {
  return db
    .selectFrom('orders')
    .select(['id', 'total'])
    .where('performance_id', '=', performanceId)
    .where('status', '=', 'paid')
    .orderBy('created_at')
    .execute();
}

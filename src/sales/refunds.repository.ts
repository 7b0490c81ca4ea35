import { type Insertable, sql } from 'kysely';
import type { EventTranslations, RefundTable } from '../platform/database.types.js';
import { resolveLocale } from '../notifications/templates.js';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for refunds, and for putting single tickets' places back on sale. Stock writes run in a stock transaction. */

export interface RefundRow {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  ticket_ids: string[];
  provider_refund_id: string | null;
  actor: string;
  reason: string | null;
  created_at: Date;
}

const columns = ['id', 'order_id', 'amount', 'currency', 'ticket_ids', 'provider_refund_id', 'actor', 'reason', 'created_at'] as const;

export function insertRefund(tx: Tx, row: Omit<Insertable<RefundTable>, 'id' | 'created_at'>): Promise<RefundRow> {
  return tx.insertInto('refunds').values(row).returning(columns).executeTakeFirstOrThrow();
}

export function findRefundByKey(db: Db | Tx, orderId: string, key: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').select(columns).where('order_id', '=', orderId).where('idempotency_key', '=', key).executeTakeFirst();
}

export function listRefunds(db: Db | Tx, orderId: string): Promise<RefundRow[]> {
  return db.selectFrom('refunds').select(columns).where('order_id', '=', orderId).orderBy('created_at').orderBy('id').execute();
}

/** Voids the named tickets of the order that are still valid; answers the ids it voided. */
export async function voidTicketsById(tx: Tx, orderId: string, ticketIds: string[]): Promise<string[]> {
  const rows = await tx
    .updateTable('tickets')
    .set({ status: 'void' })
    .where('order_id', '=', orderId)
    .where('id', 'in', ticketIds)
    .where('status', '=', 'valid')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Puts sold seats of the order's hold back on sale, in seat id order (the order buyers lock them in). */
export async function releaseSoldSeats(tx: Tx, performanceId: string, holdId: string, seatIds: string[]): Promise<number> {
  if (seatIds.length === 0) return 0;
  const { rows } = await sql<{ seat_id: string }>`
    UPDATE performance_seats SET status = 'available', hold_id = NULL
    WHERE (performance_id, seat_id) IN (
      SELECT performance_id, seat_id FROM performance_seats
      WHERE performance_id = ${performanceId} AND hold_id = ${holdId} AND status = 'sold' AND seat_id = ANY(${seatIds}::uuid[])
      ORDER BY seat_id FOR UPDATE)
    RETURNING seat_id`.execute(tx);
  return rows.length;
}

/**
 * Gives `quantity` GA places of one area back to the buckets the order's hold took them from:
 * each bucket's `taken` goes down by what is returned to it, and the hold's item shrinks (or goes)
 * so that refunding the rest of the order later returns only what is still sold.
 */
export async function releaseGaPlaces(tx: Tx, holdId: string, gaAreaId: string, quantity: number): Promise<number> {
  const items = await tx
    .selectFrom('hold_ga_items')
    .select(['performance_id', 'bucket', 'quantity'])
    .where('hold_id', '=', holdId)
    .where('ga_area_id', '=', gaAreaId)
    .orderBy('bucket')
    .forUpdate()
    .execute();
  let left = quantity;
  for (const item of items) {
    if (left === 0) break;
    const n = Math.min(left, item.quantity);
    await tx
      .updateTable('ga_stock')
      .set((eb) => ({ taken: eb('taken', '-', n) }))
      .where('performance_id', '=', item.performance_id)
      .where('ga_area_id', '=', gaAreaId)
      .where('bucket', '=', item.bucket)
      .execute();
    // quantity > 0 is a CHECK: an item given back whole is deleted.
    if (n === item.quantity)
      await tx.deleteFrom('hold_ga_items').where('hold_id', '=', holdId).where('ga_area_id', '=', gaAreaId).where('bucket', '=', item.bucket).execute();
    else
      await tx
        .updateTable('hold_ga_items')
        .set((eb) => ({ quantity: eb('quantity', '-', n) }))
        .where('hold_id', '=', holdId)
        .where('ga_area_id', '=', gaAreaId)
        .where('bucket', '=', item.bucket)
        .execute();
    left -= n;
  }
  return quantity - left;
}

/** What a refund or cancellation email says about the performance: the event's title in the buyer's language, the venue and its zone. */
export async function describeForBuyer(db: Db | Tx, performanceId: string, locale: string) {
  const row = await db
    .selectFrom('performances as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .innerJoin('venues as v', 'v.id', 'p.venue_id')
    .select(['p.starts_at', 'e.title', 'e.translations', 'v.name as venueName', 'v.time_zone'])
    .where('p.id', '=', performanceId)
    .executeTakeFirstOrThrow();
  const translated = (row.translations as EventTranslations | null)?.[resolveLocale(locale)]?.title;
  return { eventTitle: translated || row.title, venueName: row.venueName, startsAt: row.starts_at, timeZone: row.time_zone };
}

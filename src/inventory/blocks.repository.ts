import { sql } from 'kysely';
import type { BlockKind, HoldPurpose } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for the stock staff take: blocks, and the holds comps and counter sales are made from. */

export interface NewStaffHold {
  performanceId: string;
  purpose: Exclude<HoldPurpose, 'sale'>;
  kind: BlockKind | null;
  note: string | null;
  createdBy: string;
  quantity: number;
  idempotencyKey: string | null;
  requestHash: string | null;
}

/** A block never expires (its expiry is infinity); a comp's or counter sale's hold is converted before it could. */
export async function insertStaffHold(tx: Tx, hold: NewStaffHold): Promise<{ id: string; created_at: Date }> {
  return tx
    .insertInto('holds')
    .values({
      performance_id: hold.performanceId,
      purpose: hold.purpose,
      block_kind: hold.kind,
      note: hold.note,
      created_by: hold.createdBy,
      expires_at: (hold.purpose === 'block' ? sql<Date>`'infinity'::timestamptz` : sql<Date>`now() + interval '5 minutes'`) as never,
      quantity: hold.quantity,
      idempotency_key: hold.idempotencyKey,
      request_hash: hold.requestHash,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

export interface LockedSeat {
  seat_id: string;
  status: 'available' | 'held' | 'sold';
  hold_id: string | null;
  label: string;
  /** The purpose of the hold the seat is in, if any. */
  purpose: HoldPurpose | null;
}

/** Locks the named seats in seat id order (as fans' holds do), with their label and whose hold they are in. */
export async function lockSeatsWithOwner(tx: Tx, performanceId: string, seatIds: string[]): Promise<LockedSeat[]> {
  const { rows } = await sql<LockedSeat>`
    SELECT ps.seat_id, ps.status, ps.hold_id, s.label, h.purpose
    FROM performance_seats ps JOIN seats s ON s.id = ps.seat_id LEFT JOIN holds h ON h.id = ps.hold_id
    WHERE ps.performance_id = ${performanceId} AND ps.seat_id = ANY(${seatIds}::uuid[])
    ORDER BY ps.seat_id
    FOR UPDATE OF ps`.execute(tx);
  return rows;
}

/** Locks the seats still in a block, in seat id order. */
export async function lockBlockSeats(tx: Tx, blockId: string): Promise<string[]> {
  const { rows } = await sql<{ seat_id: string }>`
    SELECT seat_id FROM performance_seats WHERE hold_id = ${blockId} ORDER BY seat_id FOR UPDATE`.execute(tx);
  return rows.map((r) => r.seat_id);
}

export async function moveSeats(tx: Tx, performanceId: string, seatIds: string[], holdId: string): Promise<void> {
  if (seatIds.length === 0) return;
  await tx
    .updateTable('performance_seats')
    .set({ status: 'held', hold_id: holdId })
    .where('performance_id', '=', performanceId)
    .where('seat_id', 'in', seatIds)
    .execute();
}

export async function freeSeats(tx: Tx, performanceId: string, seatIds: string[], blockId: string): Promise<number> {
  if (seatIds.length === 0) return 0;
  const result = await tx
    .updateTable('performance_seats')
    .set({ status: 'available', hold_id: null })
    .where('performance_id', '=', performanceId)
    .where('seat_id', 'in', seatIds)
    .where('hold_id', '=', blockId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Locks active blocks of the performance, in id order (after the seats: the order every writer keeps). */
export async function lockBlocks(tx: Tx, performanceId: string, blockIds: string[]) {
  if (blockIds.length === 0) return [];
  return tx
    .selectFrom('holds')
    .select(['id', 'status'])
    .where('id', 'in', blockIds)
    .where('performance_id', '=', performanceId)
    .where('purpose', '=', 'block')
    .where('status', '=', 'active')
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** A hold's GA places in one area, per bucket. */
export function gaItems(db: Db | Tx, holdId: string, gaAreaId: string) {
  return db
    .selectFrom('hold_ga_items')
    .select(['bucket', 'quantity'])
    .where('hold_id', '=', holdId)
    .where('ga_area_id', '=', gaAreaId)
    .orderBy('bucket')
    .execute();
}

/** Adds places of a bucket to a hold (a hold may get places of one bucket twice: from stock and from a block). */
export async function addGa(tx: Tx, holdId: string, performanceId: string, gaAreaId: string, bucket: number, quantity: number): Promise<void> {
  await sql`
    INSERT INTO hold_ga_items (hold_id, performance_id, ga_area_id, bucket, quantity)
    VALUES (${holdId}, ${performanceId}, ${gaAreaId}, ${bucket}, ${quantity})
    ON CONFLICT (hold_id, ga_area_id, bucket) DO UPDATE SET quantity = hold_ga_items.quantity + excluded.quantity`.execute(tx);
}

/** Takes places of a bucket out of a hold; the row goes when none are left (a row never holds 0). */
export async function removeGa(tx: Tx, holdId: string, gaAreaId: string, bucket: number, quantity: number): Promise<void> {
  const deleted = await sql`
    DELETE FROM hold_ga_items WHERE hold_id = ${holdId} AND ga_area_id = ${gaAreaId} AND bucket = ${bucket} AND quantity = ${quantity}`.execute(tx);
  if (Number(deleted.numAffectedRows ?? 0n) > 0) return;
  await sql`
    UPDATE hold_ga_items SET quantity = quantity - ${quantity}
    WHERE hold_id = ${holdId} AND ga_area_id = ${gaAreaId} AND bucket = ${bucket}`.execute(tx);
}

/** Gives places back to their bucket's stock. */
export async function returnGa(tx: Tx, performanceId: string, gaAreaId: string, bucket: number, quantity: number): Promise<void> {
  await tx
    .updateTable('ga_stock')
    .set((eb) => ({ taken: eb('taken', '-', quantity) }))
    .where('performance_id', '=', performanceId)
    .where('ga_area_id', '=', gaAreaId)
    .where('bucket', '=', bucket)
    .execute();
}

/** A block's count follows what is left in it; an empty block is released. Its row is locked by the caller. */
export async function settleBlock(tx: Tx, blockId: string): Promise<void> {
  await sql`
    UPDATE holds SET quantity = q.n, status = CASE WHEN q.n = 0 THEN 'released' ELSE status END
    FROM (SELECT (SELECT count(*) FROM performance_seats WHERE hold_id = ${blockId})
               + (SELECT coalesce(sum(quantity), 0) FROM hold_ga_items WHERE hold_id = ${blockId}) AS n) q
    WHERE id = ${blockId} AND status = 'active'`.execute(tx);
}

export async function activeBlocks(db: Db | Tx, performanceId: string) {
  return db
    .selectFrom('holds')
    .select(['id', 'block_kind', 'note', 'created_by', 'created_at', 'quantity'])
    .where('performance_id', '=', performanceId)
    .where('purpose', '=', 'block')
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The seats and GA places of some blocks, for the list. */
export async function blockContents(db: Db | Tx, blockIds: string[]) {
  if (blockIds.length === 0) return { seats: [], ga: [] };
  const [seats, ga] = await Promise.all([
    db
      .selectFrom('performance_seats as ps')
      .innerJoin('seats as s', 's.id', 'ps.seat_id')
      .select(['ps.hold_id', 's.id', 's.label', 's.section', 's.row_label as row', 's.number', 'ps.category_id as categoryId'])
      .where('ps.hold_id', 'in', blockIds)
      .orderBy('s.section')
      .orderBy('s.row_label')
      .orderBy('s.number')
      .execute(),
    db
      .selectFrom('hold_ga_items as h')
      .innerJoin('ga_areas as a', 'a.id', 'h.ga_area_id')
      .select(['h.hold_id', 'h.ga_area_id as gaAreaId', 'a.name', sql<number>`sum(h.quantity)::int`.as('quantity')])
      .where('h.hold_id', 'in', blockIds)
      .groupBy(['h.hold_id', 'h.ga_area_id', 'a.name'])
      .orderBy('a.name')
      .execute(),
  ]);
  return { seats, ga };
}

import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for holds and the stock rows they claim. Every function here runs in a stock transaction. */

export interface NewHold {
  performanceId: string;
  ttlSeconds: number;
  quantity: number;
  admissionId: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export async function insertHold(tx: Tx, hold: NewHold): Promise<{ id: string; expires_at: Date }> {
  return tx
    .insertInto('holds')
    .values({
      performance_id: hold.performanceId,
      expires_at: sql<Date>`now() + make_interval(secs => ${hold.ttlSeconds})` as never,
      quantity: hold.quantity,
      admission_id: hold.admissionId,
      idempotency_key: hold.idempotencyKey,
      request_hash: hold.requestHash,
    })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
}

/** The hold an Idempotency-Key created, if any. */
export function findHoldByKey(db: Db | Tx, key: string) {
  return db.selectFrom('holds').select(['id', 'performance_id', 'request_hash', 'admission_id']).where('idempotency_key', '=', key).executeTakeFirst();
}

/**
 * Serialises the holds of one admission for the rest of the transaction, so two holds made at once
 * with the same access token cannot both pass the count below.
 */
export async function lockAdmission(tx: Tx, admissionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`admission:${admissionId}`}, 0))`.execute(tx);
}

/** Tickets in the admission's live holds (active and not past their expiry). */
export async function admissionHolding(tx: Tx, admissionId: string): Promise<number> {
  const row = await tx
    .selectFrom('holds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('quantity'), sql<number>`0`).as('n'))
    .where('admission_id', '=', admissionId)
    .where('status', '=', 'active')
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CandidateSeat {
  seat_id: string;
  rank: number;
  section: string;
  row_label: string;
  number: number;
}

/**
 * Locks up to `window` of the best available seats of a category, skipping rows other buyers hold
 * locks on; walks the partial index of available seats, so taken seats cost nothing.
 */
export async function lockBestSeats(tx: Tx, performanceId: string, categoryId: string, window: number): Promise<CandidateSeat[]> {
  const { rows } = await sql<CandidateSeat>`
    SELECT ps.seat_id, ps.rank, s.section, s.row_label, s.number
    FROM performance_seats ps JOIN seats s ON s.id = ps.seat_id
    WHERE ps.performance_id = ${performanceId} AND ps.category_id = ${categoryId} AND ps.status = 'available'
    ORDER BY ps.rank
    LIMIT ${window}
    FOR UPDATE OF ps SKIP LOCKED`.execute(tx);
  return rows;
}

/** Locks the named seats in a fixed order (by seat id), waiting for them, so buyers never deadlock. */
export async function lockSeats(tx: Tx, performanceId: string, seatIds: string[]) {
  return tx
    .selectFrom('performance_seats')
    .select(['seat_id', 'status', 'category_id'])
    .where('performance_id', '=', performanceId)
    .where('seat_id', 'in', seatIds)
    .orderBy('seat_id')
    .forUpdate()
    .execute();
}

export async function markSeatsHeld(tx: Tx, performanceId: string, seatIds: string[], holdId: string): Promise<void> {
  await tx
    .updateTable('performance_seats')
    .set({ status: 'held', hold_id: holdId })
    .where('performance_id', '=', performanceId)
    .where('seat_id', 'in', seatIds)
    .execute();
}

/** Committed count of available seats; counts rows others have locked but not yet taken. */
export async function countAvailableSeats(db: Db | Tx, performanceId: string, categoryId: string): Promise<number> {
  const row = await db
    .selectFrom('performance_seats')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('performance_id', '=', performanceId)
    .where('category_id', '=', categoryId)
    .where('status', '=', 'available')
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Locks one GA bucket with room, chosen at random among those no one else has locked. */
export async function lockGaBucket(tx: Tx, performanceId: string, gaAreaId: string, exclude: number[]) {
  const { rows } = await sql<{ bucket: number; free: number }>`
    SELECT bucket, capacity - taken AS free FROM ga_stock
    WHERE performance_id = ${performanceId} AND ga_area_id = ${gaAreaId} AND taken < capacity
      AND NOT (bucket = ANY(${exclude}::smallint[]))
    ORDER BY random() LIMIT 1
    FOR UPDATE SKIP LOCKED`.execute(tx);
  return rows[0];
}

export async function takeGa(tx: Tx, holdId: string, performanceId: string, gaAreaId: string, bucket: number, quantity: number): Promise<void> {
  await tx
    .updateTable('ga_stock')
    .set((eb) => ({ taken: eb('taken', '+', quantity) }))
    .where('performance_id', '=', performanceId)
    .where('ga_area_id', '=', gaAreaId)
    .where('bucket', '=', bucket)
    .execute();
  await tx.insertInto('hold_ga_items').values({ hold_id: holdId, performance_id: performanceId, ga_area_id: gaAreaId, bucket, quantity }).execute();
}

export async function gaFree(db: Db | Tx, performanceId: string, gaAreaId: string): Promise<number> {
  const row = await db
    .selectFrom('ga_stock')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>(sql`capacity - taken`), sql<number>`0`).as('n'))
    .where('performance_id', '=', performanceId)
    .where('ga_area_id', '=', gaAreaId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findGaArea(db: Db | Tx, performanceId: string, gaAreaId: string) {
  return db
    .selectFrom('performance_ga_areas')
    .select(['category_id'])
    .where('performance_id', '=', performanceId)
    .where('ga_area_id', '=', gaAreaId)
    .executeTakeFirst();
}

export function lockHold(tx: Tx, holdId: string) {
  return tx.selectFrom('holds').selectAll().where('id', '=', holdId).forUpdate().executeTakeFirst();
}

export function findHold(db: Db | Tx, holdId: string) {
  return db
    .selectFrom('holds')
    .select(['id', 'performance_id', 'status', 'expires_at', sql<boolean>`expires_at <= now()`.as('lapsed')])
    .where('id', '=', holdId)
    .executeTakeFirst();
}

export interface HeldSeat {
  seat_id: string;
  category_id: string;
  price: number;
  currency: string;
  categoryName: string;
  label: string;
}
export interface HeldGa {
  ga_area_id: string;
  quantity: number;
  category_id: string;
  price: number;
  currency: string;
  categoryName: string;
  areaName: string;
}

/** A row of `holdItemsSql`: a seat (quantity 1) or a GA area's places. */
export interface HoldItemRow {
  seat_id: string | null;
  ga_area_id: string | null;
  quantity: number;
  category_id: string;
  price: number;
  currency: string;
  category_name: string;
  label: string;
}

/**
 * The items of the hold `holdId` names (a parameter, or a column of the statement it is part of),
 * with their category and current price; `sort` orders seats best first, then GA places. Its
 * aliases (ps, s, c, hga, pga, a) must not be the outer statement's.
 */
export const holdItemsSql = (holdId: RawBuilder<unknown>) => sql<HoldItemRow>`
    SELECT ps.seat_id, NULL::uuid AS ga_area_id, 1 AS quantity, ps.category_id, c.price, c.currency, c.name AS category_name, s.label, ps.rank AS sort
    FROM performance_seats ps JOIN price_categories c ON c.id = ps.category_id JOIN seats s ON s.id = ps.seat_id
    WHERE ps.hold_id = ${holdId}
    UNION ALL
    SELECT NULL, hga.ga_area_id, hga.quantity, pga.category_id, c.price, c.currency, c.name, a.name, 0
    FROM hold_ga_items hga
    JOIN performance_ga_areas pga ON pga.performance_id = hga.performance_id AND pga.ga_area_id = hga.ga_area_id
    JOIN price_categories c ON c.id = pga.category_id JOIN ga_areas a ON a.id = hga.ga_area_id
    WHERE hga.hold_id = ${holdId}`;

/** Rows of `holdItemsSql` as seats and GA places. */
export function splitItems(rows: readonly HoldItemRow[]): { seats: HeldSeat[]; ga: HeldGa[] } {
  const seats: HeldSeat[] = [];
  const ga: HeldGa[] = [];
  for (const r of rows) {
    const common = { category_id: r.category_id, price: r.price, currency: r.currency, categoryName: r.category_name };
    if (r.seat_id) seats.push({ seat_id: r.seat_id, label: r.label, ...common });
    else ga.push({ ga_area_id: r.ga_area_id!, quantity: r.quantity, areaName: r.label, ...common });
  }
  return { seats, ga };
}

/**
 * The hold's seats and GA places with their category and current price, in one round trip (it
 * runs at hold, order and payment time).
 */
export async function holdItems(db: Db | Tx, holdId: string): Promise<{ seats: HeldSeat[]; ga: HeldGa[] }> {
  const { rows } = await sql<HoldItemRow>`${holdItemsSql(sql`${holdId}`)} ORDER BY sort`.execute(db);
  return splitItems(rows);
}

/** Returns a hold's stock: seats back to available, GA places back to their buckets. */
export async function returnHoldStock(tx: Tx, holdId: string, from: 'held' | 'sold'): Promise<void> {
  await tx.updateTable('performance_seats').set({ status: 'available', hold_id: null }).where('hold_id', '=', holdId).where('status', '=', from).execute();
  await sql`
    UPDATE ga_stock g SET taken = g.taken - h.quantity
    FROM hold_ga_items h
    WHERE h.hold_id = ${holdId} AND g.performance_id = h.performance_id AND g.ga_area_id = h.ga_area_id AND g.bucket = h.bucket`.execute(tx);
}

/** Expired fans' holds no other process is handling right now, oldest first (a staff block never expires). */
export async function lockExpiredHolds(tx: Tx, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM holds WHERE status = 'active' AND expires_at <= now() AND purpose = 'sale'
    ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(tx);
  return rows.map((r) => r.id);
}

import { sql } from 'kysely';
import type { WaitingRoomState } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for waiting rooms. None of it runs on the status path; the tick and operator actions use it. */

const roomColumns = [
  'r.performance_id',
  'r.enabled',
  'r.max_in_checkout',
  'r.max_admissions_per_minute',
  'r.grace_seconds',
  'r.start_limit_seconds',
  'r.seed_salt',
  'r.seed_commitment',
  'r.seed',
  'r.entrants',
  'r.state',
  'r.opened_at',
  'r.moved_to',
  'r.moving_to',
  'p.status as sales_status',
  'p.on_sale_at',
] as const;

export function findRoom(db: Db | Tx, performanceId: string) {
  return db
    .selectFrom('waiting_rooms as r')
    .innerJoin('performances as p', 'p.id', 'r.performance_id')
    .select(roomColumns)
    .where('r.performance_id', '=', performanceId)
    .executeTakeFirst();
}
export type RoomRow = NonNullable<Awaited<ReturnType<typeof findRoom>>>;

export function lockRoom(tx: Tx, performanceId: string) {
  return tx
    .selectFrom('waiting_rooms as r')
    .innerJoin('performances as p', 'p.id', 'r.performance_id')
    .select(roomColumns)
    .where('r.performance_id', '=', performanceId)
    .forUpdate('r')
    .executeTakeFirst();
}

/** Rooms the tick keeps in step: those of performances that have not started more than a day ago. */
export function roomsToWatch(db: Db, now: Date) {
  return db
    .selectFrom('waiting_rooms as r')
    .innerJoin('performances as p', 'p.id', 'r.performance_id')
    .select(roomColumns)
    .where('p.starts_at', '>', new Date(now.getTime() - 86_400_000))
    .execute();
}

export function findPerformance(db: Db | Tx, id: string) {
  return db.selectFrom('performances').select(['id', 'status', 'on_sale_at']).where('id', '=', id).executeTakeFirst();
}

/** Creates the room unless another request just did. */
export async function insertRoom(db: Db | Tx, row: { performance_id: string; enabled: boolean; seed_salt: string; seed_commitment: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('waiting_rooms')
    .values(row)
    .onConflict((oc) => oc.column('performance_id').doNothing())
    .returning('performance_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateRoom(
  db: Db | Tx,
  performanceId: string,
  set: {
    enabled?: boolean;
    max_in_checkout?: number;
    max_admissions_per_minute?: number;
    grace_seconds?: number;
    start_limit_seconds?: number;
    state?: WaitingRoomState;
    moved_to?: string;
    moving_to?: string;
    entrants?: number;
  },
): Promise<void> {
  await db.updateTable('waiting_rooms').set(set).where('performance_id', '=', performanceId).execute();
}

/** Moves the room from one of `from` to `to`; false when another caller changed it first. */
export async function setState(db: Db | Tx, performanceId: string, from: WaitingRoomState[], to: WaitingRoomState): Promise<boolean> {
  const updated = await db
    .updateTable('waiting_rooms')
    .set({ state: to })
    .where('performance_id', '=', performanceId)
    .where('state', 'in', from)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** Reveals the seed as the room opens; only one caller wins. */
export async function markOpened(tx: Tx, performanceId: string, seed: string, openedAt: Date): Promise<boolean> {
  const updated = await tx
    .updateTable('waiting_rooms')
    .set({ state: 'open', seed, opened_at: openedAt })
    .where('performance_id', '=', performanceId)
    .where('state', '=', 'pre_queue')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/**
 * Per performance, once a tick: tickets left (available seats plus free GA places) and active
 * holds, the checkout load the admission rate answers to. One statement for every room.
 */
export async function checkoutFigures(db: Db, performanceIds: string[]): Promise<Map<string, { ticketsLeft: number; activeHolds: number }>> {
  if (performanceIds.length === 0) return new Map();
  const { rows } = await sql<{ id: string; tickets_left: number; active_holds: number }>`
    SELECT p.id,
      (SELECT count(*) FROM performance_seats s WHERE s.performance_id = p.id AND s.status = 'available')
        + (SELECT coalesce(sum(g.capacity - g.taken), 0) FROM ga_stock g WHERE g.performance_id = p.id) AS tickets_left,
      (SELECT count(*) FROM holds h WHERE h.performance_id = p.id AND h.status = 'active' AND h.purpose = 'sale' AND h.expires_at > now()) AS active_holds
    FROM unnest(${performanceIds}::uuid[]) AS p(id)`.execute(db);
  return new Map(rows.map((r) => [r.id, { ticketsLeft: Number(r.tickets_left), activeHolds: Number(r.active_holds) }]));
}

/** What the queue page names: the event (with its texts per language), when, and where. */
export function findPerformanceLabel(db: Db, performanceId: string) {
  return db
    .selectFrom('performances as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .innerJoin('venues as v', 'v.id', 'p.venue_id')
    .select(['e.title', 'e.default_language', 'e.translations', 'p.starts_at', 'v.name as venue_name', 'v.time_zone'])
    .where('p.id', '=', performanceId)
    .executeTakeFirst();
}
export type PerformanceLabelRow = NonNullable<Awaited<ReturnType<typeof findPerformanceLabel>>>;

import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import type { PerformanceStatus, SeatStatus } from '../platform/database.types.js';
import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';

/**
 * The one answer to "what can be sold" for a performance.
 *
 * - `status`: the performance's sales status. Holds can be made only while it is `on_sale`;
 *   `scheduled` (not open yet), `paused`, `sold_out`, `closed` and `cancelled` refuse them.
 * - Seat `status`:
 *   - `available`: can be held now;
 *   - `held`: in an active hold; it comes back when the hold is released or expires (expired
 *     holds are swept within a second or so, so an expired hold may show as held that long);
 *   - `sold`: in a paid order; it comes back only if the order is refunded or cancelled.
 *   Seats of the venue that no price category sells are not listed.
 * - GA area `available`: capacity minus places held or sold.
 * - Category `available`: its available seats plus its available GA places.
 */
export interface Availability {
  status: PerformanceStatus;
  categories: { id: string; name: string; price: number; currency: string; available: number }[];
  seats: { id: string; label: string; section: string; row: string; number: number; x: number; y: number; categoryId: string; status: SeatStatus }[];
  gaAreas: { id: string; name: string; categoryId: string; capacity: number; available: number }[];
}

export async function availability(db: Db, performanceId: string): Promise<Availability> {
  const performance = await db.selectFrom('performances').select(['status', 'event_id']).where('id', '=', performanceId).executeTakeFirst();
  if (!performance) throw notFound('performance', performanceId);
  const [categories, seats, gaAreas] = await Promise.all([
    db.selectFrom('price_categories').select(['id', 'name', 'price', 'currency']).where('event_id', '=', performance.event_id).orderBy('sort').execute(),
    db
      .selectFrom('performance_seats as ps')
      .innerJoin('seats as s', 's.id', 'ps.seat_id')
      .select(['s.id', 's.label', 's.section', 's.row_label as row', 's.number', 's.x', 's.y', 'ps.category_id as categoryId', 'ps.status'])
      .where('ps.performance_id', '=', performanceId)
      .orderBy('s.section')
      .orderBy('s.row_label')
      .orderBy('s.number')
      .execute(),
    db
      .selectFrom('performance_ga_areas as pg')
      .innerJoin('ga_areas as a', 'a.id', 'pg.ga_area_id')
      .innerJoin('ga_stock as g', (j) => j.onRef('g.performance_id', '=', 'pg.performance_id').onRef('g.ga_area_id', '=', 'pg.ga_area_id'))
      .select([
        'a.id',
        'a.name',
        'pg.category_id as categoryId',
        sql<number>`sum(g.capacity)::int`.as('capacity'),
        sql<number>`sum(g.capacity - g.taken)::int`.as('available'),
      ])
      .where('pg.performance_id', '=', performanceId)
      .groupBy(['a.id', 'a.name', 'pg.category_id'])
      .orderBy('a.name')
      .execute(),
  ]);
  const counts = new Map<string, number>();
  for (const seat of seats) if (seat.status === 'available') counts.set(seat.categoryId, (counts.get(seat.categoryId) ?? 0) + 1);
  for (const area of gaAreas) counts.set(area.categoryId, (counts.get(area.categoryId) ?? 0) + area.available);
  return {
    status: performance.status,
    categories: categories.map((c) => ({ ...c, available: counts.get(c.id) ?? 0 })),
    seats,
    gaAreas,
  };
}

/** What a page polls: states only, so a refresh costs bytes per taken seat, not per seat. */
export interface AvailabilityStatus {
  status: PerformanceStatus;
  categories: { id: string; available: number }[];
  unavailableSeatIds: string[];
  gaAreas: { id: string; available: number }[];
}

export function statusView(a: Availability): AvailabilityStatus {
  return {
    status: a.status,
    categories: a.categories.map(({ id, available }) => ({ id, available })),
    unavailableSeatIds: a.seats.filter((s) => s.status !== 'available').map((s) => s.id),
    gaAreas: a.gaAreas.map(({ id, available }) => ({ id, available })),
  };
}

interface Entry {
  at: number;
  value: Promise<Availability>;
  status?: AvailabilityStatus;
  gzip?: Buffer;
}

/**
 * During an on-sale every fan polls availability; one query per performance per `ttlMs` answers
 * them all (single flight: concurrent misses share one query), and the derived views (status
 * only, gzipped full body) are computed once per entry. Writes in this process drop the entry at
 * once; other processes see them within `ttlMs`.
 */
export function createAvailabilityCache(db: Db, ttlMs = 500) {
  const entries = new Map<string, Entry>();
  const entry = (performanceId: string): Entry => {
    const hit = entries.get(performanceId);
    if (hit && Date.now() - hit.at < ttlMs) return hit;
    const fresh: Entry = { at: Date.now(), value: availability(db, performanceId) };
    entries.set(performanceId, fresh);
    fresh.value.catch(() => entries.delete(performanceId));
    return fresh;
  };
  return {
    get: (performanceId: string): Promise<Availability> => entry(performanceId).value,
    async status(performanceId: string): Promise<AvailabilityStatus> {
      const e = entry(performanceId);
      const value = await e.value;
      return (e.status ??= statusView(value));
    },
    /** The full body as gzipped JSON: a 3,000-seat map is ~600 KB raw, ~100 KB gzipped. */
    async gzipped(performanceId: string): Promise<Buffer> {
      const e = entry(performanceId);
      const value = await e.value;
      return (e.gzip ??= gzipSync(JSON.stringify(value), { level: 6 }));
    },
    invalidate(performanceId: string): void {
      entries.delete(performanceId);
    },
  };
}
export type AvailabilityCache = ReturnType<typeof createAvailabilityCache>;

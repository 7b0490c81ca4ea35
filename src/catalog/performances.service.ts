import { sql } from 'kysely';
import { audit } from '../platform/audit.js';
import type { PerformanceStatus } from '../platform/database.types.js';
import { badRequest, conflict, notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { recordSalesChange } from '../security/incident-timeline.js';
import * as repo from './catalog.repository.js';
import type { PerformanceInput } from './catalog.schemas.js';
import { gaBuckets } from './catalog.service.js';

/**
 * Creates a performance and its inventory: one `performance_seats` row per priced seat and the GA
 * buckets per priced area. Seats no pricing entry names are not for sale.
 */
export async function createPerformance(db: Db, eventId: string, input: PerformanceInput, actor: string): Promise<{ id: string }> {
  const event = await repo.findEvent(db, eventId);
  if (!event) throw notFound('event', eventId);
  const venue = await repo.findVenue(db, input.venueId);
  if (!venue) throw badRequest('venue_not_found', `No venue with id ${input.venueId}`, { field: 'venueId' });
  const [categories, seats, gaAreas] = await Promise.all([repo.eventCategories(db, eventId), repo.venueSeats(db, venue.id), repo.venueGaAreas(db, venue.id)]);
  const categoryIds = new Set(categories.map((c) => c.id));
  const seatCategory = new Map<string, string>();
  const gaCategory = new Map<string, string>();
  const assign = (target: Map<string, string>, id: string, categoryId: string, field: string) => {
    if (target.has(id)) throw badRequest('priced_twice', `${field} names ${id}, which another pricing entry already prices`, { field });
    target.set(id, categoryId);
  };
  const seatIds = new Set(seats.map((s) => s.id));
  const gaIds = new Set(gaAreas.map((a) => a.id));
  const sections = new Set(seats.map((s) => s.section));
  input.pricing.forEach((entry, i) => {
    if (!categoryIds.has(entry.categoryId))
      throw badRequest('category_not_found', `pricing[${i}].categoryId is not a price category of this event`, { field: `pricing.${i}.categoryId` });
    for (const section of entry.sections ?? []) {
      if (!sections.has(section))
        throw badRequest('section_not_found', `pricing[${i}].sections names "${section}", which the venue does not have`, { field: `pricing.${i}.sections` });
      for (const seat of seats) if (seat.section === section) assign(seatCategory, seat.id, entry.categoryId, `pricing.${i}.sections`);
    }
    for (const id of entry.seatIds ?? []) {
      if (!seatIds.has(id))
        throw badRequest('seat_not_found', `pricing[${i}].seatIds names ${id}, which is not a seat of this venue`, { field: `pricing.${i}.seatIds` });
      assign(seatCategory, id, entry.categoryId, `pricing.${i}.seatIds`);
    }
    for (const id of entry.gaAreaIds ?? []) {
      if (!gaIds.has(id))
        throw badRequest('ga_area_not_found', `pricing[${i}].gaAreaIds names ${id}, which is not a GA area of this venue`, { field: `pricing.${i}.gaAreaIds` });
      assign(gaCategory, id, entry.categoryId, `pricing.${i}.gaAreaIds`);
    }
  });
  if (seatCategory.size === 0 && gaCategory.size === 0) throw badRequest('nothing_priced', 'pricing puts no seat or GA area on sale', { field: 'pricing' });
  const startsAt = new Date(input.startsAt);
  if (input.doorsAt && new Date(input.doorsAt) > startsAt) throw badRequest('invalid_dates', 'doorsAt must not be after startsAt', { field: 'doorsAt' });
  if (input.onSaleAt && new Date(input.onSaleAt) > startsAt) throw badRequest('invalid_dates', 'onSaleAt must not be after startsAt', { field: 'onSaleAt' });
  if (input.onSaleAt && input.offSaleAt && new Date(input.offSaleAt) <= new Date(input.onSaleAt)) {
    throw badRequest('invalid_dates', 'offSaleAt must be after onSaleAt', { field: 'offSaleAt' });
  }

  const created = await db.transaction().execute(async (tx) => {
    const performance = await tx
      .insertInto('performances')
      .values({
        event_id: eventId,
        venue_id: venue.id,
        starts_at: startsAt,
        doors_at: input.doorsAt ?? null,
        on_sale_at: input.onSaleAt ?? null,
        off_sale_at: input.offSaleAt ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await repo.insertPerformanceSeats(
      tx,
      performance.id,
      seats.filter((s) => seatCategory.has(s.id)).map((s) => ({ seatId: s.id, categoryId: seatCategory.get(s.id)!, rank: s.rank })),
    );
    for (const area of gaAreas) {
      const categoryId = gaCategory.get(area.id);
      if (categoryId) await repo.insertGaStock(tx, performance.id, area.id, categoryId, gaBuckets(area.capacity));
    }
    await audit(tx, {
      actor,
      action: 'catalog.performance.created',
      subjectType: 'performance',
      subjectId: performance.id,
      data: { eventId, seats: seatCategory.size, gaAreas: gaCategory.size },
    });
    return { id: performance.id };
  });
  // Thousands of stock rows just arrived; fresh statistics keep the planner on the partial index
  // of available seats (stale ones sent the sold-out check into a full scan where autovacuum is off).
  await sql`ANALYZE performance_seats, ga_stock`.execute(db);
  return created;
}

/** The operator's sales controls; each is allowed only from the states listed. */
const transitions: Record<string, { from: PerformanceStatus[]; to: PerformanceStatus }> = {
  open: { from: ['scheduled'], to: 'on_sale' },
  pause: { from: ['on_sale', 'sold_out'], to: 'paused' },
  resume: { from: ['paused'], to: 'on_sale' },
  close: { from: ['scheduled', 'on_sale', 'paused', 'sold_out'], to: 'closed' },
};
export type SalesAction = keyof typeof transitions;
export const salesActions = Object.keys(transitions) as SalesAction[];

/**
 * A pause or resume while a ddos or script_compromise incident is open goes on its timeline, and
 * the event's producers and venue contacts are told to ask `securityContact` (security/incident-timeline.ts).
 */
export async function changeSalesStatus(
  db: Db,
  performanceId: string,
  action: SalesAction,
  actor: string,
  options: { securityContact?: string } = {},
): Promise<{ id: string; status: PerformanceStatus }> {
  const rule = transitions[action]!;
  return db.transaction().execute(async (tx) => {
    const performance = await repo.lockPerformance(tx, performanceId);
    if (!performance) throw notFound('performance', performanceId);
    if (!rule.from.includes(performance.status)) {
      throw conflict('invalid_transition', `Cannot ${action} a performance that is ${performance.status}`, { status: performance.status });
    }
    await repo.setPerformanceStatus(tx, performanceId, rule.to);
    await audit(tx, {
      actor,
      action: `catalog.performance.${action === 'open' ? 'opened' : action === 'close' ? 'closed' : `${action}d`}`,
      subjectType: 'performance',
      subjectId: performanceId,
      data: { from: performance.status, to: rule.to },
    });
    if (action === 'pause' || action === 'resume') await recordSalesChange(tx, { performanceId, action, actor, contact: options.securityContact });
    return { id: performanceId, status: rule.to };
  });
}

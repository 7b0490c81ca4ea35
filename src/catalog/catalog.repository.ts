import { sql } from 'kysely';
import type { Db, Tx } from '../platform/transaction.js';
import type { EventLanguage, EventTranslations, PerformanceStatus } from '../platform/database.types.js';

/** SQL for venues, events and performances. */

const CHUNK = 5000; // keeps each INSERT under PostgreSQL's 65,535 bind parameters

export async function insertVenue(tx: Tx, name: string, contactEmails: string[] = [], timeZone = 'UTC'): Promise<string> {
  const row = await tx.insertInto('venues').values({ name, contact_emails: contactEmails, time_zone: timeZone }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export function lockVenue(tx: Tx, id: string) {
  return tx.selectFrom('venues').select(['id', 'name', 'contact_emails', 'time_zone']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateVenueRow(tx: Tx, id: string, set: { name?: string; contact_emails?: string[]; time_zone?: string }): Promise<void> {
  await tx.updateTable('venues').set(set).where('id', '=', id).execute();
}

export async function insertSeats(
  tx: Tx,
  seats: { venue_id: string; section: string; row_label: string; number: number; label: string; x: number; y: number; rank: number }[],
): Promise<void> {
  for (let i = 0; i < seats.length; i += CHUNK) {
    await tx
      .insertInto('seats')
      .values(seats.slice(i, i + CHUNK))
      .execute();
  }
}

export async function insertGaAreas(tx: Tx, areas: { venue_id: string; name: string; capacity: number; x: number; y: number }[]): Promise<void> {
  if (areas.length) await tx.insertInto('ga_areas').values(areas).execute();
}

export function findVenue(db: Db, id: string) {
  return db.selectFrom('venues').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listVenues(db: Db) {
  return db
    .selectFrom('venues')
    .select((eb) => [
      'venues.id',
      'venues.name',
      'venues.time_zone as timeZone',
      'venues.archived_at as archivedAt',
      eb
        .selectFrom('seats')
        .whereRef('seats.venue_id', '=', 'venues.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('seatCount'),
      eb.selectFrom('ga_areas').whereRef('ga_areas.venue_id', '=', 'venues.id').select(sql<number>`coalesce(sum(capacity), 0)::int`.as('n')).as('gaCapacity'),
    ])
    .orderBy('venues.created_at')
    .execute();
}

export function venueSeats(db: Db, venueId: string) {
  return db
    .selectFrom('seats')
    .select(['id', 'section', 'row_label', 'number', 'label', 'x', 'y', 'rank'])
    .where('venue_id', '=', venueId)
    .orderBy('rank')
    .execute();
}

export function venueGaAreas(db: Db, venueId: string) {
  return db.selectFrom('ga_areas').select(['id', 'name', 'capacity', 'x', 'y']).where('venue_id', '=', venueId).orderBy('name').execute();
}

export function findEvent(db: Db, id: string) {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEventBySlug(db: Db, slug: string) {
  return db.selectFrom('events').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function eventCategories(db: Db, eventId: string) {
  return db
    .selectFrom('price_categories')
    .select(['id', 'name', 'price', 'currency'])
    .where('event_id', '=', eventId)
    .orderBy('sort')
    .orderBy('name')
    .execute();
}

/** The public list: archived events and performances are left out. */
export function listEventsWithPerformances(db: Db) {
  return db
    .selectFrom('events')
    .leftJoin('performances', (j) => j.onRef('performances.event_id', '=', 'events.id').on('performances.archived_at', 'is', null))
    .leftJoin('venues', 'venues.id', 'performances.venue_id')
    .select([
      'events.id',
      'events.slug',
      'events.title',
      'events.description',
      'events.default_language',
      'events.translations',
      'performances.id as performanceId',
      'performances.starts_at',
      'performances.status',
      'venues.time_zone as timeZone',
    ])
    .where('events.archived_at', 'is', null)
    .orderBy('events.created_at')
    .orderBy('performances.starts_at')
    .execute();
}

/** An event's performances; archived ones only when asked (the console's view). */
export function eventPerformances(db: Db, eventId: string, includeArchived = false) {
  return db
    .selectFrom('performances')
    .innerJoin('venues', 'venues.id', 'performances.venue_id')
    .select([
      'performances.id',
      'performances.starts_at',
      'performances.doors_at',
      'performances.on_sale_at',
      'performances.off_sale_at',
      'performances.status',
      'venues.id as venueId',
      'venues.name as venueName',
      'venues.time_zone as timeZone',
      'performances.archived_at',
    ])
    .where('performances.event_id', '=', eventId)
    .$if(!includeArchived, (q) => q.where('performances.archived_at', 'is', null))
    .orderBy('performances.starts_at')
    .execute();
}

export function findPerformance(db: Db, id: string) {
  return db
    .selectFrom('performances')
    .innerJoin('events', 'events.id', 'performances.event_id')
    .select([
      'performances.id',
      'performances.event_id',
      'performances.venue_id',
      'performances.status',
      'performances.starts_at',
      'events.max_tickets_per_order',
      'events.title',
    ])
    .where('performances.id', '=', id)
    .executeTakeFirst();
}

/** Locks the performance row: status changes are serialised against each other. */
export function lockPerformance(tx: Tx, id: string) {
  return tx.selectFrom('performances').select(['id', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function setPerformanceStatus(db: Db, id: string, status: PerformanceStatus): Promise<void> {
  await db.updateTable('performances').set({ status }).where('id', '=', id).execute();
}

export async function insertPerformanceSeats(tx: Tx, performanceId: string, seats: { seatId: string; categoryId: string; rank: number }[]): Promise<void> {
  for (let i = 0; i < seats.length; i += CHUNK) {
    const part = seats.slice(i, i + CHUNK);
    await sql`
      INSERT INTO performance_seats (performance_id, seat_id, category_id, rank)
      SELECT ${performanceId}::uuid, s, c, r
      FROM unnest(${part.map((p) => p.seatId)}::uuid[], ${part.map((p) => p.categoryId)}::uuid[], ${part.map((p) => p.rank)}::int[]) AS t(s, c, r)
    `.execute(tx);
  }
}

export async function insertGaStock(tx: Tx, performanceId: string, gaAreaId: string, categoryId: string, buckets: number[]): Promise<void> {
  await tx.insertInto('performance_ga_areas').values({ performance_id: performanceId, ga_area_id: gaAreaId, category_id: categoryId }).execute();
  await tx
    .insertInto('ga_stock')
    .values(buckets.map((capacity, bucket) => ({ performance_id: performanceId, ga_area_id: gaAreaId, bucket, capacity })))
    .execute();
}

/** The first `scheduled` performance of the same event that starts after this one. */
export function nextScheduledPerformance(db: Db, performanceId: string) {
  return db
    .selectFrom('performances as next')
    .innerJoin('performances as cur', (j) => j.onRef('cur.event_id', '=', 'next.event_id').onRef('next.starts_at', '>', 'cur.starts_at'))
    .select(['next.id', 'next.status'])
    .where('cur.id', '=', performanceId)
    .where('next.status', '=', 'scheduled')
    .orderBy('next.starts_at')
    .orderBy('next.id')
    .limit(1)
    .executeTakeFirst();
}

export function lockEvent(tx: Tx, id: string) {
  return tx
    .selectFrom('events')
    .select(['id', 'slug', 'title', 'description', 'default_language', 'translations', 'max_tickets_per_order', 'max_tickets_per_customer', 'producer_emails'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function lockPerformanceDates(tx: Tx, id: string) {
  return tx
    .selectFrom('performances')
    .select(['id', 'event_id', 'status', 'starts_at', 'doors_at', 'on_sale_at', 'off_sale_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function lockPriceCategory(tx: Tx, id: string) {
  return tx.selectFrom('price_categories').select(['id', 'event_id', 'name', 'price', 'currency']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateEventRow(
  tx: Tx,
  id: string,
  set: {
    title?: string;
    description?: string;
    default_language?: EventLanguage;
    translations?: EventTranslations;
    max_tickets_per_order?: number;
    max_tickets_per_customer?: number | null;
    producer_emails?: string[];
  },
): Promise<void> {
  const { translations, ...rest } = set;
  await tx
    .updateTable('events')
    .set({ ...rest, ...(translations ? { translations: JSON.stringify(translations) } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function updatePerformanceRow(
  tx: Tx,
  id: string,
  set: { starts_at?: Date; doors_at?: Date | null; on_sale_at?: Date | null; off_sale_at?: Date | null },
): Promise<void> {
  await tx.updateTable('performances').set(set).where('id', '=', id).execute();
}

export async function updatePriceCategoryRow(tx: Tx, id: string, set: { name?: string; price?: number }): Promise<void> {
  await tx.updateTable('price_categories').set(set).where('id', '=', id).execute();
}

/** Every event for the operator console, oldest first, with categories and performances. */
export async function adminEventRows(db: Db) {
  const [events, categories, performances] = await Promise.all([
    db
      .selectFrom('events')
      .select(['id', 'slug', 'title', 'max_tickets_per_order', 'producer_emails', 'archived_at'])
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db.selectFrom('price_categories').select(['id', 'event_id', 'name', 'price', 'currency']).orderBy('sort').orderBy('name').execute(),
    db
      .selectFrom('performances')
      .innerJoin('venues', 'venues.id', 'performances.venue_id')
      .select([
        'performances.id',
        'performances.event_id',
        'performances.starts_at',
        'performances.status',
        'performances.archived_at',
        'venues.id as venueId',
        'venues.name as venueName',
        'venues.time_zone as timeZone',
      ])
      .orderBy('performances.starts_at')
      .orderBy('performances.id')
      .execute(),
  ]);
  return { events, categories, performances };
}

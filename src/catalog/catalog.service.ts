import { audit } from '../platform/audit.js';
import type { EventLanguage, PerformanceStatus } from '../platform/database.types.js';
import { badRequest, conflict, notFound, PG, pgCode } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import * as repo from './catalog.repository.js';
import type { EventInput, VenueInput } from './catalog.schemas.js';
import { normaliseTranslations, textsIn } from './event-texts.js';
import { checkTimeZone } from './time-zones.js';

/** A GA area's capacity is split into a few buckets so concurrent holds lock different rows. */
export function gaBuckets(capacity: number, maxBuckets = 8): number[] {
  const count = Math.max(1, Math.min(maxBuckets, Math.floor(capacity / 25) || 1));
  const base = Math.floor(capacity / count);
  return Array.from({ length: count }, (_, i) => base + (i < capacity % count ? 1 : 0));
}

/** Producers' or a venue's contact addresses as stored: trimmed, lower-cased, each once. */
export function contactList(emails: readonly string[] | undefined): string[] {
  return [...new Set((emails ?? []).map((e) => e.trim().toLowerCase()))];
}

export async function createVenue(db: Db, input: VenueInput, actor: string): Promise<{ id: string }> {
  const seen = new Set<string>();
  input.seats.forEach((s, i) => {
    const key = `${s.section}\0${s.row}\0${s.number}`;
    if (seen.has(key)) throw badRequest('duplicate_seat', `seats[${i}] repeats section ${s.section} row ${s.row} seat ${s.number}`, { field: `seats.${i}` });
    seen.add(key);
  });
  const gaNames = new Set(input.gaAreas.map((a) => a.name));
  if (gaNames.size !== input.gaAreas.length) throw badRequest('duplicate_ga_area', 'gaAreas has two areas with the same name', { field: 'gaAreas' });
  if (input.seats.length === 0 && input.gaAreas.length === 0) throw badRequest('empty_venue', 'A venue needs seats or GA areas', { field: 'seats' });
  const timeZone = checkTimeZone(input.timeZone ?? 'UTC');

  return db.transaction().execute(async (tx) => {
    const contactEmails = contactList(input.contactEmails);
    const id = await repo.insertVenue(tx, input.name, contactEmails, timeZone);
    await repo.insertSeats(
      tx,
      input.seats.map((s, i) => ({
        venue_id: id,
        section: s.section,
        row_label: s.row,
        number: s.number,
        label: s.label ?? `${s.section} ${s.row}-${s.number}`,
        x: s.x,
        y: s.y,
        rank: s.rank ?? i,
      })),
    );
    await repo.insertGaAreas(
      tx,
      input.gaAreas.map((a) => ({ venue_id: id, name: a.name, capacity: a.capacity, x: a.x ?? 0, y: a.y ?? 0 })),
    );
    await audit(tx, {
      actor,
      action: 'catalog.venue.created',
      subjectType: 'venue',
      subjectId: id,
      data: { seats: input.seats.length, gaAreas: input.gaAreas.length, contactEmails, timeZone },
    });
    return { id, timeZone, contactEmails };
  });
}

export async function venueDetail(db: Db, id: string) {
  const venue = await repo.findVenue(db, id);
  if (!venue) throw notFound('venue', id);
  const [seats, gaAreas] = await Promise.all([repo.venueSeats(db, id), repo.venueGaAreas(db, id)]);
  return {
    id: venue.id,
    name: venue.name,
    timeZone: venue.time_zone,
    contactEmails: venue.contact_emails,
    archivedAt: venue.archived_at?.toISOString() ?? null,
    seats: seats.map((s) => ({ id: s.id, section: s.section, row: s.row_label, number: s.number, label: s.label, x: s.x, y: s.y, rank: s.rank })),
    gaAreas,
  };
}

export async function createEvent(db: Db, input: EventInput, actor: string) {
  const producerEmails = contactList(input.producerEmails);
  const defaultLanguage = input.defaultLanguage ?? 'en';
  const translations = normaliseTranslations(input.translations ?? {}, defaultLanguage);
  try {
    return await db.transaction().execute(async (tx) => {
      const event = await tx
        .insertInto('events')
        .values({
          slug: input.slug,
          title: input.title,
          description: input.description ?? '',
          default_language: defaultLanguage,
          translations: JSON.stringify(translations),
          max_tickets_per_order: input.maxTicketsPerOrder ?? 10,
          max_tickets_per_customer: input.maxTicketsPerCustomer ?? null,
          producer_emails: producerEmails,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const categories = await tx
        .insertInto('price_categories')
        .values(input.priceCategories.map((c, sort) => ({ event_id: event.id, name: c.name, price: c.price, currency: c.currency, sort })))
        .returning(['id', 'name', 'price', 'currency'])
        .execute();
      await audit(tx, {
        actor,
        action: 'catalog.event.created',
        subjectType: 'event',
        subjectId: event.id,
        data: { slug: input.slug, producerEmails, defaultLanguage, languages: Object.keys(translations) },
      });
      return { id: event.id, slug: input.slug, defaultLanguage, translations, producerEmails, priceCategories: categories };
    });
  } catch (error) {
    if (pgCode(error) === PG.uniqueViolation) {
      throw conflict('duplicate', `An event with slug "${input.slug}" exists, or two price categories share a name`);
    }
    throw error;
  }
}

/** The public list; titles in `language` where the operator wrote one. */
export async function listEvents(db: Db, language: EventLanguage | null = null) {
  const rows = await repo.listEventsWithPerformances(db);
  type Item = {
    id: string;
    slug: string;
    title: string;
    language: EventLanguage;
    performances: { id: string; startsAt: string; status: PerformanceStatus; timeZone: string }[];
  };
  const events = new Map<string, Item>();
  for (const row of rows) {
    let event = events.get(row.id);
    if (!event) {
      const texts = textsIn(row, language);
      events.set(row.id, (event = { id: row.id, slug: row.slug, title: texts.title, language: texts.language, performances: [] }));
    }
    if (row.performanceId && row.starts_at && row.status) {
      event.performances.push({ id: row.performanceId, startsAt: row.starts_at.toISOString(), status: row.status, timeZone: row.timeZone ?? 'UTC' });
    }
  }
  return [...events.values()];
}

/** The public page's event (archived ones are not found, archived performances left out), or with `includeArchived` the console's; texts in `language` where the operator wrote one. */
export async function eventDetail(db: Db, idOrSlug: string, language: EventLanguage | null = null, { includeArchived = false } = {}) {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrSlug);
  const event = isUuid ? await repo.findEvent(db, idOrSlug) : await repo.findEventBySlug(db, idOrSlug);
  if (!event || (event.archived_at && !includeArchived)) throw notFound('event', idOrSlug);
  const [categories, performances] = await Promise.all([repo.eventCategories(db, event.id), repo.eventPerformances(db, event.id, includeArchived)]);
  const texts = textsIn(event, language);
  return {
    id: event.id,
    slug: event.slug,
    title: texts.title,
    description: texts.description,
    language: texts.language,
    maxTicketsPerOrder: event.max_tickets_per_order,
    maxTicketsPerCustomer: event.max_tickets_per_customer,
    priceCategories: categories,
    performances: performances.map((p) => ({
      id: p.id,
      startsAt: p.starts_at.toISOString(),
      doorsAt: p.doors_at?.toISOString() ?? null,
      onSaleAt: p.on_sale_at?.toISOString() ?? null,
      offSaleAt: p.off_sale_at?.toISOString() ?? null,
      status: p.status,
      venue: { id: p.venueId, name: p.venueName, timeZone: p.timeZone },
      archivedAt: p.archived_at?.toISOString() ?? null,
    })),
    archivedAt: event.archived_at?.toISOString() ?? null,
  };
}

/** An event as the operator edits it: the default language's texts and every translation. */
export async function adminEventDetail(db: Db, id: string) {
  const event = await repo.findEvent(db, id);
  if (!event) throw notFound('event', id);
  return {
    id: event.id,
    slug: event.slug,
    title: event.title,
    description: event.description,
    defaultLanguage: event.default_language,
    translations: event.translations,
    maxTicketsPerOrder: event.max_tickets_per_order,
    maxTicketsPerCustomer: event.max_tickets_per_customer,
    producerEmails: event.producer_emails,
  };
}

/** One performance with its event and venue, for the performance page. */
export async function performanceDetail(db: Db, id: string, language: EventLanguage | null = null) {
  const row = await db
    .selectFrom('performances as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .innerJoin('venues as v', 'v.id', 'p.venue_id')
    .select([
      'p.id',
      'p.starts_at',
      'p.doors_at',
      'p.on_sale_at',
      'p.off_sale_at',
      'p.status',
      'e.id as eventId',
      'e.slug',
      'e.title',
      'e.description',
      'e.default_language',
      'e.translations',
      'e.max_tickets_per_order',
      'v.id as venueId',
      'v.name as venueName',
      'v.time_zone as timeZone',
    ])
    .where('p.id', '=', id)
    .where('p.archived_at', 'is', null)
    .where('e.archived_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('performance', id);
  const texts = textsIn(row, language);
  return {
    id: row.id,
    startsAt: row.starts_at.toISOString(),
    doorsAt: row.doors_at?.toISOString() ?? null,
    onSaleAt: row.on_sale_at?.toISOString() ?? null,
    offSaleAt: row.off_sale_at?.toISOString() ?? null,
    status: row.status,
    event: { id: row.eventId, slug: row.slug, title: texts.title, language: texts.language, maxTicketsPerOrder: row.max_tickets_per_order },
    venue: { id: row.venueId, name: row.venueName, timeZone: row.timeZone },
  };
}

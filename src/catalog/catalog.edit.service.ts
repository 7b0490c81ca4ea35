import { audit } from '../platform/audit.js';
import { badRequest, conflict, notFound, PG, pgCode } from '../platform/errors.js';
import type { Db, Tx } from '../platform/transaction.js';
import * as repo from './catalog.repository.js';
import type { EventPatch, PerformancePatch, PriceCategoryPatch, VenuePatch } from './catalog.schemas.js';
import { contactList } from './catalog.service.js';
import { normaliseTranslations } from './event-texts.js';
import { checkTimeZone } from './time-zones.js';

type Changes = Record<string, { from: unknown; to: unknown }>;

/** The fields of `patch` whose value differs from `current`, as `{ field: { from, to } }`. */
function diff(current: Record<string, unknown>, patch: Record<string, unknown>): Changes {
  const key = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  // Lists (contact addresses) compare by content.
  const same = (a: unknown, b: unknown) => JSON.stringify(key(a)) === JSON.stringify(key(b));
  const changes: Changes = {};
  for (const [field, to] of Object.entries(patch)) {
    if (to !== undefined && !same(current[field], to)) changes[field] = { from: key(current[field]), to: key(to) };
  }
  return changes;
}

/** Writes the audit entry only when something changed: a patch that repeats the values is no state change. */
async function record(tx: Tx, actor: string, action: string, subjectType: string, subjectId: string, changes: Changes) {
  if (Object.keys(changes).length) await audit(tx, { actor, action, subjectType, subjectId, data: { changes } });
}

export async function updateEvent(db: Db, id: string, patch: EventPatch, actor: string) {
  return db.transaction().execute(async (tx) => {
    const event = await repo.lockEvent(tx, id);
    if (!event) throw notFound('event', id);
    const current = {
      title: event.title,
      description: event.description,
      defaultLanguage: event.default_language,
      translations: event.translations,
      maxTicketsPerOrder: event.max_tickets_per_order,
      maxTicketsPerCustomer: event.max_tickets_per_customer,
      producerEmails: event.producer_emails,
    };
    const given = { ...patch, ...(patch.producerEmails ? { producerEmails: contactList(patch.producerEmails) } : {}) };
    // A new default language or new translations are checked together: none may repeat the default.
    if (patch.translations || patch.defaultLanguage) {
      given.translations = normaliseTranslations(patch.translations ?? current.translations, patch.defaultLanguage ?? current.defaultLanguage);
    }
    const changes = diff(current, given);
    const next = { ...current, ...given };
    if (Object.keys(changes).length) {
      await repo.updateEventRow(tx, id, {
        title: next.title,
        description: next.description,
        default_language: next.defaultLanguage,
        translations: next.translations,
        max_tickets_per_order: next.maxTicketsPerOrder,
        max_tickets_per_customer: next.maxTicketsPerCustomer,
        producer_emails: next.producerEmails,
      });
    }
    await record(tx, actor, 'catalog.event.updated', 'event', id, changes);
    return { id, slug: event.slug, ...next };
  });
}

/**
 * Doors and on-sale time must not be after the start, and the off-sale time must be after the
 * on-sale time; the error names the field the patch moved. Moving either sales time moves what the
 * schedule does (sales-schedule.ts): an on-sale time put in the past opens a scheduled performance
 * within a second, an off-sale time put in the past closes one on sale.
 */
export async function updatePerformance(db: Db, id: string, patch: PerformancePatch, actor: string) {
  return db.transaction().execute(async (tx) => {
    const perf = await repo.lockPerformanceDates(tx, id);
    if (!perf) throw notFound('performance', id);
    const current = { startsAt: perf.starts_at, doorsAt: perf.doors_at, onSaleAt: perf.on_sale_at, offSaleAt: perf.off_sale_at };
    const toDate = (v: string | null | undefined, old: Date | null) => (v === undefined ? old : v === null ? null : new Date(v));
    const next = {
      startsAt: toDate(patch.startsAt, current.startsAt)!,
      doorsAt: toDate(patch.doorsAt, current.doorsAt),
      onSaleAt: toDate(patch.onSaleAt, current.onSaleAt),
      offSaleAt: toDate(patch.offSaleAt, current.offSaleAt),
    };
    for (const field of ['doorsAt', 'onSaleAt'] as const) {
      const at = next[field];
      if (at && at > next.startsAt) {
        const named = patch[field] !== undefined ? field : 'startsAt';
        throw badRequest(
          'invalid_dates',
          named === field
            ? `${field} must not be after startsAt (${next.startsAt.toISOString()})`
            : `startsAt must not be before ${field} (${at.toISOString()})`,
          { field: named },
        );
      }
    }
    if (next.onSaleAt && next.offSaleAt && next.offSaleAt <= next.onSaleAt) {
      const named = patch.offSaleAt !== undefined ? 'offSaleAt' : 'onSaleAt';
      throw badRequest(
        'invalid_dates',
        named === 'offSaleAt'
          ? `offSaleAt must be after onSaleAt (${next.onSaleAt.toISOString()})`
          : `onSaleAt must be before offSaleAt (${next.offSaleAt.toISOString()})`,
        { field: named },
      );
    }
    const changes = diff(current, next);
    if (Object.keys(changes).length) {
      await repo.updatePerformanceRow(tx, id, { starts_at: next.startsAt, doors_at: next.doorsAt, on_sale_at: next.onSaleAt, off_sale_at: next.offSaleAt });
    }
    await record(tx, actor, 'catalog.performance.updated', 'performance', id, changes);
    return {
      id,
      eventId: perf.event_id,
      status: perf.status,
      startsAt: next.startsAt.toISOString(),
      doorsAt: next.doorsAt?.toISOString() ?? null,
      onSaleAt: next.onSaleAt?.toISOString() ?? null,
      offSaleAt: next.offSaleAt?.toISOString() ?? null,
    };
  });
}

/**
 * A new price applies to what is priced after it: orders keep the total they were created with and
 * tickets the price they were issued at. Holds do not store a price, so an open hold shows the new
 * one (see the route's description).
 */
export async function updatePriceCategory(db: Db, id: string, patch: PriceCategoryPatch, actor: string) {
  try {
    return await db.transaction().execute(async (tx) => {
      const category = await repo.lockPriceCategory(tx, id);
      if (!category) throw notFound('price_category', id);
      const current = { name: category.name, price: category.price };
      const changes = diff(current, patch);
      const next = { ...current, ...patch };
      if (Object.keys(changes).length) await repo.updatePriceCategoryRow(tx, id, next);
      await record(tx, actor, 'catalog.price_category.updated', 'price_category', id, changes);
      return { id, eventId: category.event_id, currency: category.currency, ...next };
    });
  } catch (error) {
    if (pgCode(error) === PG.uniqueViolation) {
      throw conflict('duplicate', `This event already has a price category named "${patch.name}"`, { field: 'name' });
    }
    throw error;
  }
}

/**
 * A venue's name, time zone or contacts (told when an incident pauses or resumes a sale there); the
 * seat map stays as it is. A new time zone moves no performance: each keeps its instant, and is
 * shown from then on in the new zone's wall time.
 */
export async function updateVenue(db: Db, id: string, patch: VenuePatch, actor: string) {
  return db.transaction().execute(async (tx) => {
    const venue = await repo.lockVenue(tx, id);
    if (!venue) throw notFound('venue', id);
    const current = { name: venue.name, timeZone: venue.time_zone, contactEmails: venue.contact_emails };
    if (patch.timeZone !== undefined) checkTimeZone(patch.timeZone);
    const given = patch.contactEmails ? { ...patch, contactEmails: contactList(patch.contactEmails) } : patch;
    const changes = diff(current, given);
    const next = { ...current, ...given };
    if (Object.keys(changes).length) await repo.updateVenueRow(tx, id, { name: next.name, contact_emails: next.contactEmails, time_zone: next.timeZone });
    await record(tx, actor, 'catalog.venue.updated', 'venue', id, changes);
    return { id, ...next };
  });
}

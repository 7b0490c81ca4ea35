import type { Db } from '../platform/transaction.js';
import * as repo from './catalog.repository.js';

/**
 * Every event with its price categories and performances (any status), as the operator console
 * lists them; archived events and performances only with `includeArchived`.
 */
export async function adminEventList(db: Db, { includeArchived = false } = {}) {
  const { events, categories, performances } = await repo.adminEventRows(db);
  const byEvent = new Map(
    events
      .filter((e) => includeArchived || !e.archived_at)
      .map((e) => [
        e.id,
        {
          id: e.id,
          slug: e.slug,
          title: e.title,
          maxTicketsPerOrder: e.max_tickets_per_order,
          producerEmails: e.producer_emails,
          archivedAt: e.archived_at?.toISOString() ?? null,
          priceCategories: [] as { id: string; name: string; price: number; currency: string }[],
          performances: [] as {
            id: string;
            startsAt: string;
            status: (typeof performances)[number]['status'];
            venueId: string;
            venueName: string;
            timeZone: string;
            archivedAt: string | null;
          }[],
        },
      ]),
  );
  for (const c of categories) byEvent.get(c.event_id)?.priceCategories.push({ id: c.id, name: c.name, price: c.price, currency: c.currency });
  for (const p of performances) {
    if (p.archived_at && !includeArchived) continue;
    byEvent.get(p.event_id)?.performances.push({
      id: p.id,
      startsAt: p.starts_at.toISOString(),
      status: p.status,
      venueId: p.venueId,
      venueName: p.venueName,
      timeZone: p.timeZone,
      archivedAt: p.archived_at?.toISOString() ?? null,
    });
  }
  return [...byEvent.values()];
}

import { api } from '../shared/api.js';
import { getLocale } from '../shared/i18n.js';
import type { EventDetail, EventListItem, Hold, PerformanceDetail } from './types.js';

/**
 * Catalog reads, shared between pages so that going from an event to its performance and on to
 * checkout does not fetch the same thing twice. Entries live for a minute; failures are dropped.
 */
const TTL_MS = 60_000;
const cache = new Map<string, { at: number; value: Promise<unknown> }>();

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

// Event titles and descriptions come in the page's language (the server falls back to the event's own).
const lang = () => `lang=${getLocale()}`;

export const listEvents = () => cached(`events:${getLocale()}`, () => api<EventListItem[]>(`/api/events?${lang()}`));

export const getEvent = (idOrSlug: string) =>
  cached(`event:${getLocale()}:${idOrSlug}`, () => api<EventDetail>(`/api/events/${encodeURIComponent(idOrSlug)}?${lang()}`));

/**
 * A performance with its event and venue. Coming from the event page, the event already loaded
 * has all of it; otherwise `GET /api/performances/:id` answers in one request.
 */
export async function getPerformance(performanceId: string): Promise<PerformanceDetail> {
  for (const [key, entry] of cache) {
    if (!key.startsWith(`event:${getLocale()}:`)) continue;
    const event = await (entry.value as Promise<EventDetail>).catch(() => null);
    const performance = event?.performances.find((p) => p.id === performanceId);
    if (event && performance) {
      const { id, slug, title, language, maxTicketsPerOrder } = event;
      return { ...performance, event: { id, slug, title, language, maxTicketsPerOrder } };
    }
  }
  return cached(`performance:${getLocale()}:${performanceId}`, () =>
    api<PerformanceDetail>(`/api/performances/${encodeURIComponent(performanceId)}?${lang()}`),
  );
}

/** A hold just created, so checkout can draw at once while it asks the server again. */
const recentHolds = new Map<string, Hold>();
export const rememberHold = (hold: Hold) => {
  recentHolds.set(hold.holdId, hold);
};
export const recentHold = (holdId: string) => recentHolds.get(holdId);

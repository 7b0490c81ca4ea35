import { api } from '../shared/api.js';
import type { EventDetail, EventListItem, EventPerformance, Hold } from './types.js';

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

export const listEvents = () => cached('events', () => api<EventListItem[]>('/api/events'));

export const getEvent = (idOrSlug: string) =>
  cached(`event:${idOrSlug}`, () => api<EventDetail>(`/api/events/${encodeURIComponent(idOrSlug)}`));

export interface PerformanceContext { event: EventDetail; performance: EventPerformance }

/**
 * The event a performance belongs to. The API has no `GET /api/performances/:id` yet, so this
 * looks through the event list (usually already loaded) and then fetches that one event.
 */
export async function performanceContext(performanceId: string): Promise<PerformanceContext | null> {
  for (const [key, entry] of cache) {
    if (!key.startsWith('event:')) continue;
    const event = await (entry.value as Promise<EventDetail>).catch(() => null);
    const performance = event?.performances.find((p) => p.id === performanceId);
    if (event && performance) return { event, performance };
  }
  const events = await listEvents();
  const owner = events.find((e) => e.performances.some((p) => p.id === performanceId));
  if (!owner) return null;
  const event = await getEvent(owner.slug);
  const performance = event.performances.find((p) => p.id === performanceId);
  return performance ? { event, performance } : null;
}

/** A hold just created, so checkout can draw at once while it asks the server again. */
const recentHolds = new Map<string, Hold>();
export const rememberHold = (hold: Hold) => { recentHolds.set(hold.holdId, hold); };
export const recentHold = (holdId: string) => recentHolds.get(holdId);

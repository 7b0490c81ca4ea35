import type { EventLanguage } from '../platform/database.types.js';
import type { Db } from '../platform/transaction.js';
import * as repo from './waiting-room.repository.js';

export const LANGUAGES: readonly EventLanguage[] = ['en', 'es', 'fr', 'nl', 'nb'];

/** What the queue summary says the line is for, in one language. */
export interface PerformanceLabel {
  eventTitle: string;
  /** The language `eventTitle` is written in: the one asked for, or the event's own. */
  eventLanguage: EventLanguage;
  startsAt: string;
  venueName: string;
  timeZone: string;
}

/**
 * The best supported language of an Accept-Language header (`no` and `nn` read Bokmål), or
 * undefined when it names none: the event's own language is then the answer.
 */
export function preferredLanguage(header: string | undefined): EventLanguage | undefined {
  let best: EventLanguage | undefined;
  let bestQ = 0;
  for (const part of (header ?? '').split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    let primary = range.split('-')[0]!;
    if (primary === 'no' || primary === 'nn') primary = 'nb';
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if ((LANGUAGES as readonly string[]).includes(primary) && Number.isFinite(q) && q > bestQ) {
      best = primary as EventLanguage;
      bestQ = q;
    }
  }
  return best;
}

/** The row in `language`: its translated title when it has one, else the event's own. */
export function labelIn(row: repo.PerformanceLabelRow, language: EventLanguage | undefined): PerformanceLabel {
  const translated = language && language !== row.default_language ? row.translations?.[language]?.title?.trim() : undefined;
  return {
    eventTitle: translated || row.title,
    eventLanguage: translated ? language! : row.default_language,
    startsAt: row.starts_at.toISOString(),
    venueName: row.venue_name,
    timeZone: row.time_zone,
  };
}

/** How long a performance's names are reused: an edited title reaches the line within this. */
export const LABEL_TTL_MS = 30_000;
const MAX_CACHED = 5_000;

/**
 * The catalogue part of the queue summary, which every fan in a line polls: one query per
 * performance per `LABEL_TTL_MS` in this process (concurrent misses share it), whatever the
 * traffic; the language is picked from the cached row without another query.
 */
export function createPerformanceLabels(db: Db, now: () => number = Date.now) {
  interface Entry {
    until: number;
    row: Promise<repo.PerformanceLabelRow | undefined>;
    /** Once loaded: the label per language asked for ('' for none), built once each. */
    labels?: Map<string, PerformanceLabel | undefined>;
  }
  const cache = new Map<string, Entry>();

  function entry(performanceId: string): Entry {
    const at = now();
    const hit = cache.get(performanceId);
    if (hit && hit.until > at) return hit;
    const fresh: Entry = { until: at + LABEL_TTL_MS, row: repo.findPerformanceLabel(db, performanceId) };
    fresh.row.then(
      () => {
        fresh.labels = new Map();
      },
      // A failed lookup is not remembered: the next poll asks again.
      () => {
        if (cache.get(performanceId) === fresh) cache.delete(performanceId);
      },
    );
    cache.delete(performanceId);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(performanceId, fresh);
    return fresh;
  }

  function pick(e: Entry, row: repo.PerformanceLabelRow | undefined, language: EventLanguage | undefined): PerformanceLabel | undefined {
    const key = language ?? '';
    if (e.labels?.has(key)) return e.labels.get(key);
    const label = row && labelIn(row, language);
    e.labels?.set(key, label);
    return label;
  }

  return {
    /** Without waiting when the names are loaded (every poll but the first few of a line). */
    async get(performanceId: string, language: EventLanguage | undefined): Promise<PerformanceLabel | undefined> {
      const e = entry(performanceId);
      if (e.labels?.has(language ?? '')) return e.labels.get(language ?? '');
      return pick(e, await e.row, language);
    },
    /** Loads the names ahead of the first poll (when a line is joined), so the rush never waits for them. */
    warm(performanceId: string): void {
      entry(performanceId);
    },
  };
}
export type PerformanceLabels = ReturnType<typeof createPerformanceLabels>;

import type { IncidentCategory } from '../platform/database.types.js';
import type { Db } from '../platform/transaction.js';

/** Incidents not resolved yet of these categories, newest first. */
export function unresolvedIncidents(db: Db, categories: readonly IncidentCategory[]) {
  return db
    .selectFrom('incidents')
    .select(['id', 'kind', 'opened_by'])
    .where('status', '<>', 'resolved')
    .where('category', 'in', [...categories])
    .orderBy('opened_at', 'desc')
    .orderBy('id')
    .execute();
}

/** A performance's event, as a timeline names it. */
export function performanceEvent(db: Db, performanceId: string) {
  return db
    .selectFrom('performances as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .select(['e.id as eventId', 'e.title', 'p.starts_at as startsAt'])
    .where('p.id', '=', performanceId)
    .executeTakeFirst();
}

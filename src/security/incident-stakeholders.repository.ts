import { sql } from 'kysely';
import type { StakeholderNoticeKind } from '../platform/database.types.js';
import type { Db } from '../platform/transaction.js';
import { buildsServingHash, scopeFilter } from './incident-scopes.repository.js';
import type { ScopeCriteria } from './incident-scopes.js';

/** SQL for telling producers and venue contacts: who they are, and what they were already told. */

export interface PerformanceContacts {
  performanceId: string;
  startsAt: Date;
  eventId: string;
  title: string;
  producerEmails: string[];
  venue: string;
  venueEmails: string[];
}

/** The named performances and every performance of the named events, with their event's producers and their venue's contacts. */
export async function performanceContacts(db: Db, performanceIds: readonly string[], eventIds: readonly string[]): Promise<PerformanceContacts[]> {
  if (!performanceIds.length && !eventIds.length) return [];
  return db
    .selectFrom('performances as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .innerJoin('venues as v', 'v.id', 'p.venue_id')
    .select([
      'p.id as performanceId',
      'p.starts_at as startsAt',
      'e.id as eventId',
      'e.title',
      'e.producer_emails as producerEmails',
      'v.name as venue',
      'v.contact_emails as venueEmails',
    ])
    .where((eb) =>
      eb.or([...(performanceIds.length ? [eb('p.id', 'in', [...performanceIds])] : []), ...(eventIds.length ? [eb('p.event_id', 'in', [...eventIds])] : [])]),
    )
    .orderBy('p.starts_at')
    .orderBy('p.id')
    .execute();
}

/**
 * Per event, how many distinct buyers (by email, case folded) the scope's checkout attempts
 * hold, and the performances those attempts were for: the scope's own criteria, read back and
 * matched by the same filter as the scope (`scopeFilter`), grouped by event instead of by person.
 */
export async function buyersPerEvent(db: Db, scopeId: string): Promise<{ eventId: string; buyers: number; performanceIds: string[] }[]> {
  const scope = await db.selectFrom('incident_scopes').select('criteria').where('id', '=', scopeId).executeTakeFirst();
  if (!scope) return [];
  const c = scope.criteria as ScopeCriteria;
  const hashBuilds = c.scriptHashes?.length ? await buildsServingHash(db, c.scriptHashes) : [];
  // A hash that no registered build served matches nothing, as in the scope itself.
  if (c.scriptHashes?.length && !hashBuilds.length && !c.buildIds?.length) return [];
  const buildIds = [...(c.buildIds ?? []), ...hashBuilds];
  const { rows } = await sql<{ eventId: string; buyers: string; performanceIds: string[] }>`
    SELECT p.event_id AS "eventId", count(DISTINCT lower(c.buyer_email)) AS buyers, array_agg(DISTINCT p.id)::text[] AS "performanceIds"
      FROM checkout_records c
      JOIN orders o ON o.id = c.order_id
      JOIN performances p ON p.id = o.performance_id
     WHERE ${scopeFilter({ ...c, buildIds: buildIds.length ? buildIds : undefined })}
     GROUP BY p.event_id
  `.execute(db);
  return rows.map((r) => ({ eventId: r.eventId, buyers: Number(r.buyers), performanceIds: r.performanceIds }));
}

/**
 * Claims the notices not sent yet, each with the id its email will have; answers the ones claimed.
 * A notice another transaction is claiming right now waits for it, then counts as sent.
 */
export async function claimNotices(
  db: Db,
  rows: { incident_id: string; kind: StakeholderNoticeKind; event_id: string; email: string; outbox_id: string }[],
): Promise<{ event_id: string; email: string; outbox_id: string | null }[]> {
  if (!rows.length) return [];
  return db
    .insertInto('incident_stakeholder_notices')
    .values(rows)
    .onConflict((oc) => oc.columns(['incident_id', 'kind', 'event_id', 'email']).doNothing())
    .returning(['event_id', 'email', 'outbox_id'])
    .execute();
}

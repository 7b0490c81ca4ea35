import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database.types.js';

type Q = Kysely<Database>;

export interface Incident {
  id: string;
  kind: string;
  status: 'open' | 'resolved';
  summary: string;
  openedAt: string;
  resolvedAt: string | null;
  timeline: { at: string; what: string; details: Record<string, unknown> }[];
}

/** Opens an incident of a kind unless one is open; either way answers the open one's id and whether it is new. */
export async function openIncident(db: Q, kind: string, summary: string): Promise<{ id: string; opened: boolean }> {
  const inserted = await db
    .insertInto('incidents')
    .values({ kind, summary })
    .onConflict((oc) => oc.column('kind').where('status', '=', 'open').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, opened: true };
  const open = await db.selectFrom('incidents').select('id').where('kind', '=', kind).where('status', '=', 'open').executeTakeFirst();
  // Resolved between the two statements by another process: open a fresh one.
  return open ? { id: open.id, opened: false } : openIncident(db, kind, summary);
}

export async function addIncidentEvent(db: Q, incidentId: string, what: string, details: Record<string, unknown> = {}): Promise<void> {
  await db
    .insertInto('incident_events')
    .values({ incident_id: incidentId, what, details: JSON.stringify(details) })
    .execute();
}

/** Resolves the open incident of a kind; answers its id, or undefined when none was open. */
export async function resolveIncident(db: Q, kind: string): Promise<string | undefined> {
  const row = await db
    .updateTable('incidents')
    .set({ status: 'resolved', resolved_at: sql<Date>`now()` })
    .where('kind', '=', kind)
    .where('status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function openIncidentId(db: Q, kind: string): Promise<string | undefined> {
  const row = await db.selectFrom('incidents').select('id').where('kind', '=', kind).where('status', '=', 'open').executeTakeFirst();
  return row?.id;
}

/** The newest incidents with their timelines, oldest event first. */
export async function listIncidents(db: Q, limit: number): Promise<Incident[]> {
  const rows = await db.selectFrom('incidents').selectAll().orderBy('opened_at', 'desc').limit(limit).execute();
  if (!rows.length) return [];
  const events = await db
    .selectFrom('incident_events')
    .selectAll()
    .where(
      'incident_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    summary: r.summary,
    openedAt: r.opened_at.toISOString(),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    timeline: events.filter((e) => e.incident_id === r.id).map((e) => ({ at: e.at.toISOString(), what: e.what, details: e.details })),
  }));
}

import { sql, type Kysely } from 'kysely';
import type { Selectable } from 'kysely';
import type { Database, IncidentCategory, IncidentSeverity, IncidentStatus, IncidentTable } from '../platform/database.types.js';

type Q = Kysely<Database>;

export const INCIDENT_CATEGORIES: readonly IncidentCategory[] = ['ddos', 'script_compromise', 'credential_stuffing', 'staff_access', 'data_exposure', 'other'];
export const INCIDENT_SEVERITIES: readonly IncidentSeverity[] = ['low', 'medium', 'high', 'critical'];

/** What each detector's incident is, in the response's words. */
export function categoryOf(kind: string): IncidentCategory {
  if (kind === 'traffic_flood') return 'ddos';
  if (kind === 'admin_token_guessing') return 'staff_access';
  return (INCIDENT_CATEGORIES as readonly string[]).includes(kind) ? (kind as IncidentCategory) : 'other';
}

export interface Incident {
  id: string;
  kind: string;
  category: IncidentCategory;
  status: IncidentStatus;
  title: string;
  summary: string;
  severity: IncidentSeverity;
  owner: string | null;
  openedBy: string;
  openedAt: string;
  /** When Taquilla became aware: GDPR Art. 33 gives 72 hours from here to tell the regulator. */
  awareAt: string;
  regulatorDeadline: string;
  containedAt: string | null;
  resolvedAt: string | null;
  timeline: { at: string; what: string; details: Record<string, unknown> }[];
}

/**
 * Opens a detector's incident of a kind unless one of the system's is open; either way answers the
 * open one's id and whether it is new.
 */
export async function openIncident(db: Q, kind: string, summary: string): Promise<{ id: string; opened: boolean }> {
  const inserted = await db
    .insertInto('incidents')
    .values({ kind, summary, category: categoryOf(kind), severity: kind === 'script_compromise' ? 'critical' : 'high' })
    .onConflict((oc) => oc.column('kind').where('status', '=', 'open').where('opened_by', '=', 'system').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, opened: true };
  const open = await openIncidentId(db, kind);
  // Resolved between the two statements by another process: open a fresh one.
  return open ? { id: open, opened: false } : openIncident(db, kind, summary);
}

/** An operator's incident (an outside tip, a bank's fraud alert): never merged with another. */
export async function createIncident(
  db: Q,
  input: { category: IncidentCategory; title: string; severity: IncidentSeverity; awareAt: Date; openedBy: string; owner: string | null },
): Promise<string> {
  const row = await db
    .insertInto('incidents')
    .values({
      kind: input.category,
      category: input.category,
      title: input.title,
      summary: input.title,
      severity: input.severity,
      aware_at: input.awareAt,
      opened_by: input.openedBy,
      owner: input.owner,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addIncidentEvent(db: Q, incidentId: string, what: string, details: Record<string, unknown> = {}): Promise<void> {
  await db
    .insertInto('incident_events')
    .values({ incident_id: incidentId, what, details: JSON.stringify(details) })
    .execute();
}

/** Adds one event to every incident not resolved yet of these categories (a widget switched off, a purge run). */
export async function addEventToOpenIncidents(
  db: Q,
  categories: readonly IncidentCategory[],
  what: string,
  details: Record<string, unknown> = {},
): Promise<number> {
  const result = await db
    .insertInto('incident_events')
    .columns(['incident_id', 'what', 'details'])
    .expression((eb) =>
      eb
        .selectFrom('incidents')
        .select(['id', sql.lit(what).as('what'), sql`${JSON.stringify(details)}::jsonb`.as('details')])
        .where('status', '<>', 'resolved')
        .where('category', 'in', [...categories]),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Resolves the system's open incident of a kind; answers its id, or undefined when none was open. */
export async function resolveIncident(db: Q, kind: string): Promise<string | undefined> {
  const row = await db
    .updateTable('incidents')
    .set({ status: 'resolved', resolved_at: sql<Date>`now()` })
    .where('kind', '=', kind)
    .where('status', '=', 'open')
    .where('opened_by', '=', 'system')
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function openIncidentId(db: Q, kind: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('incidents')
    .select('id')
    .where('kind', '=', kind)
    .where('status', '=', 'open')
    .where('opened_by', '=', 'system')
    .executeTakeFirst();
  return row?.id;
}

/** Changes what an operator may change; answers the row before and after, or undefined for an unknown id. */
export async function updateIncident(
  db: Q,
  id: string,
  change: { status?: IncidentStatus; severity?: IncidentSeverity; owner?: string | null; title?: string; awareAt?: Date },
) {
  const before = await db.selectFrom('incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  const status = change.status ?? before.status;
  const after = await db
    .updateTable('incidents')
    .set({
      status,
      severity: change.severity ?? before.severity,
      owner: change.owner === undefined ? before.owner : change.owner,
      title: change.title ?? before.title,
      aware_at: change.awareAt ?? before.aware_at,
      contained_at: status === 'contained' ? (before.contained_at ?? new Date()) : status === 'open' ? null : before.contained_at,
      resolved_at: status === 'resolved' ? (before.resolved_at ?? new Date()) : null,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { before, after };
}

const REGULATOR_HOURS = 72;

function present(row: Selectable<IncidentTable>, events: { incident_id: string; at: Date; what: string; details: unknown }[]): Incident {
  const aware = new Date(row.aware_at);
  return {
    id: row.id,
    kind: row.kind,
    category: row.category,
    status: row.status,
    title: row.title ?? row.summary,
    summary: row.summary,
    severity: row.severity,
    owner: row.owner,
    openedBy: row.opened_by,
    openedAt: row.opened_at.toISOString(),
    awareAt: aware.toISOString(),
    regulatorDeadline: new Date(aware.getTime() + REGULATOR_HOURS * 3600_000).toISOString(),
    containedAt: row.contained_at ? new Date(row.contained_at).toISOString() : null,
    resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
    timeline: events
      .filter((e) => e.incident_id === row.id)
      .map((e) => ({ at: e.at.toISOString(), what: e.what, details: e.details as Record<string, unknown> })),
  };
}

async function withTimelines(db: Q, rows: Selectable<IncidentTable>[]): Promise<Incident[]> {
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
  return rows.map((r) => present(r, events));
}

/** The newest incidents with their timelines, oldest event first. */
export async function listIncidents(db: Q, limit: number): Promise<Incident[]> {
  const rows = await db.selectFrom('incidents').selectAll().orderBy('opened_at', 'desc').limit(limit).execute();
  return withTimelines(db, rows);
}

export async function getIncident(db: Q, id: string): Promise<Incident | undefined> {
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return (await withTimelines(db, [row]))[0];
}

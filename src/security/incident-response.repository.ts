import { sql, type Selectable } from 'kysely';
import type { IncidentStep, IncidentStepRunTable } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/**
 * SQL of the response steps. Every step claims a person by inserting (incident, step, email) into
 * incident_step_people with ON CONFLICT DO NOTHING, in the same transaction as its action, and acts
 * only on the rows that insert returned: that row is the step's idempotence.
 */

export type StepRun = Selectable<IncidentStepRunTable>;
const count = (result: { numUpdatedRows?: bigint }) => Number(result.numUpdatedRows ?? 0n);

/**
 * One run of a step of an incident at a time, across processes: a session-level advisory lock held
 * on the run's own connection. A killed process's connection closes and PostgreSQL lets the lock go.
 */
export async function tryStepLock(conn: Db, incidentId: string, step: IncidentStep): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtextextended(${`incident-step:${incidentId}:${step}`}, 0)) AS ok`.execute(conn);
  return rows[0]?.ok === true;
}

export async function releaseStepLock(conn: Db, incidentId: string, step: IncidentStep): Promise<void> {
  await sql`SELECT pg_advisory_unlock(hashtextextended(${`incident-step:${incidentId}:${step}`}, 0))`.execute(conn);
}

/** Touches the run's own connection between pages: throws once it is gone, and the lock with it. */
export async function stillHeld(conn: Db): Promise<void> {
  await sql`SELECT 1`.execute(conn);
}

/** Under the step's lock every `running` row of it is a run whose process died: it is closed as failed at its last progress. */
export async function closeAbandonedRuns(db: Db, incidentId: string, step: IncidentStep): Promise<number> {
  const result = await db
    .updateTable('incident_step_runs')
    .set({ status: 'failed', finished_at: sql<Date>`updated_at` as never })
    .where('incident_id', '=', incidentId)
    .where('step', '=', step)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return count(result);
}

export function insertRun(db: Db, row: { incident_id: string; scope_id: string | null; step: IncidentStep; total: number; done: number; started_by: string }) {
  return db.insertInto('incident_step_runs').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function addProgress(tx: Db, runId: string, done: number, failed: number): Promise<void> {
  await tx
    .updateTable('incident_step_runs')
    .set({ done: sql<number>`done + ${done}`, failed: sql<number>`failed + ${failed}`, updated_at: sql<Date>`now()` as never })
    .where('id', '=', runId)
    .execute();
}

export function finishRun(db: Db, runId: string, status: 'done' | 'failed') {
  return db
    .updateTable('incident_step_runs')
    .set({ status, finished_at: sql<Date>`now()` as never, updated_at: sql<Date>`now()` as never })
    .where('id', '=', runId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listRuns(db: Db, incidentId: string) {
  return db.selectFrom('incident_step_runs').selectAll().where('incident_id', '=', incidentId).orderBy('started_at', 'desc').limit(100).execute();
}

/**
 * People recorded by the step during each run (one run of a step at a time, so its window is its
 * own). Compared in SQL: a JavaScript Date would cut the timestamps to milliseconds.
 */
export async function handledDuring(db: Db, runIds: string[]): Promise<Map<string, number>> {
  if (!runIds.length) return new Map();
  const { rows } = await sql<{ id: string; n: number }>`
    SELECT r.id, count(s.email)::int AS n
      FROM incident_step_runs r
      LEFT JOIN incident_step_people s
        ON s.incident_id = r.incident_id AND s.step = r.step AND s.at >= r.started_at AND s.at <= coalesce(r.finished_at, now())
     WHERE r.id = ANY(${runIds}::uuid[])
     GROUP BY r.id`.execute(db);
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** The people a step walks: a scope's, or (revoke_staff) every staff member, by email. */
export type Walk = { scopeId: string } | { staff: true };

/** How many people the walk holds, and how many of them the step has recorded already. */
export async function walkCounts(db: Db, incidentId: string, step: IncidentStep, walk: Walk): Promise<{ total: number; recorded: number }> {
  const people =
    'scopeId' in walk ? sql`SELECT email FROM incident_scope_people WHERE scope_id = ${walk.scopeId}::uuid` : sql`SELECT lower(email) AS email FROM staff`;
  const { rows } = await sql<{ total: number; recorded: number }>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM incident_step_people s WHERE s.incident_id = ${incidentId}::uuid AND s.step = ${step} AND s.email = p.email))::int AS recorded
      FROM (${people}) p`.execute(db);
  return rows[0] ?? { total: 0, recorded: 0 };
}

/** Of the scope's people the step has not recorded yet, how many have a customer account. */
export async function leftWithAccounts(db: Db, incidentId: string, step: IncidentStep, scopeId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM incident_scope_people p
     WHERE p.scope_id = ${scopeId}::uuid
       AND EXISTS (SELECT 1 FROM customers c WHERE lower(c.email) = p.email)
       AND NOT EXISTS (SELECT 1 FROM incident_step_people s WHERE s.incident_id = ${incidentId}::uuid AND s.step = ${step} AND s.email = p.email)`.execute(db);
  return rows[0]?.n ?? 0;
}

/** The first people the step has not recorded yet, for a dry run's sample. */
export async function firstLeft(db: Db, incidentId: string, step: IncidentStep, walk: Walk, limit: number) {
  const people =
    'scopeId' in walk
      ? sql`SELECT email, locale FROM incident_scope_people WHERE scope_id = ${walk.scopeId}::uuid`
      : sql`SELECT lower(email) AS email, NULL::text AS locale FROM staff`;
  const { rows } = await sql<{ email: string; locale: string | null }>`
    SELECT p.email, p.locale FROM (${people}) p
     WHERE NOT EXISTS (SELECT 1 FROM incident_step_people s WHERE s.incident_id = ${incidentId}::uuid AND s.step = ${step} AND s.email = p.email)
     ORDER BY p.email LIMIT ${limit}`.execute(db);
  return rows;
}

/** A page of staff, by email (case folded), for revoke_staff. */
export function staffPage(db: Db, after: string, limit: number) {
  return db
    .selectFrom('staff')
    .select(['id', sql<string>`lower(email)`.as('email')])
    .where(sql`lower(email)`, '>', after)
    .orderBy(sql`lower(email)`)
    .limit(limit)
    .execute();
}

/** Which of these emails the step has recorded already: skipped before any work is done for them. */
export async function recordedAmong(db: Db, incidentId: string, step: IncidentStep, emails: string[]): Promise<Set<string>> {
  if (!emails.length) return new Set();
  // One array parameter joined on the primary key: an `IN ($3..$1002)` list was planned generically
  // after five pages and filtered every recorded row against the list (2.95 s a page at 116,000).
  const { rows } = await sql<{ email: string }>`
    SELECT s.email FROM unnest(${emails}::text[]) AS e(email)
      JOIN incident_step_people s ON s.incident_id = ${incidentId}::uuid AND s.step = ${step} AND s.email = e.email`.execute(db);
  return new Set(rows.map((r) => r.email));
}

/** Claims these people for the step; answers the emails this transaction claimed (the others were claimed before). */
export async function claim(tx: Tx, incidentId: string, step: IncidentStep, people: { email: string; outcome: string }[]): Promise<Set<string>> {
  if (!people.length) return new Set();
  const rows = await tx
    .insertInto('incident_step_people')
    .values(people.map((p) => ({ incident_id: incidentId, step, email: p.email, outcome: p.outcome })))
    .onConflict((oc) => oc.doNothing())
    .returning('email')
    .execute();
  return new Set(rows.map((r) => r.email));
}

export interface Notice {
  email: string;
  locale: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Claims a page of people for `notify` and queues the notice of each one claimed, in one statement:
 * an email is queued exactly when its person's row is inserted. Priority -1: order confirmations go first.
 */
export async function claimAndQueueNotices(tx: Tx, incidentId: string, notices: Notice[]): Promise<number> {
  if (!notices.length) return 0;
  const col = <K extends keyof Notice>(key: K) => notices.map((n) => n[key]);
  const { rows } = await sql<{ queued: number }>`
    WITH page AS (
      SELECT * FROM unnest(${col('email')}::text[], ${col('locale')}::text[], ${col('subject')}::text[], ${col('text')}::text[], ${col('html')}::text[])
        AS n(email, locale, subject, body_text, body_html)
    ), claimed AS (
      INSERT INTO incident_step_people (incident_id, step, email, outcome)
      SELECT ${incidentId}::uuid, 'notify', email, 'queued' FROM page
      ON CONFLICT DO NOTHING
      RETURNING email
    ), queued AS (
      INSERT INTO outbox (kind, recipient, locale, subject, body_text, body_html, status, order_id, priority)
      SELECT 'incident_notice', page.email, page.locale, page.subject, page.body_text, page.body_html, 'queued', NULL, -1
        FROM page JOIN claimed USING (email)
      RETURNING 1
    )
    SELECT count(*)::int AS queued FROM queued`.execute(tx);
  return rows[0]?.queued ?? 0;
}

/** The emails among these that have a customer account (matched case-insensitively). */
export async function withAccounts(db: Db, emails: string[]): Promise<Set<string>> {
  if (!emails.length) return new Set();
  const { rows } = await sql<{ email: string }>`SELECT lower(email) AS email FROM customers WHERE lower(email) = ANY(${emails}::text[])`.execute(db);
  return new Set(rows.map((r) => r.email));
}

/** Ends every live session of these subjects in one statement; answers how many ended. */
export async function endSessionsOf(tx: Tx, kind: 'customer' | 'staff', subjectIds: string[], reason: string): Promise<number> {
  if (!subjectIds.length) return 0;
  const result = await tx
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` as never, revoked_reason: reason })
    .where('kind', '=', kind)
    .where('subject_id', 'in', subjectIds)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return count(result);
}

/**
 * Claims a page of people for `flag` (outcome `flagged`, or `no_account`) and marks the accounts of
 * those claimed as monitored because of this incident, in one statement.
 */
export async function claimAndFlag(tx: Tx, incidentId: string, emails: string[]): Promise<{ flagged: number; noAccount: number }> {
  if (!emails.length) return { flagged: 0, noAccount: 0 };
  const { rows } = await sql<{ flagged: number; no_account: number }>`
    WITH page AS (
      SELECT e.email, c.id FROM unnest(${emails}::text[]) AS e(email) LEFT JOIN customers c ON lower(c.email) = e.email
    ), claimed AS (
      INSERT INTO incident_step_people (incident_id, step, email, outcome)
      SELECT ${incidentId}::uuid, 'flag', email, CASE WHEN id IS NULL THEN 'no_account' ELSE 'flagged' END FROM page
      ON CONFLICT DO NOTHING
      RETURNING email, outcome
    ), flagged AS (
      UPDATE customers SET monitored_by_incident = ${incidentId}::uuid
       WHERE id IN (SELECT page.id FROM page JOIN claimed USING (email) WHERE claimed.outcome = 'flagged')
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM flagged)::int AS flagged, (SELECT count(*) FROM claimed WHERE outcome = 'no_account')::int AS no_account`.execute(tx);
  return { flagged: rows[0]?.flagged ?? 0, noAccount: rows[0]?.no_account ?? 0 };
}

/** Revokes every key not revoked yet (expired ones too, as the purge does); answers how many. */
export async function revokeKeys(db: Db, by: string, reason: string): Promise<number> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` as never, revoked_by: by, revoked_reason: reason })
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return count(result);
}

export async function keysNotRevoked(db: Db): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The incident that flagged the buyer of each order for monitoring, by order id: the order's
 * account, or the account with the order's buyer email.
 */
export async function monitoredOrders(db: Db, orderIds: string[]): Promise<Map<string, string>> {
  if (!orderIds.length) return new Map();
  const { rows } = await sql<{ id: string; incident: string }>`
    SELECT o.id, c.monitored_by_incident AS incident
      FROM orders o
      JOIN customers c ON c.id = o.customer_id OR lower(c.email) = lower(o.buyer_email)
     WHERE o.id = ANY(${orderIds}::uuid[]) AND c.monitored_by_incident IS NOT NULL`.execute(db);
  return new Map(rows.map((r) => [r.id, r.incident]));
}

import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';
import type { ScopeCriteria } from './incident-scopes.js';

/**
 * The scope query: every checkout attempt (checkout_records, one per order made) that matches all
 * the criteria given, grouped into people by buyer email (case folded), written as the scope's
 * list in the same statement. A build matches a record whose page named it (client_build_id) or
 * whose server served it (build_id): either is evidence the person ran that code.
 */
export async function materialiseScope(db: Db, scopeId: string, c: ScopeCriteria & { buildIds?: string[] }): Promise<void> {
  await sql`
    INSERT INTO incident_scope_people (scope_id, email, name, locale, customer_id, attempts, paid_orders, first_at, last_at)
    SELECT ${scopeId}::uuid, lower(c.buyer_email),
           (array_agg(o.buyer_name ORDER BY c.created_at DESC))[1],
           (array_agg(o.locale ORDER BY c.created_at DESC))[1],
           (array_agg(o.customer_id) FILTER (WHERE o.customer_id IS NOT NULL))[1],
           count(*), count(*) FILTER (WHERE o.paid_at IS NOT NULL),
           min(c.created_at), max(c.created_at)
      FROM checkout_records c
      JOIN orders o ON o.id = c.order_id
     WHERE ${scopeFilter(c)}
     GROUP BY lower(c.buyer_email)
  `.execute(db);
}

/**
 * The criteria as one SQL condition over `checkout_records c` joined to `orders o`: every query
 * that asks who is in a scope (the scope itself, its buyers per event) matches the same rows.
 */
export function scopeFilter(c: ScopeCriteria & { buildIds?: string[] }) {
  const where = [sql`true`];
  if (c.from) where.push(sql`c.created_at >= ${new Date(c.from)}`);
  if (c.to) where.push(sql`c.created_at < ${new Date(c.to)}`);
  if (c.buildIds?.length) where.push(sql`(c.build_id = ANY(${c.buildIds}::text[]) OR c.client_build_id = ANY(${c.buildIds}::text[]))`);
  if (c.storefronts?.length) where.push(sql`c.storefront = ANY(${c.storefronts}::text[])`);
  if (c.pageClasses?.length) where.push(sql`c.page_class = ANY(${c.pageClasses}::text[])`);
  if (c.performanceIds?.length) where.push(sql`o.performance_id = ANY(${c.performanceIds}::uuid[])`);
  if (c.eventIds?.length) where.push(sql`o.performance_id IN (SELECT id FROM performances WHERE event_id = ANY(${c.eventIds}::uuid[]))`);
  if (c.signedIn) where.push(sql`lower(c.buyer_email) IN (SELECT email FROM (${signedInPeople(c.signedIn)}) p)`);
  if (c.staffActions) where.push(sql`lower(c.buyer_email) IN (SELECT email FROM (${staffActionPeople(c.staffActions)}) p)`);
  return sql.join(where, sql` AND `);
}

/** Emails (folded) of customer accounts with a session opened from these addresses and/or in this window. */
function signedInPeople(s: NonNullable<ScopeCriteria['signedIn']>) {
  const where = [sql`s.kind = 'customer'`];
  // An address matches exactly, or falls in a CIDR range.
  if (s.addresses?.length) where.push(sql`s.ip IS NOT NULL AND s.ip::inet <<= ANY(${s.addresses}::inet[])`);
  if (s.from) where.push(sql`s.created_at >= ${new Date(s.from)}`);
  if (s.to) where.push(sql`s.created_at < ${new Date(s.to)}`);
  return sql`SELECT DISTINCT lower(cu.email) AS email FROM sessions s JOIN customers cu ON cu.id = s.subject_id WHERE ${sql.join(where, sql` AND `)}`;
}

/** Emails (folded) of the buyers of orders, and the customers, that these staff acted on (audit log). */
function staffActionPeople(a: NonNullable<ScopeCriteria['staffActions']>) {
  const where = [sql`true`];
  if (a.actors?.length) where.push(sql`l.actor = ANY(${a.actors}::text[])`);
  if (a.from) where.push(sql`l.at >= ${new Date(a.from)}`);
  if (a.to) where.push(sql`l.at < ${new Date(a.to)}`);
  const w = sql.join(where, sql` AND `);
  return sql`
    SELECT lower(o.buyer_email) AS email FROM audit_log l JOIN orders o ON l.subject_type = 'order' AND o.id::text = l.subject_id WHERE ${w}
    UNION
    SELECT lower(cu.email) FROM audit_log l JOIN customers cu ON l.subject_type = 'customer' AND cu.id::text = l.subject_id WHERE ${w}`;
}

/**
 * A scope chosen by sign-ins or staff actions alone: the people are those accounts and buyers,
 * whether or not they tried to buy since; their checkout attempts are counted beside them.
 */
export async function materialisePeopleScope(db: Db, scopeId: string, c: ScopeCriteria): Promise<void> {
  const sources = [...(c.signedIn ? [signedInPeople(c.signedIn)] : []), ...(c.staffActions ? [staffActionPeople(c.staffActions)] : [])];
  // Both given: the people in both (criteria combine with AND).
  const chosen = sources.length === 2 ? sql`(${sources[0]}) INTERSECT (${sources[1]})` : sources[0]!;
  await sql`
    INSERT INTO incident_scope_people (scope_id, email, name, locale, customer_id, attempts, paid_orders, first_at, last_at)
    SELECT ${scopeId}::uuid, p.email,
           coalesce(cu.name, b.name, ''), coalesce(cu.locale, b.locale, 'en'), cu.id,
           coalesce(b.attempts, 0), coalesce(b.paid, 0),
           coalesce(b.first_at, cu.created_at, now()), coalesce(b.last_at, cu.created_at, now())
      FROM (${chosen}) p
      LEFT JOIN customers cu ON lower(cu.email) = p.email
      LEFT JOIN LATERAL (
        SELECT (array_agg(o.buyer_name ORDER BY c.created_at DESC))[1] AS name,
               (array_agg(o.locale ORDER BY c.created_at DESC))[1] AS locale,
               count(*) AS attempts, count(*) FILTER (WHERE o.paid_at IS NOT NULL) AS paid,
               min(c.created_at) AS first_at, max(c.created_at) AS last_at
          FROM checkout_records c JOIN orders o ON o.id = c.order_id
         WHERE lower(c.buyer_email) = p.email
      ) b ON true
  `.execute(db);
}

/** Builds whose registered manifest has an asset with this sha384. */
export async function buildsServingHash(db: Db, hashes: string[]): Promise<string[]> {
  if (!hashes.length) return [];
  const rows = await sql<{ build_id: string }>`
    SELECT build_id FROM web_builds b
     WHERE EXISTS (SELECT 1 FROM jsonb_each(b.manifest->'assets') a WHERE a.value->>'sha384' = ANY(${hashes}::text[]))
  `.execute(db);
  return rows.rows.map((r) => r.build_id);
}

export async function scopeTotals(db: Db, scopeId: string): Promise<{ people: number; attempts: number }> {
  const row = await db
    .selectFrom('incident_scope_people')
    .select((eb) => [eb.fn.countAll<string>().as('people'), eb.fn.sum<string>('attempts').as('attempts')])
    .where('scope_id', '=', scopeId)
    .executeTakeFirstOrThrow();
  return { people: Number(row.people), attempts: Number(row.attempts ?? 0) };
}

/** Everyone who ever bought or tried to: the denominator of a scope's share (an index-only scan). */
export async function allBuyers(db: Db): Promise<number> {
  const row = await sql<{ n: string }>`SELECT count(*) AS n FROM (SELECT 1 FROM orders GROUP BY lower(buyer_email)) e`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/**
 * How many people (distinct folded emails) and checkout attempts match, without listing them.
 * Grouped with a hash rather than counted DISTINCT (a sort), and joined to orders only when a
 * criterion needs the order (its performance or event): the plan of a one-build scope over 3
 * million attempts spent 0.5 s hashing all of orders for a join it did not need.
 */
export async function countScope(db: Db, c: ScopeCriteria & { buildIds?: string[] }): Promise<{ people: number; attempts: number }> {
  const needsOrder = Boolean(c.performanceIds?.length || c.eventIds?.length);
  const { rows } = await sql<{ people: string; attempts: string }>`
    SELECT count(*) AS people, coalesce(sum(n), 0) AS attempts FROM (
      SELECT count(*) AS n
        FROM checkout_records c
        ${needsOrder ? sql`JOIN orders o ON o.id = c.order_id` : sql``}
       WHERE ${scopeFilter(c)}
       GROUP BY lower(c.buyer_email)
    ) people
  `.execute(db);
  return { people: Number(rows[0]?.people ?? 0), attempts: Number(rows[0]?.attempts ?? 0) };
}

/** Every checkout attempt there is (a scope with no criteria). */
export async function allAttempts(db: Db): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM checkout_records`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Runs `write` for a scope whose list is not complete yet, once: a transaction-scoped advisory
 * lock per scope makes a second caller wait for the first and then find the list ready.
 */
export async function completeScopeOnce(db: Db, scopeId: string, write: (tx: Db) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`incident-scope:${scopeId}`}, 0))`.execute(tx);
    const scope = await tx.selectFrom('incident_scopes').select('ready_at').where('id', '=', scopeId).executeTakeFirst();
    if (!scope || scope.ready_at) return;
    await write(tx);
    await tx.updateTable('incident_scopes').set({ ready_at: new Date() }).where('id', '=', scopeId).execute();
  });
}

export function insertScope(
  db: Db,
  row: {
    incident_id: string;
    criteria: string;
    people: number;
    checkout_attempts: number;
    all_people: number;
    query_ms: number;
    created_by: string;
    ready_at?: Date | null;
  },
) {
  return db.insertInto('incident_scopes').values(row).returning(['id', 'created_at']).executeTakeFirstOrThrow();
}

export function updateScopeCounts(db: Db, id: string, counts: { people: number; checkout_attempts: number; all_people: number; query_ms: number }) {
  return db.updateTable('incident_scopes').set(counts).where('id', '=', id).execute();
}

export function getScope(db: Db, incidentId: string, scopeId: string) {
  return db.selectFrom('incident_scopes').selectAll().where('id', '=', scopeId).where('incident_id', '=', incidentId).executeTakeFirst();
}

export function listScopes(db: Db, incidentId: string) {
  return db.selectFrom('incident_scopes').selectAll().where('incident_id', '=', incidentId).orderBy('created_at', 'desc').execute();
}

/** The scope's people in pages, by email: what the CSV and the response steps walk. */
export function scopePeople(db: Db, scopeId: string, after: string, limit: number) {
  return db.selectFrom('incident_scope_people').selectAll().where('scope_id', '=', scopeId).where('email', '>', after).orderBy('email').limit(limit).execute();
}

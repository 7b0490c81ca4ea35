import { sql } from 'kysely';
import type { DormantDisabled } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/**
 * SQL for the access review and the dormant-account job.
 *
 * A staff account's last activity is the latest of its creation, its last use and its latest
 * invitation: an account never used counts from its creation, and a fresh invitation (a re-invite
 * after a purge) is a fresh start. A key's is its last use, or its creation.
 */
const lastActivity = sql<Date>`greatest(s.created_at, s.last_used_at, (SELECT max(i.created_at) FROM staff_invitations i WHERE i.staff_id = s.id))`;

/** Every staff account with its factors and last activity, owners first. */
export function staffForReview(db: Db | Tx) {
  return db
    .selectFrom('staff as s')
    .select([
      's.id',
      's.email',
      's.name',
      's.role',
      's.status',
      's.event_ids',
      's.performance_ids',
      's.refund_limit',
      's.created_at',
      's.last_used_at',
      's.disabled_reason',
      sql<boolean>`s.totp_secret IS NOT NULL`.as('totp'),
      sql<number>`(SELECT count(*) FROM staff_passkeys p WHERE p.staff_id = s.id)::int`.as('passkeys'),
      sql<number>`(SELECT count(*) FROM staff_recovery_codes r WHERE r.staff_id = s.id AND r.used_at IS NULL)::int`.as('recovery_codes_left'),
      lastActivity.as('last_activity_at'),
    ])
    .orderBy(sql`s.role = 'owner'`, 'desc')
    .orderBy('s.created_at')
    .execute();
}

/** Uses of the break-glass token in the last `days` days (the audit log records each one). */
export async function breakGlassUses(db: Db | Tx, days: number): Promise<{ count: number; lastAt: Date | null }> {
  const row = await db
    .selectFrom('audit_log')
    .select([sql<number>`count(*)::int`.as('count'), sql<Date | null>`max(at)`.as('last_at')])
    .where('action', '=', 'accounts.break_glass.used')
    .where('at', '>', sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirstOrThrow();
  return { count: row.count, lastAt: row.last_at };
}

/** What the dormant job disabled over the last `days` days, newest first. */
export function recentRuns(db: Db | Tx, days: number) {
  return db
    .selectFrom('access_review_runs')
    .select([sql<string>`day::text`.as('day'), 'ran_at', 'dormant_days', 'disabled'])
    .where('day', '>', sql<string>`(now() AT TIME ZONE 'UTC')::date - ${days}::int`)
    .orderBy('day', 'desc')
    .execute();
}

// --- the dormant job ---------------------------------------------------------------------------

/**
 * Claims today's run (UTC). Only the transaction that inserts the row does the work; one that
 * tries while another holds it waits for that one's commit and then finds it taken. The advisory
 * lock, tried first, lets a second process skip at once instead of waiting.
 */
export async function claimToday(tx: Tx, dormantDays: number): Promise<string | undefined> {
  const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext('taquilla:access_review')) AS ok`.execute(tx);
  if (!locked.rows[0]?.ok) return undefined;
  const row = await sql<{ day: string }>`
    INSERT INTO access_review_runs (day, dormant_days) VALUES ((now() AT TIME ZONE 'UTC')::date, ${dormantDays})
    ON CONFLICT (day) DO NOTHING RETURNING day::text`.execute(tx);
  return row.rows[0]?.day;
}

export async function ranToday(db: Db): Promise<boolean> {
  const row = await db.selectFrom('access_review_runs').select('day').where('day', '=', sql<string>`(now() AT TIME ZONE 'UTC')::date`).executeTakeFirst();
  return row !== undefined;
}

export async function recordRun(tx: Tx, day: string, disabled: DormantDisabled[]): Promise<void> {
  await tx
    .updateTable('access_review_runs')
    .set({ disabled: JSON.stringify(disabled) })
    .where('day', '=', sql<string>`${day}::date`)
    .execute();
}

/** Staff accounts (active or invited) with no activity for `days` days, locked. */
export function lockDormantStaff(tx: Tx, days: number) {
  return tx
    .selectFrom('staff as s')
    .select(['s.id', 's.email', 's.name', 's.role', 's.status', lastActivity.as('last_activity_at')])
    .where('s.status', 'in', ['active', 'invited'])
    .where(lastActivity, '<', sql<Date>`now() - make_interval(days => ${days})`)
    .orderBy('s.id')
    .forUpdate()
    .execute();
}

/** Active owners, most recently active first. */
export function activeOwners(db: Db | Tx) {
  return db
    .selectFrom('staff as s')
    .select(['s.id', lastActivity.as('last_activity_at')])
    .where('s.role', '=', 'owner')
    .where('s.status', '=', 'active')
    .orderBy(lastActivity, 'desc')
    .execute();
}

/** Live keys (not revoked, not expired) unused for `days` days, locked. */
export function lockDormantKeys(tx: Tx, days: number) {
  return tx
    .selectFrom('api_keys')
    .select(['id', 'name', 'public_id', 'created_at', 'last_used_at'])
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where(sql<Date>`coalesce(last_used_at, created_at)`, '<', sql<Date>`now() - make_interval(days => ${days})`)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function disableStaff(tx: Tx, id: string, reason: string): Promise<void> {
  await tx.updateTable('staff').set({ status: 'disabled', disabled_reason: reason }).where('id', '=', id).execute();
}

/** Who hears about what the access review did: active owners and security officers. */
export async function reviewRecipients(db: Db | Tx): Promise<string[]> {
  const rows = await db
    .selectFrom('staff')
    .select('email')
    .where('role', 'in', ['owner', 'security'])
    .where('status', '=', 'active')
    .orderBy('email')
    .execute();
  return rows.map((r) => r.email);
}

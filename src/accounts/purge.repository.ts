import { sql } from 'kysely';
import type { Tx } from '../platform/transaction.js';

/**
 * SQL for the access purge: set-based statements, one each, so it takes seconds whatever the size
 * of the staff. Each answers how many rows it changed.
 */

/**
 * Holds off every other write to staff accounts and keys (invitations accepted, factors enrolled,
 * keys made) until the purge commits, so none slips in between its statements. Reads go on.
 */
export async function lockAccess(tx: Tx): Promise<void> {
  await sql`LOCK TABLE staff, api_keys, staff_invitations, staff_passkeys, staff_recovery_codes IN EXCLUSIVE MODE`.execute(tx);
}

const count = (result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) => Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);

/** Ends every live staff session. */
export async function endStaffSessions(tx: Tx): Promise<number> {
  const result = await tx
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` as never, revoked_reason: 'access purge' })
    .where('kind', '=', 'staff')
    .where('revoked_at', 'is', null)
    .where('absolute_expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return count(result);
}

/** Revokes every key not revoked yet (expired ones too: nothing of the old access stays). */
export async function revokeAllKeys(tx: Tx, by: string): Promise<number> {
  const result = await tx
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` as never, revoked_by: by, revoked_reason: 'purge' })
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return count(result);
}

/**
 * Forgets every password and TOTP secret; accounts that were not disabled go back to `invited`,
 * so only a new invitation lets anyone in again. Answers the accounts, passwords and TOTP secrets reset.
 */
export async function resetCredentials(tx: Tx): Promise<{ staff: number; passwords: number; totp: number }> {
  const row = await sql<{ staff: number; passwords: number; totp: number }>`
    WITH before AS (
      SELECT id, password_hash IS NOT NULL AS had_password, totp_secret IS NOT NULL AS had_totp FROM staff FOR UPDATE
    ), reset AS (
      UPDATE staff s SET
        password_hash = NULL,
        password_changed_at = now(),
        totp_secret = NULL,
        totp_last_step = NULL,
        status = CASE WHEN s.status = 'disabled' THEN 'disabled' ELSE 'invited' END
      FROM before b WHERE b.id = s.id
      RETURNING b.had_password, b.had_totp
    )
    SELECT count(*)::int AS staff, count(*) FILTER (WHERE had_password)::int AS passwords, count(*) FILTER (WHERE had_totp)::int AS totp FROM reset`.execute(
    tx,
  );
  return row.rows[0] ?? { staff: 0, passwords: 0, totp: 0 };
}

export async function removePasskeys(tx: Tx): Promise<number> {
  return count(await tx.deleteFrom('staff_passkeys').executeTakeFirst());
}

/** Removes every recovery code; answers how many were still unused. */
export async function removeRecoveryCodes(tx: Tx): Promise<number> {
  const row = await sql<{ unused: number }>`
    WITH removed AS (DELETE FROM staff_recovery_codes RETURNING used_at)
    SELECT count(*) FILTER (WHERE used_at IS NULL)::int AS unused FROM removed`.execute(tx);
  return row.rows[0]?.unused ?? 0;
}

/** Invitations not used yet stop working: one sent before the purge may be in the wrong hands. */
export async function cancelInvitations(tx: Tx): Promise<number> {
  const result = await tx
    .updateTable('staff_invitations')
    .set({ expires_at: sql<Date>`now()` as never })
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return count(result);
}

/** The owner the purge keeps by default: the oldest active one. */
export function oldestActiveOwner(tx: Tx) {
  return tx
    .selectFrom('staff')
    .select(['id', 'email'])
    .where('role', '=', 'owner')
    .where('status', '=', 'active')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

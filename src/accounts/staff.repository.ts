import { sql } from 'kysely';
import type { StaffRole } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for staff accounts, their invitations, passkeys and recovery codes. */

export function findStaffById(db: Db | Tx, id: string) {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findStaffByEmail(db: Db | Tx, email: string) {
  return db.selectFrom('staff').selectAll().where(sql`lower(email)`, '=', email.trim().toLowerCase()).executeTakeFirst();
}

export function lockStaff(tx: Tx, id: string) {
  return tx.selectFrom('staff').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertStaff(
  db: Db | Tx,
  row: { email: string; name: string; role: StaffRole; eventIds: string[]; performanceIds: string[]; refundLimit: number | null; createdBy: string },
) {
  return db
    .insertInto('staff')
    .values({
      email: row.email.trim(),
      name: row.name,
      role: row.role,
      event_ids: row.eventIds,
      performance_ids: row.performanceIds,
      refund_limit: row.refundLimit,
      created_by: row.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listStaff(db: Db) {
  return db.selectFrom('staff').selectAll().orderBy('created_at').execute();
}

/** Marks the account used now (sign-in, any authorised request); at most once a minute. */
export async function markStaffUsed(db: Db, id: string): Promise<void> {
  await db
    .updateTable('staff')
    .set({ last_used_at: sql<Date>`now()` as never })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '60 seconds'`)]))
    .execute();
}

export async function insertInvitation(db: Db | Tx, staffId: string, tokenHash: string, hours: number): Promise<void> {
  await db
    .insertInto('staff_invitations')
    .values({ staff_id: staffId, token_hash: tokenHash, expires_at: sql<Date>`now() + make_interval(hours => ${hours})` as never })
    .execute();
}

/** An unused, unexpired invitation, locked so it is used once. */
export function lockInvitation(tx: Tx, tokenHash: string) {
  return tx
    .selectFrom('staff_invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .forUpdate()
    .executeTakeFirst();
}

export function passkeysOf(db: Db | Tx, staffId: string) {
  return db.selectFrom('staff_passkeys').selectAll().where('staff_id', '=', staffId).orderBy('created_at').execute();
}

export function findPasskey(db: Db | Tx, credentialId: string) {
  return db.selectFrom('staff_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

export async function replaceRecoveryCodes(db: Db | Tx, staffId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
  if (hashes.length)
    await db
      .insertInto('staff_recovery_codes')
      .values(hashes.map((code_hash) => ({ staff_id: staffId, code_hash })))
      .execute();
}

/** Spends a recovery code: true once, false for an unknown or already used one. */
export async function spendRecoveryCode(db: Db | Tx, staffId: string, hash: string): Promise<boolean> {
  const spent = await db
    .updateTable('staff_recovery_codes')
    .set({ used_at: new Date() })
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return spent.numUpdatedRows > 0n;
}

export async function recoveryCodesLeft(db: Db | Tx, staffId: string): Promise<number> {
  const row = await db
    .selectFrom('staff_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('staff_id', '=', staffId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

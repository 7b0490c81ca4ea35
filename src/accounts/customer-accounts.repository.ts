import { sql } from 'kysely';
import type { CustomerLocale, CustomerTokenPurpose } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for customer accounts, their emailed tokens and recovery codes. */

export type CustomerRow = NonNullable<Awaited<ReturnType<typeof findCustomerById>>>;

export function findCustomerById(db: Db | Tx, id: string) {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCustomerByEmail(db: Db | Tx, email: string) {
  return db.selectFrom('customers').selectAll().where(sql`lower(email)`, '=', email.trim().toLowerCase()).executeTakeFirst();
}

export function lockCustomer(tx: Tx, id: string) {
  return tx.selectFrom('customers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** A new account, or undefined when the email is taken (the unique index decides, race-free). */
export function insertCustomer(db: Db | Tx, row: { email: string; name: string; passwordHash: string; locale: CustomerLocale }) {
  return db
    .insertInto('customers')
    .values({ email: row.email.trim(), name: row.name, password_hash: row.passwordHash, locale: row.locale })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateCustomer(
  db: Db | Tx,
  id: string,
  set: Partial<{ name: string; locale: CustomerLocale; totp_secret: string | null; totp_last_step: number | null; email_verified_at: Date }>,
): Promise<void> {
  await db.updateTable('customers').set(set).where('id', '=', id).execute();
}

/** A new password: a forced reset is then done, so the account may be marked again later. */
export async function setPassword(db: Db | Tx, id: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({ password_hash: passwordHash, password_changed_at: new Date(), must_reset: false, reset_requested_at: null })
    .where('id', '=', id)
    .execute();
}

/** Marks the account used now (sign-in, an authorised request); at most once a minute. */
export async function markCustomerUsed(db: Db, id: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({ last_used_at: sql<Date>`now()` as never })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '60 seconds'`)]))
    .execute();
}

export async function insertToken(db: Db | Tx, customerId: string, purpose: CustomerTokenPurpose, tokenHash: string, minutes: number): Promise<void> {
  await db
    .insertInto('customer_tokens')
    .values({ customer_id: customerId, purpose, token_hash: tokenHash, expires_at: sql<Date>`now() + make_interval(mins => ${minutes})` as never })
    .execute();
}

export function findLiveToken(db: Db | Tx, tokenHash: string, purpose: CustomerTokenPurpose) {
  return db
    .selectFrom('customer_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** An unused, unexpired token for `purpose`, locked so it is used once. */
export function lockLiveToken(tx: Tx, tokenHash: string, purpose: CustomerTokenPurpose) {
  return tx
    .selectFrom('customer_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .forUpdate()
    .executeTakeFirst();
}

/** Spends every live token of a purpose: after a reset, an older reset link opens nothing. */
export async function spendTokens(db: Db | Tx, customerId: string, purpose: CustomerTokenPurpose): Promise<void> {
  await db
    .updateTable('customer_tokens')
    .set({ used_at: new Date() })
    .where('customer_id', '=', customerId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** Whether a live token of this purpose was sent in the last `minutes` (so another email would be a duplicate). */
export async function recentLiveToken(db: Db | Tx, customerId: string, purpose: CustomerTokenPurpose, minutes: number): Promise<boolean> {
  const row = await db
    .selectFrom('customer_tokens')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('created_at', '>', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirst();
  return row !== undefined;
}

export async function replaceRecoveryCodes(db: Db | Tx, customerId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('customer_recovery_codes').where('customer_id', '=', customerId).execute();
  if (hashes.length)
    await db
      .insertInto('customer_recovery_codes')
      .values(hashes.map((code_hash) => ({ customer_id: customerId, code_hash })))
      .execute();
}

export async function spendRecoveryCode(db: Db | Tx, customerId: string, hash: string): Promise<boolean> {
  const spent = await db
    .updateTable('customer_recovery_codes')
    .set({ used_at: new Date() })
    .where('customer_id', '=', customerId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return spent.numUpdatedRows > 0n;
}

export async function recoveryCodesLeft(db: Db | Tx, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('customer_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The accounts of these emails (lowercased), locked, for a forced reset. */
export function lockCustomersByEmail(tx: Tx, emails: string[]) {
  return tx.selectFrom('customers').select(['id', 'email', 'locale', 'must_reset']).where(sql`lower(email)`, 'in', emails).orderBy('id').forUpdate().execute();
}

export async function markForcedReset(tx: Tx, ids: string[]): Promise<void> {
  if (ids.length) await tx.updateTable('customers').set({ must_reset: true, reset_requested_at: new Date() }).where('id', 'in', ids).execute();
}

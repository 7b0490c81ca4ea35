import type { Db, Tx } from '../platform/transaction.js';

/** SQL for fans' passkeys. */

export type CustomerPasskeyRow = NonNullable<Awaited<ReturnType<typeof findPasskeyByCredential>>>;

export function passkeysOf(db: Db | Tx, customerId: string) {
  return db.selectFrom('customer_passkeys').selectAll().where('customer_id', '=', customerId).orderBy('created_at').execute();
}

export async function hasPasskeys(db: Db | Tx, customerId: string): Promise<boolean> {
  const row = await db.selectFrom('customer_passkeys').select('id').where('customer_id', '=', customerId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export function findPasskeyByCredential(db: Db | Tx, credentialId: string) {
  return db.selectFrom('customer_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

/** The new passkey, or undefined when its credential id is already stored (the unique index decides). */
export function insertPasskey(
  db: Db | Tx,
  row: { customerId: string; credentialId: string; publicKey: Buffer; counter: number; transports: string[]; name: string },
) {
  return db
    .insertInto('customer_passkeys')
    .values({
      customer_id: row.customerId,
      credential_id: row.credentialId,
      public_key: row.publicKey,
      counter: row.counter,
      transports: row.transports,
      name: row.name,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function markPasskeyUsed(db: Db | Tx, id: string, counter: number): Promise<void> {
  await db.updateTable('customer_passkeys').set({ counter, last_used_at: new Date() }).where('id', '=', id).execute();
}

/** Deletes one of the customer's own passkeys; false when they have none with that id. */
export async function deletePasskey(db: Db | Tx, customerId: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom('customer_passkeys').where('id', '=', id).where('customer_id', '=', customerId).executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

import { sql } from 'kysely';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for API keys. `secret_hash` is the SHA-256 of the key's secret; the secret itself is never stored. */

export async function insertApiKey(
  db: Db | Tx,
  row: { publicId: string; secretHash: string; name: string; permissions: string[]; performanceIds: string[]; createdBy: string; expiresInDays: number },
) {
  return db
    .insertInto('api_keys')
    .values({
      public_id: row.publicId,
      secret_hash: row.secretHash,
      name: row.name,
      permissions: row.permissions,
      performance_ids: row.performanceIds,
      created_by: row.createdBy,
      expires_at: sql<Date>`now() + make_interval(days => ${row.expiresInDays})` as never,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The live key with this public id (not revoked, not expired); `stale` says its last use is worth recording. */
export function findLiveApiKey(db: Db, publicId: string) {
  return db
    .selectFrom('api_keys')
    .select([
      'id',
      'secret_hash',
      'name',
      'permissions',
      'performance_ids',
      sql<boolean>`last_used_at IS NULL OR last_used_at < now() - interval '60 seconds'`.as('stale'),
    ])
    .where('public_id', '=', publicId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Records a use; at most once a minute per key, so a busy scanner does not write on every scan. */
export async function markApiKeyUsed(db: Db, id: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` as never })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '60 seconds'`)]))
    .execute();
}

export function findApiKey(db: Db | Tx, id: string) {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApiKeys(db: Db | Tx) {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').limit(1000).execute();
}

/** Revokes a key that is not revoked yet; undefined when it was (or does not exist). */
export function revokeApiKey(db: Db | Tx, id: string, by: string, reason: string) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` as never, revoked_by: by, revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Which of these performances exist. */
export async function existingPerformances(db: Db | Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('performances').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

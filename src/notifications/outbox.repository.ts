import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, NewOutboxMessage, OutboxTable } from '../platform/database.types.js';

export type OutboxMessage = Selectable<OutboxTable>;
export type OutboxStatus = OutboxMessage['status'];

/** A message that fails this many times is set aside as 'failed' instead of being retried. */
export const MAX_ATTEMPTS = 5;

type Q = Kysely<Database>;

export async function insertMessage(db: Q, message: NewOutboxMessage): Promise<string> {
  const row = await db.insertInto('outbox').values(message).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Messages waiting to be sent, and how long the oldest has waited (seconds; 0 when none): one scan of the queued index. */
export async function queuedBacklog(db: Q): Promise<{ queued: number; oldestSeconds: number }> {
  const row = await db
    .selectFrom('outbox')
    .select([sql<number>`count(*)::int`.as('queued'), sql<number>`coalesce(extract(epoch from now() - min(created_at)), 0)::float8`.as('oldest')])
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  return { queued: row.queued, oldestSeconds: row.oldest };
}

/**
 * Locks the oldest queued messages for the caller's transaction; concurrent workers skip them
 * rather than wait, so no message is handed out twice while its lock is held.
 */
export async function claimQueued(tx: Q, limit: number): Promise<OutboxMessage[]> {
  // Outside a transaction the row locks would be released before the caller could use them.
  if (!tx.isTransaction) throw new Error('claimQueued must run inside a transaction');
  // Higher priority first: a fan's order confirmation never waits behind 100,000 breach notices.
  return tx
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'queued')
    .orderBy('priority', 'desc')
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markSent(db: Q, id: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: sql<Date>`now()`, attempts: sql<number>`attempts + 1`, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** Counts the attempt; returns the new status: 'queued' to retry, or 'failed' after MAX_ATTEMPTS. */
export async function markFailed(db: Q, id: string, error: string): Promise<OutboxStatus> {
  const row = await db
    .updateTable('outbox')
    .set({
      attempts: sql<number>`attempts + 1`,
      status: sql<OutboxStatus>`CASE WHEN attempts + 1 >= ${MAX_ATTEMPTS} THEN 'failed' ELSE 'queued' END`,
      last_error: error.slice(0, 1000),
    })
    .where('id', '=', id)
    .returning('status')
    .executeTakeFirstOrThrow();
  return row.status;
}

/** Without SMTP the messages stay in the database for the operator to read. */
export async function markKept(db: Q, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('outbox').set({ status: 'kept' }).where('id', 'in', ids).execute();
}

export interface MessageFilter {
  limit: number;
  offset: number;
  status?: OutboxStatus;
  recipient?: string;
}

export async function listMessages(db: Q, filter: MessageFilter): Promise<{ messages: OutboxMessage[]; total: number }> {
  let query = db.selectFrom('outbox');
  if (filter.status) query = query.where('status', '=', filter.status);
  // Addresses are matched case-insensitively, as mail servers treat them.
  if (filter.recipient) query = query.where(sql<string>`lower(recipient)`, '=', filter.recipient.toLowerCase());
  const [messages, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { messages, total: count.total };
}

export async function findMessage(db: Q, id: string): Promise<OutboxMessage | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

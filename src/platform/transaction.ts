import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.types.js';
import { AppError } from './errors.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/**
 * How long any statement waits for a row lock before failing with 55P03: set on every pooled
 * connection at connect (platform/database.ts), so a stock write needs no round trip for it and a
 * single-statement write (an implicit transaction) is bounded too.
 */
export const LOCK_TIMEOUT_MS = 2000;

/**
 * A lock timeout other than the connection's, for the rest of the transaction. Refuses to run
 * outside a transaction, because `SET LOCAL` would silently do nothing there.
 */
export async function setLockTimeout(tx: Kysely<Database>, lockTimeoutMs: number): Promise<void> {
  if (!tx.isTransaction) throw new Error('setLockTimeout must run inside a transaction');
  await sql`SELECT set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`.execute(tx);
}

/**
 * Every write that changes stock in more than one statement runs through here: one transaction
 * whose row locks give up after `lockTimeoutMs` instead of queueing without bound (the
 * connection's own limit unless another is asked for).
 */
export function stockTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, lockTimeoutMs = LOCK_TIMEOUT_MS): Promise<T> {
  return db.transaction().execute(async (tx) => {
    if (lockTimeoutMs !== LOCK_TIMEOUT_MS) await setLockTimeout(tx, lockTimeoutMs);
    return work(tx);
  });
}

/** Thrown inside a stock transaction when rows it needs are locked by others right now. */
export class ContendedError extends Error {
  constructor() {
    super('stock is momentarily locked by other transactions');
  }
}

/** What a stock write answers once `withRetry` gave up on a ContendedError: 503 `busy`, retry in a second. Any other error as it was. */
export function busyIfContended(error: unknown): unknown {
  return error instanceof ContendedError ? new AppError('busy', 503, 'Tickets are in high demand; please retry', { retryAfter: 1 }) : error;
}

const RETRYABLE = new Set(['40P01', '40001', '55P03']);

/**
 * Runs `work` again (a fresh transaction each time) on deadlock, serialization failure, lock
 * timeout or ContendedError, with jittered backoff, up to `attempts` times.
 */
export async function withRetry<T>(work: () => Promise<T>, attempts = 40): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const retryable = error instanceof ContendedError || (code !== undefined && RETRYABLE.has(code));
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.min(50, 2 * attempt) * Math.random() + 1));
    }
  }
}

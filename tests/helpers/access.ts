import { sql } from 'kysely';
import type { Db } from '../../src/platform/transaction.js';

/**
 * The clock the access review reads is the database's: these move an account's or a key's past
 * back instead (created, invited and last used `days` ago; never used when `used` is false).
 */
export async function ageStaff(db: Db, id: string, days: number, used = true): Promise<void> {
  await sql`UPDATE staff SET created_at = now() - make_interval(days => ${days}), last_used_at = ${used ? sql`now() - make_interval(days => ${days})` : null} WHERE id = ${id}`.execute(
    db,
  );
  await sql`UPDATE staff_invitations SET created_at = now() - make_interval(days => ${days}) WHERE staff_id = ${id}`.execute(db);
}

export async function ageKey(db: Db, id: string, days: number, used = true): Promise<void> {
  await sql`UPDATE api_keys SET created_at = now() - make_interval(days => ${days}), last_used_at = ${used ? sql`now() - make_interval(days => ${days})` : null} WHERE id = ${id}`.execute(
    db,
  );
}

/** Forgets the days the dormant job ran, so a test can run it again "tomorrow". */
export async function forgetReviewRuns(db: Db): Promise<void> {
  await sql`DELETE FROM access_review_runs`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * The performance a waiting line is being moved to, written before the move opens it (issue 15).
 * A move cut short (Redis or PostgreSQL away between opening the next performance and moving the
 * line) is finished by asking for it again: the retry reads its target here, instead of looking
 * for a next performance that is still scheduled and finding none, since the first try opened it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE waiting_rooms ADD COLUMN moving_to uuid REFERENCES performances(id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE waiting_rooms DROP COLUMN moving_to`.execute(db);
}

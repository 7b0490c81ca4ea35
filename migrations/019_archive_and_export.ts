import { sql, type Kysely } from 'kysely';

/**
 * Removing what was never sold, and reading what was (issue 14):
 * - `archived_at` on venues, events and performances: an archived one is hidden from the public
 *   pages and from the console's default lists, and kept for its history (a venue, event or
 *   performance with nothing behind it is deleted outright instead).
 * - Orders read newest first, or in order for an export, by (created_at, id), for one
 *   performance or all: keyset pages and streamed exports walk these indexes instead of sorting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE venues ADD COLUMN archived_at timestamptz;
    ALTER TABLE events ADD COLUMN archived_at timestamptz;
    ALTER TABLE performances ADD COLUMN archived_at timestamptz;
    CREATE INDEX orders_performance_created ON orders (performance_id, created_at, id);
    CREATE INDEX orders_created ON orders (created_at, id);
    CREATE INDEX tickets_performance ON tickets (performance_id, created_at, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX tickets_performance;
    DROP INDEX orders_created;
    DROP INDEX orders_performance_created;
    ALTER TABLE performances DROP COLUMN archived_at;
    ALTER TABLE events DROP COLUMN archived_at;
    ALTER TABLE venues DROP COLUMN archived_at;
  `.execute(db);
}

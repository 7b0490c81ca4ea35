import { sql, type Kysely } from 'kysely';

/**
 * Sales that open and close by themselves: `off_sale_at` beside the existing `on_sale_at`, and the
 * two partial indexes the once-a-second schedule reads (every process runs it, so finding nothing
 * due must cost an index probe, not a scan of every performance ever sold).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE performances
      ADD COLUMN off_sale_at timestamptz,
      ADD CONSTRAINT performances_off_sale_after_on_sale CHECK (off_sale_at > on_sale_at);
    CREATE INDEX performances_on_sale_due ON performances (on_sale_at) WHERE status = 'scheduled';
    CREATE INDEX performances_off_sale_due ON performances (off_sale_at) WHERE status IN ('on_sale', 'paused', 'sold_out');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX performances_off_sale_due;
    DROP INDEX performances_on_sale_due;
    ALTER TABLE performances DROP CONSTRAINT performances_off_sale_after_on_sale, DROP COLUMN off_sale_at;
  `.execute(db);
}

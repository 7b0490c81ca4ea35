import { sql, type Kysely } from 'kysely';

/**
 * A scope answers its count at once and writes its list of people just after (incident_scopes.
 * ready_at says when the list is complete); whoever needs the list (the CSV, a response step)
 * waits for it. And the share's denominator, everyone who ever bought, is counted from an index
 * alone: the folded email with the email beside it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE incident_scopes ADD COLUMN ready_at timestamptz;
    UPDATE incident_scopes SET ready_at = created_at;
    CREATE INDEX orders_email_folded ON orders (lower(buyer_email)) INCLUDE (buyer_email);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX orders_email_folded;
    ALTER TABLE incident_scopes DROP COLUMN ready_at;
  `.execute(db);
}

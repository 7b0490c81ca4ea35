import { sql, type Kysely } from 'kysely';

/**
 * The price of each category at the moment the order was made. The order's total is charged, so
 * its tickets must carry the same prices even if an operator edits a category before payment.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders ADD COLUMN category_prices jsonb NOT NULL DEFAULT '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders DROP COLUMN category_prices`.execute(db);
}

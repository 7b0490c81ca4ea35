import { sql, type Kysely } from 'kysely';

/**
 * The box office's own uses of stock (issue 14):
 * - `holds.purpose`: `sale` (a fan's hold, which expires), `block` (seats or GA places kept from
 *   sale by staff: house seats, production kills, accessibility seats; it never expires, its
 *   `expires_at` is infinity), `comp` and `box_office` (the hold a complimentary ticket or a
 *   counter sale is made from, converted in the same transaction).
 * - `holds.block_kind`, `holds.note`, `holds.created_by`: why a block is there and who made it.
 * - `orders.comp_reason` and `orders.created_by`: why a complimentary order was issued, and which
 *   staff member (or key) made a comp or a counter sale.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE holds
      ADD COLUMN purpose text NOT NULL DEFAULT 'sale' CHECK (purpose IN ('sale','block','comp','box_office')),
      ADD COLUMN block_kind text CHECK (block_kind IN ('house','production','accessibility','other')),
      ADD COLUMN note text CHECK (length(note) <= 500),
      ADD COLUMN created_by text,
      ADD CONSTRAINT holds_block_kind CHECK ((purpose = 'block') = (block_kind IS NOT NULL));
    CREATE INDEX holds_active_blocks ON holds (performance_id) WHERE purpose = 'block' AND status = 'active';
    ALTER TABLE orders
      ADD COLUMN comp_reason text CHECK (length(comp_reason) <= 500),
      ADD COLUMN created_by text,
      ADD CONSTRAINT orders_comp_reason CHECK (channel <> 'comp' OR comp_reason IS NOT NULL);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders DROP CONSTRAINT orders_comp_reason, DROP COLUMN created_by, DROP COLUMN comp_reason;
    DROP INDEX holds_active_blocks;
    ALTER TABLE holds DROP CONSTRAINT holds_block_kind, DROP COLUMN created_by, DROP COLUMN note, DROP COLUMN block_kind, DROP COLUMN purpose;
  `.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * What a fan and a box office read first (issue 14):
 * - `venues.time_zone`: the IANA zone every date of a performance there is shown in (validated by
 *   the service against the zones the runtime knows; existing venues keep UTC until edited).
 * - `events.default_language` and `events.translations`: an event's title and description per
 *   language (`{"es": {"title": "...", "description": "..."}}`); a language without its own text
 *   falls back to the default language's, which is the `title`/`description` columns themselves.
 * - `orders.channel` and `orders.payment_method`: where an order was made (online, at the box
 *   office, or a complimentary ticket) and how it was paid, so reports can count them apart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE venues ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
    ALTER TABLE events
      ADD COLUMN default_language text NOT NULL DEFAULT 'en' CHECK (default_language IN ('en','es','fr','nl','nb')),
      ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(translations) = 'object');
    ALTER TABLE orders
      ADD COLUMN channel text NOT NULL DEFAULT 'online' CHECK (channel IN ('online','box_office','comp')),
      ADD COLUMN payment_method text NOT NULL DEFAULT 'card' CHECK (payment_method IN ('card','cash','card_present','none'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders DROP COLUMN payment_method, DROP COLUMN channel;
    ALTER TABLE events DROP COLUMN translations, DROP COLUMN default_language;
    ALTER TABLE venues DROP COLUMN time_zone;
  `.execute(db);
}

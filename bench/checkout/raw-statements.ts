import { Kysely, PostgresDialect, type RawBuilder } from 'kysely';
import type { Database } from '../../src/platform/database.types.js';

/**
 * The statements of one purchase, built by the server's own repositories and compiled here to the
 * text and parameters the server sends (Kysely parameterises every value, literals included), so
 * the reference runs the very same SQL:
 *
 * - hold: inventory/holds.claim.repository.ts `claimBestSeatsSql` / `claimGaPlacesSql`
 * - order: sales/orders.repository.ts `orderStartSql`, then `insertOrderSql`
 * - payment: sales/payment.repository.ts `lockForPaymentSql`, then `completeSaleSql`, in BEGIN/COMMIT
 */
export { claimBestSeatsSql, claimGaPlacesSql } from '../../src/inventory/holds.claim.repository.js';
export { splitItems } from '../../src/inventory/holds.repository.js';
export { insertOrderSql, orderStartSql } from '../../src/sales/orders.repository.js';
export { completeSaleSql, lockForPaymentSql } from '../../src/sales/payment.repository.js';

// Compiles only: a statement is never executed through it, so its pool is never asked for.
const compiler = new Kysely<Database>({
  dialect: new PostgresDialect({
    pool: async () => {
      throw new Error('the raw reference compiles statements here and sends them through its own pg.Pool');
    },
  }),
});

export function compile(statement: RawBuilder<unknown>): { text: string; values: unknown[] } {
  const { sql, parameters } = statement.compile(compiler);
  return { text: sql, values: [...parameters] };
}

// sales/orders.repository.ts readPerformance: the description the server caches for 10 s.
export const ORDER_PERFORMANCE = `select "p"."id", "p"."starts_at", "e"."title" as "eventTitle", "e"."slug" as "eventSlug", "e"."description",
  "e"."default_language", "e"."translations", "v"."name" as "venueName", "v"."time_zone" as "timeZone"
  from "performances" as "p" inner join "events" as "e" on "e"."id" = "p"."event_id" inner join "venues" as "v" on "v"."id" = "p"."venue_id"
  where "p"."id" = $1`;

/** For the report: what the reference runs per purchase, in order (BEGIN/COMMIT are round trips too). */
export const INCLUDED = [
  "the server's own statement builders, compiled to the same texts and parameters, sent as named prepared statements as the server sends them " +
    "(--unprepared to compare); every connection has `lock_timeout` set at connect (`-c lock_timeout=2000`), as the server's pool does",
  'hold: one statement (performance, limit and category or area checks; best seats FOR UPDATE SKIP LOCKED with the side-by-side run, ' +
    'or a GA bucket FOR UPDATE SKIP LOCKED; INSERT holds; UPDATE performance_seats or ga_stock + INSERT hold_ga_items; the items)',
  'order: one read (key used, hold, an order on it, items with prices, per-customer limit); one statement (lock the live hold, check the prices, ' +
    'INSERT orders with the payment session, checkout_records, audit_log); the performance description is cached by the server for 10 s, so it is read once here too',
  'payment: BEGIN; lock order and hold FOR UPDATE reading the items (and set_config lock_timeout 10 s); one statement (INSERT payment_attempts, ' +
    'UPDATE performance_seats sold, holds converted, orders paid, INSERT tickets, outbox (rendered email of the same size), audit_log, sold-out flip); COMMIT',
  'not included: HTTP, JSON, schema validation, Kysely, Ed25519 ticket signing (random codes of the same length), HMAC sessions/tokens, ' +
    "email rendering per order, the token request (no SQL), the server's background sweeper and outbox worker",
];

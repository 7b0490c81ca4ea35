/**
 * The statements of one purchase, as the server's repositories and services build them (Kysely
 * parameterises every value, literals included; so do these). Source of each is named.
 */

// platform/transaction.ts setLockTimeout
export const SET_LOCK_TIMEOUT = `SELECT set_config('lock_timeout', $1, true)`;

// --- hold: inventory/holds.service.ts createHold, holds.repository.ts
export const FIND_PERFORMANCE = `select "performances"."id", "performances"."event_id", "performances"."venue_id", "performances"."status",
  "performances"."starts_at", "events"."max_tickets_per_order", "events"."title"
  from "performances" inner join "events" on "events"."id" = "performances"."event_id" where "performances"."id" = $1`;
export const FIND_CATEGORY = `select "id" from "price_categories" where "id" = $1 and "event_id" = $2`;
export const INSERT_HOLD = `insert into "holds" ("performance_id", "expires_at") values ($1, now() + make_interval(secs => $2)) returning "id", "expires_at"`;
export const LOCK_BEST_SEATS = `
    SELECT ps.seat_id, ps.rank, s.section, s.row_label, s.number
    FROM performance_seats ps JOIN seats s ON s.id = ps.seat_id
    WHERE ps.performance_id = $1 AND ps.category_id = $2 AND ps.status = 'available'
    ORDER BY ps.rank
    LIMIT $3
    FOR UPDATE OF ps SKIP LOCKED`;
export const COUNT_AVAILABLE = `select count(*) as "n" from "performance_seats" where "performance_id" = $1 and "category_id" = $2 and "status" = $3`;
const list = (from: number, n: number) => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
export const markSeatsHeld = (n: number) =>
  `update "performance_seats" set "status" = $1, "hold_id" = $2 where "performance_id" = $3 and "seat_id" in (${list(4, n)})`;
export const FIND_GA_AREA = `select "category_id" from "performance_ga_areas" where "performance_id" = $1 and "ga_area_id" = $2`;
export const LOCK_GA_BUCKET = `
    SELECT bucket, capacity - taken AS free FROM ga_stock
    WHERE performance_id = $1 AND ga_area_id = $2 AND taken < capacity
      AND NOT (bucket = ANY($3::smallint[]))
    ORDER BY random() LIMIT 1
    FOR UPDATE SKIP LOCKED`;
export const GA_FREE = `select coalesce(sum(capacity - taken), 0) as "n" from "ga_stock" where "performance_id" = $1 and "ga_area_id" = $2`;
export const TAKE_GA = `update "ga_stock" set "taken" = "taken" + $1 where "performance_id" = $2 and "ga_area_id" = $3 and "bucket" = $4`;
export const INSERT_HOLD_GA = `insert into "hold_ga_items" ("hold_id", "performance_id", "ga_area_id", "bucket", "quantity") values ($1, $2, $3, $4, $5)`;
export const HOLD_ITEMS = `
    SELECT ps.seat_id, NULL::uuid AS ga_area_id, 1 AS quantity, ps.category_id, c.price, c.currency, c.name AS category_name, s.label, ps.rank AS sort
    FROM performance_seats ps JOIN price_categories c ON c.id = ps.category_id JOIN seats s ON s.id = ps.seat_id
    WHERE ps.hold_id = $1
    UNION ALL
    SELECT NULL, h.ga_area_id, h.quantity, pg.category_id, c.price, c.currency, c.name, a.name, 0
    FROM hold_ga_items h
    JOIN performance_ga_areas pg ON pg.performance_id = h.performance_id AND pg.ga_area_id = h.ga_area_id
    JOIN price_categories c ON c.id = pg.category_id JOIN ga_areas a ON a.id = h.ga_area_id
    WHERE h.hold_id = $2
    ORDER BY sort`;

// --- order: sales/orders.service.ts createOrder, orders.repository.ts
export const FIND_ORDER_BY_KEY = `select * from "orders" where "idempotency_key" = $1`;
export const LOCK_HOLD = `select * from "holds" where "id" = $1 for update`;
export const ORDER_BY_HOLD = `select * from "orders" where "hold_id" = $1`;
export const INSERT_ORDER = `insert into "orders" ("hold_id", "performance_id", "idempotency_key", "buyer_name", "buyer_email", "locale", "total", "currency",
  "payment_provider", "category_prices") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`;
export const INSERT_CHECKOUT_RECORD = `insert into "checkout_records" ("order_id", "buyer_email", "storefront", "build_id", "client_build_id") values ($1, $2, $3, $4, $5)`;
export const INSERT_AUDIT = `insert into "audit_log" ("actor", "action", "subject_type", "subject_id", "data") values ($1, $2, $3, $4, $5)`;
export const ORDER_PERFORMANCE = `select "p"."id", "p"."starts_at", "e"."title" as "eventTitle", "e"."slug" as "eventSlug", "v"."name" as "venueName"
  from "performances" as "p" inner join "events" as "e" on "e"."id" = "p"."event_id" inner join "venues" as "v" on "v"."id" = "p"."venue_id"
  where "p"."id" = $1`;
export const STORE_SESSION = `update "orders" set "payment_session_id" = $1, "payment_session_url" = $2 where "id" = $3 and "payment_session_id" is null
  returning "payment_session_id", "payment_session_url"`;

// --- payment: sales/payment.service.ts confirmPayment, tickets/tickets.service.ts, notifications/outbox.repository.ts
export const LOCK_ORDER_AND_HOLD = `select "orders".*, "holds"."status" as "holdStatus", "holds"."expires_at" as "holdExpiresAt"
  from "orders" inner join "holds" on "holds"."id" = "orders"."hold_id" where "orders"."id" = $1 for update`;
export const INSERT_PAYMENT_ATTEMPT = `insert into "payment_attempts" ("order_id", "token_id", "outcome", "reason") values ($1, $2, $3, $4)`;
export const SEATS_SOLD = `update "performance_seats" set "status" = $1 where "hold_id" = $2 and "status" = $3`;
export const HOLD_CONVERTED = `update "holds" set "status" = $1 where "id" = $2`;
export const ORDER_PAID = `update "orders" set "status" = $1, "payment_id" = $2, "paid_at" = $3 where "id" = $4`;
export const insertTickets = (rows: number) =>
  `insert into "tickets" ("id", "order_id", "performance_id", "seat_id", "ga_area_id", "category_id", "price", "code") values ${Array.from(
    { length: rows },
    (_, r) => `(${list(r * 8 + 1, 8)})`,
  ).join(', ')}`;
export const INSERT_OUTBOX = `insert into "outbox" ("kind", "recipient", "locale", "subject", "body_text", "body_html", "status", "order_id")
  values ($1, $2, $3, $4, $5, $6, $7, $8) returning "id"`;
export const IS_SOLD_OUT = `
    SELECT EXISTS (SELECT 1 FROM performance_seats WHERE performance_id = $1 AND status = 'available')
        OR EXISTS (SELECT 1 FROM ga_stock WHERE performance_id = $1 AND taken < capacity)
        OR EXISTS (SELECT 1 FROM holds WHERE performance_id = $1 AND status = 'active') AS left`;

/** For the report: what the reference runs per purchase, in order (BEGIN/COMMIT are round trips too). */
export const INCLUDED = [
  'all statements with parameters are named prepared statements, as the server sends them (--unprepared to compare)',
  'hold: performance+event lookup; price category check (seats); BEGIN; set_config(lock_timeout); INSERT holds; ' +
    'seats: SELECT best seats FOR UPDATE OF ps SKIP LOCKED (join seats) + UPDATE performance_seats held; ' +
    'GA: area lookup + SELECT bucket FOR UPDATE SKIP LOCKED + UPDATE ga_stock + INSERT hold_ga_items; hold items (1 UNION ALL); COMMIT',
  'order: order by idempotency key; BEGIN; set_config; SELECT hold FOR UPDATE; order by hold; hold items; ' +
    'INSERT orders; INSERT checkout_records; INSERT audit_log; COMMIT; UPDATE orders payment session ' +
    '(the performance description is cached by the server for 10 s, so it is read once here too)',
  'payment: BEGIN; set_config; SELECT order JOIN hold FOR UPDATE; INSERT payment_attempts; hold items; ' +
    'UPDATE performance_seats sold; UPDATE holds converted; UPDATE orders paid; INSERT tickets (one multi-row); ' +
    'INSERT outbox (rendered email of the same size); INSERT audit_log; sold-out check (3 EXISTS); COMMIT',
  'not included: HTTP, JSON, schema validation, Kysely, Ed25519 ticket signing (random codes of the same length), HMAC sessions/tokens, ' +
    "email rendering per order, the token request (no SQL), the server's background sweeper and outbox worker",
];

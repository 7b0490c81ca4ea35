import { sql, type Kysely } from 'kysely';

/**
 * The box office core: catalog, inventory, sales, payments, tickets, outbox, audit.
 *
 * Stock lives in two shapes:
 * - `performance_seats`: one row per seat per performance, with a partial index on the available
 *   ones so the "best N" search never walks past taken seats.
 * - `ga_stock`: a GA area's capacity split into a few buckets, so concurrent holds spread their
 *   row locks instead of queueing on one hot counter. `taken <= capacity` is a CHECK, so no bug
 *   in the service can oversell a bucket.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE venues (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE seats (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
      section text NOT NULL,
      row_label text NOT NULL,
      number integer NOT NULL,
      label text NOT NULL,
      x real NOT NULL,
      y real NOT NULL,
      rank integer NOT NULL,
      UNIQUE (venue_id, section, row_label, number)
    );
    CREATE TABLE ga_areas (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      venue_id uuid NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
      name text NOT NULL,
      capacity integer NOT NULL CHECK (capacity > 0),
      x real NOT NULL DEFAULT 0,
      y real NOT NULL DEFAULT 0,
      UNIQUE (venue_id, name)
    );
    CREATE TABLE events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE,
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      max_tickets_per_order integer NOT NULL DEFAULT 10 CHECK (max_tickets_per_order > 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE price_categories (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      name text NOT NULL,
      price integer NOT NULL CHECK (price >= 0),
      currency char(3) NOT NULL,
      sort integer NOT NULL DEFAULT 0,
      UNIQUE (event_id, name)
    );
    CREATE TABLE performances (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      venue_id uuid NOT NULL REFERENCES venues(id),
      starts_at timestamptz NOT NULL,
      doors_at timestamptz,
      on_sale_at timestamptz,
      status text NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled','on_sale','paused','sold_out','closed','cancelled')),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX performances_event ON performances (event_id, starts_at);

    CREATE TABLE holds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      performance_id uuid NOT NULL REFERENCES performances(id),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','released','expired','converted')),
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX holds_expiring ON holds (expires_at) WHERE status = 'active';
    CREATE INDEX holds_active_performance ON holds (performance_id) WHERE status = 'active';

    CREATE TABLE performance_seats (
      performance_id uuid NOT NULL REFERENCES performances(id) ON DELETE CASCADE,
      seat_id uuid NOT NULL REFERENCES seats(id),
      category_id uuid NOT NULL REFERENCES price_categories(id),
      rank integer NOT NULL,
      status text NOT NULL DEFAULT 'available' CHECK (status IN ('available','held','sold')),
      hold_id uuid REFERENCES holds(id),
      PRIMARY KEY (performance_id, seat_id),
      CHECK ((status = 'available') = (hold_id IS NULL))
    );
    CREATE INDEX performance_seats_available
      ON performance_seats (performance_id, category_id, rank) WHERE status = 'available';
    CREATE INDEX performance_seats_hold ON performance_seats (hold_id) WHERE hold_id IS NOT NULL;

    CREATE TABLE performance_ga_areas (
      performance_id uuid NOT NULL REFERENCES performances(id) ON DELETE CASCADE,
      ga_area_id uuid NOT NULL REFERENCES ga_areas(id),
      category_id uuid NOT NULL REFERENCES price_categories(id),
      PRIMARY KEY (performance_id, ga_area_id)
    );
    CREATE TABLE ga_stock (
      performance_id uuid NOT NULL,
      ga_area_id uuid NOT NULL,
      bucket smallint NOT NULL,
      capacity integer NOT NULL CHECK (capacity >= 0),
      taken integer NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity),
      PRIMARY KEY (performance_id, ga_area_id, bucket),
      FOREIGN KEY (performance_id, ga_area_id) REFERENCES performance_ga_areas ON DELETE CASCADE
    );
    CREATE TABLE hold_ga_items (
      hold_id uuid NOT NULL REFERENCES holds(id),
      performance_id uuid NOT NULL,
      ga_area_id uuid NOT NULL,
      bucket smallint NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (hold_id, ga_area_id, bucket)
    );

    CREATE TABLE orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      hold_id uuid NOT NULL UNIQUE REFERENCES holds(id),
      performance_id uuid NOT NULL REFERENCES performances(id),
      idempotency_key text NOT NULL UNIQUE,
      status text NOT NULL DEFAULT 'pending_payment'
        CHECK (status IN ('pending_payment','paid','expired','refunded','cancelled')),
      buyer_name text NOT NULL,
      buyer_email text NOT NULL,
      locale text NOT NULL,
      total integer NOT NULL,
      currency char(3) NOT NULL,
      payment_provider text NOT NULL,
      payment_session_id text,
      payment_session_url text,
      payment_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      paid_at timestamptz,
      closed_at timestamptz
    );
    CREATE INDEX orders_email ON orders (lower(buyer_email));
    CREATE INDEX orders_performance ON orders (performance_id, status);

    CREATE TABLE payment_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id),
      token_id text NOT NULL UNIQUE,
      outcome text NOT NULL CHECK (outcome IN ('succeeded','declined')),
      reason text,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE tickets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id),
      performance_id uuid NOT NULL REFERENCES performances(id),
      seat_id uuid REFERENCES seats(id),
      ga_area_id uuid REFERENCES ga_areas(id),
      category_id uuid NOT NULL REFERENCES price_categories(id),
      price integer NOT NULL,
      code text NOT NULL UNIQUE,
      status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid','void')),
      checked_in_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((seat_id IS NULL) <> (ga_area_id IS NULL))
    );
    CREATE INDEX tickets_order ON tickets (order_id);
    CREATE UNIQUE INDEX tickets_one_per_sold_seat ON tickets (performance_id, seat_id)
      WHERE seat_id IS NOT NULL AND status = 'valid';

    -- Every checkout attempt, paid or not: which front-end build served it, so a later breach of a
    -- build can be scoped to exactly the people whose checkout ran it.
    CREATE TABLE checkout_records (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id),
      buyer_email text NOT NULL,
      storefront text NOT NULL,
      build_id text NOT NULL,
      client_build_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX checkout_records_build ON checkout_records (build_id, created_at);

    CREATE TABLE outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL,
      recipient text NOT NULL,
      locale text NOT NULL,
      subject text NOT NULL,
      body_text text NOT NULL,
      body_html text NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','kept','failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      order_id uuid REFERENCES orders(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX outbox_queued ON outbox (created_at) WHERE status = 'queued';

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      subject_type text NOT NULL,
      subject_id text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE audit_log, outbox, checkout_records, tickets, payment_attempts, orders,
      hold_ga_items, ga_stock, performance_ga_areas, performance_seats, holds,
      performances, price_categories, events, ga_areas, seats, venues;
  `.execute(db);
}

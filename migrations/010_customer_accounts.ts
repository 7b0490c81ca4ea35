import { sql, type Kysely } from 'kysely';

/**
 * Customer accounts: guest checkout stays the default; a fan may also keep an account.
 *
 * - `customers`: one per email (unique case-insensitively), an argon2id password, the language
 *   their emails are written in, an optional TOTP secret (sealed as staff's are, with the last
 *   accepted step so a code works once) and its recovery codes (HMAC'd). `must_reset` is an
 *   operator's forced reset: the next sign-in must set a new password through the emailed link;
 *   `reset_requested_at` records when it was asked for, so running the same reset again skips
 *   accounts already marked and not yet reset (and sends them nothing twice).
 * - `customer_tokens`: the single-use links emailed to a customer (verify the email: 48 h; reset
 *   the password: 1 h). Only the SHA-256 of the token is kept.
 * - `orders.customer_id`: the account an order belongs to (made while signed in, or a guest order
 *   claimed with the account's verified email). ON DELETE SET NULL: an order outlives an account.
 * - `events.max_tickets_per_customer`: at most this many paid or pending tickets for one
 *   performance per account or buyer email, across orders; NULL for no limit.
 *
 * Sessions live in the shared `sessions` table (kind 'customer', migration 008).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE customers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email ~ '^[^\\s@]+@[^\\s@]+$' AND length(email) <= 254),
      email_verified_at timestamptz,
      name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
      password_hash text NOT NULL,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      must_reset boolean NOT NULL DEFAULT false,
      reset_requested_at timestamptz,
      locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('es', 'en', 'fr', 'nl', 'nb')),
      totp_secret text,
      totp_last_step bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    );
    CREATE UNIQUE INDEX customers_email ON customers (lower(email));
    CREATE INDEX customers_must_reset ON customers (must_reset) WHERE must_reset;

    CREATE TABLE customer_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX customer_tokens_live ON customer_tokens (customer_id, purpose) WHERE used_at IS NULL;

    CREATE TABLE customer_recovery_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
      code_hash text NOT NULL UNIQUE,
      used_at timestamptz
    );
    CREATE INDEX customer_recovery_codes_customer ON customer_recovery_codes (customer_id);

    ALTER TABLE orders ADD COLUMN customer_id uuid REFERENCES customers(id) ON DELETE SET NULL;
    CREATE INDEX orders_customer ON orders (customer_id, created_at) WHERE customer_id IS NOT NULL;

    ALTER TABLE events ADD COLUMN max_tickets_per_customer integer CHECK (max_tickets_per_customer > 0);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE events DROP COLUMN max_tickets_per_customer;
    DROP INDEX orders_customer;
    ALTER TABLE orders DROP COLUMN customer_id;
    DROP TABLE customer_recovery_codes, customer_tokens, customers;
  `.execute(db);
}

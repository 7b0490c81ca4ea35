import { sql, type Kysely } from 'kysely';

/**
 * Refunds as records of their own (issue 14): an order may be refunded ticket by ticket, so the
 * order's status alone no longer says what went back. Each row is one refund: how much, which
 * tickets, the provider's refund id (null when no online payment was refunded: cash at the
 * counter, or a complimentary order), who did it and why. `idempotency_key` makes a retried
 * request answer the first refund instead of refunding twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE refunds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id),
      amount integer NOT NULL CHECK (amount >= 0),
      currency char(3) NOT NULL,
      ticket_ids uuid[] NOT NULL CHECK (cardinality(ticket_ids) > 0),
      provider_refund_id text,
      actor text NOT NULL,
      reason text,
      idempotency_key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (order_id, idempotency_key)
    );
    CREATE INDEX refunds_order ON refunds (order_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE refunds`.execute(db);
}

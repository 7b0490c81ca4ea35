import { sql, type Kysely } from 'kysely';

/**
 * What a hold needs to be safe to retry and bounded per admitted fan, and where CSP violation
 * reports are kept.
 *
 * - `idempotency_key` and `request_hash`: hold creation under an `Idempotency-Key`, so a hold that
 *   answered 503 (the database blinked) can be asked for again without holding twice; the hash of
 *   the request refuses the same key for a different request.
 * - `admission_id` (the queue ticket's id) and `quantity`: what one admission holds at once is
 *   counted across its active holds, so one admitted fan cannot hold more than an order's worth.
 * - `csp_reports`: one row per kind of violation (its signature), counted, so a flood of reports
 *   costs an update rather than a row each.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE holds
      ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
      ADD COLUMN request_hash text,
      ADD COLUMN admission_id text,
      ADD COLUMN quantity integer NOT NULL DEFAULT 0 CHECK (quantity >= 0),
      ADD CHECK ((idempotency_key IS NULL) = (request_hash IS NULL));
    CREATE UNIQUE INDEX holds_idempotency_key ON holds (idempotency_key) WHERE idempotency_key IS NOT NULL;
    CREATE INDEX holds_active_admission ON holds (admission_id) WHERE status = 'active' AND admission_id IS NOT NULL;

    CREATE TABLE csp_reports (
      signature text PRIMARY KEY,
      document text NOT NULL,
      directive text NOT NULL,
      blocked text NOT NULL,
      source text NOT NULL,
      sample text NOT NULL,
      count bigint NOT NULL DEFAULT 1,
      first_seen timestamptz NOT NULL DEFAULT now(),
      last_seen timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX csp_reports_last_seen ON csp_reports (last_seen DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE csp_reports;
    DROP INDEX holds_active_admission;
    DROP INDEX holds_idempotency_key;
    ALTER TABLE holds DROP COLUMN quantity, DROP COLUMN admission_id, DROP COLUMN request_hash, DROP COLUMN idempotency_key;
  `.execute(db);
}

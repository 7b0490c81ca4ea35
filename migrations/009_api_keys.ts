import { sql, type Kysely } from 'kysely';

/**
 * API keys for integrations and door scanners, and the daily access review's record.
 *
 * A key is shown once as `tqk_<public_id>_<secret>`; only the SHA-256 of the secret is kept (the
 * secret is 256 random bits, so a fast hash is enough), and `public_id` makes finding it one
 * indexed read. `permissions` is a subset of its creator's at creation; `performance_ids` binds a
 * scanner to chosen performances (empty: any). Keys always expire.
 *
 * `access_review_runs` holds one row per day the dormant-account job ran: the row is the claim
 * (several processes try, the primary key lets one win) and the list of what it disabled, for the
 * console's access review.
 *
 * The partial index on the audit log answers "how often was the break-glass token used" without
 * costing anything to the other inserts (checkout audits twice per purchase).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      public_id text NOT NULL UNIQUE CHECK (public_id ~ '^[a-z0-9]{12}$'),
      secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      permissions text[] NOT NULL CHECK (cardinality(permissions) > 0),
      performance_ids uuid[] NOT NULL DEFAULT '{}',
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz,
      revoked_by text,
      revoked_reason text
    );

    CREATE TABLE access_review_runs (
      day date PRIMARY KEY,
      ran_at timestamptz NOT NULL DEFAULT now(),
      dormant_days integer NOT NULL,
      disabled jsonb NOT NULL DEFAULT '[]'
    );

    CREATE INDEX audit_log_break_glass ON audit_log (at) WHERE action = 'accounts.break_glass.used';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX audit_log_break_glass;
    DROP TABLE access_review_runs, api_keys;
  `.execute(db);
}

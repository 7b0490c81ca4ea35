import { sql, type Kysely } from 'kysely';

/**
 * Payment-page integrity (PCI DSS 6.4.3 and 11.6.1).
 *
 * - `web_builds`: each front-end build a process has served, with its manifest (every asset and
 *   its sha384), registered at start, so a checkout record's build id names exact scripts.
 * - `widget_switches`: the kill switch; a row with `disabled` hides that widget on every process.
 * - `tamper_checks`: each run of the tamper check, with what it compared and what differed.
 * - Checkout records say which page class the buyer paid on and which widgets that page showed.
 * - CSP report signatures carry the page class they came from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE web_builds (
      build_id text PRIMARY KEY,
      manifest jsonb NOT NULL,
      first_served_at timestamptz NOT NULL DEFAULT now(),
      last_served_at timestamptz NOT NULL DEFAULT now(),
      processes integer NOT NULL DEFAULT 1
    );

    CREATE TABLE widget_switches (
      name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
      disabled boolean NOT NULL,
      reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
      changed_by text NOT NULL,
      changed_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE tamper_checks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      build_id text NOT NULL,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL DEFAULT now(),
      ok boolean NOT NULL,
      pages jsonb NOT NULL,
      findings jsonb NOT NULL,
      incident_id uuid REFERENCES incidents(id)
    );
    CREATE INDEX tamper_checks_recent ON tamper_checks (finished_at DESC);

    ALTER TABLE checkout_records
      ADD COLUMN page_class text,
      ADD COLUMN widgets text[];

    ALTER TABLE csp_reports ADD COLUMN page_class text NOT NULL DEFAULT 'buyer';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE csp_reports DROP COLUMN page_class;
    ALTER TABLE checkout_records DROP COLUMN page_class, DROP COLUMN widgets;
    DROP TABLE tamper_checks;
    DROP TABLE widget_switches;
    DROP TABLE web_builds;
  `.execute(db);
}

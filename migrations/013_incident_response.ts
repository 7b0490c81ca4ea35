import { sql, type Kysely } from 'kysely';

/**
 * Incident response (GDPR Art. 33/34): one incident model for every kind.
 *
 * - Incidents get a category (ddos, script_compromise, credential_stuffing, staff_access,
 *   data_exposure, other; the detectors' own kinds map onto them), a title, a severity, an owner,
 *   the time Taquilla became aware (the start of the 72-hour regulator clock), a `contained`
 *   status, and who opened them. Only the system's incidents are one-open-per-kind: operators may
 *   open several of a kind by hand.
 * - A scope is a saved question (criteria) and its answer: the people in it, materialised so a
 *   response step works through the same list however long it runs.
 * - Response steps (notify, reset, revoke, flag) keep one row per person they handled, so running
 *   a step again skips everyone done, and an interrupted step resumes where it stopped.
 * - The outbox gets a priority: order confirmations go before breach notifications.
 * - Customers can be flagged for monitoring by an incident.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE incidents
      ADD COLUMN category text NOT NULL DEFAULT 'other'
        CHECK (category IN ('ddos', 'script_compromise', 'credential_stuffing', 'staff_access', 'data_exposure', 'other')),
      ADD COLUMN title text,
      ADD COLUMN severity text NOT NULL DEFAULT 'medium' CHECK (severity IN ('low', 'medium', 'high', 'critical')),
      ADD COLUMN owner text CHECK (length(owner) <= 200),
      ADD COLUMN aware_at timestamptz,
      ADD COLUMN contained_at timestamptz,
      ADD COLUMN opened_by text NOT NULL DEFAULT 'system';
    UPDATE incidents SET aware_at = opened_at,
      category = CASE kind WHEN 'traffic_flood' THEN 'ddos' WHEN 'admin_token_guessing' THEN 'staff_access'
                           WHEN 'script_compromise' THEN 'script_compromise' ELSE 'other' END;
    ALTER TABLE incidents ALTER COLUMN aware_at SET DEFAULT now(), ALTER COLUMN aware_at SET NOT NULL;
    ALTER TABLE incidents DROP CONSTRAINT incidents_status_check;
    ALTER TABLE incidents ADD CONSTRAINT incidents_status_check CHECK (status IN ('open', 'contained', 'resolved'));
    DROP INDEX incidents_one_open_per_kind;
    CREATE UNIQUE INDEX incidents_one_open_per_kind ON incidents (kind) WHERE status = 'open' AND opened_by = 'system';

    CREATE INDEX checkout_records_created ON checkout_records (created_at);
    CREATE INDEX checkout_records_client_build ON checkout_records (client_build_id, created_at) WHERE client_build_id IS NOT NULL;

    CREATE TABLE incident_scopes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      criteria jsonb NOT NULL,
      people integer NOT NULL,
      checkout_attempts integer NOT NULL,
      all_people integer NOT NULL,
      query_ms integer NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX incident_scopes_incident ON incident_scopes (incident_id, created_at);

    CREATE TABLE incident_scope_people (
      scope_id uuid NOT NULL REFERENCES incident_scopes(id) ON DELETE CASCADE,
      email text NOT NULL,
      name text NOT NULL,
      locale text NOT NULL,
      customer_id uuid,
      attempts integer NOT NULL,
      paid_orders integer NOT NULL,
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      PRIMARY KEY (scope_id, email)
    );

    CREATE TABLE incident_step_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      scope_id uuid REFERENCES incident_scopes(id) ON DELETE CASCADE,
      step text NOT NULL CHECK (step IN ('notify', 'reset', 'flag', 'revoke_staff')),
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
      total integer NOT NULL DEFAULT 0,
      done integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      started_by text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    );
    CREATE INDEX incident_step_runs_incident ON incident_step_runs (incident_id, started_at);

    -- One row per incident, step and person: the idempotence of every response step.
    CREATE TABLE incident_step_people (
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      step text NOT NULL,
      email text NOT NULL,
      outcome text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (incident_id, step, email)
    );

    ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 0;
    DROP INDEX IF EXISTS outbox_queued;
    CREATE INDEX outbox_queued_priority ON outbox (priority DESC, created_at) WHERE status = 'queued';

    ALTER TABLE customers ADD COLUMN monitored_by_incident uuid REFERENCES incidents(id) ON DELETE SET NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE customers DROP COLUMN monitored_by_incident;
    DROP INDEX outbox_queued_priority;
    CREATE INDEX outbox_queued ON outbox (created_at) WHERE status = 'queued';
    ALTER TABLE outbox DROP COLUMN priority;
    DROP TABLE incident_step_people, incident_step_runs, incident_scope_people, incident_scopes;
    DROP INDEX checkout_records_created, checkout_records_client_build;
    DELETE FROM incidents WHERE opened_by <> 'system';
    UPDATE incidents SET status = 'open' WHERE status = 'contained';
    DROP INDEX incidents_one_open_per_kind;
    CREATE UNIQUE INDEX incidents_one_open_per_kind ON incidents (kind) WHERE status = 'open';
    ALTER TABLE incidents DROP CONSTRAINT incidents_status_check;
    ALTER TABLE incidents ADD CONSTRAINT incidents_status_check CHECK (status IN ('open', 'resolved'));
    ALTER TABLE incidents DROP COLUMN category, DROP COLUMN title, DROP COLUMN severity, DROP COLUMN owner,
      DROP COLUMN aware_at, DROP COLUMN contained_at, DROP COLUMN opened_by;
  `.execute(db);
}

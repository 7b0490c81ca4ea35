import { sql, type Kysely } from 'kysely';

/**
 * Incidents with their timelines, and the operator's shield setting.
 *
 * At most one incident of a kind is open at a time (a partial unique index), so several
 * processes that notice the same flood add to one timeline instead of opening one each.
 * `shield_settings` is one row: 'auto' lets each process's detector decide; 'on' and 'off'
 * are the operator forcing it, read by every process within two seconds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      summary text NOT NULL,
      opened_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
    );
    CREATE UNIQUE INDEX incidents_one_open_per_kind ON incidents (kind) WHERE status = 'open';
    CREATE INDEX incidents_opened_at ON incidents (opened_at DESC);
    CREATE TABLE incident_events (
      id bigserial PRIMARY KEY,
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      what text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX incident_events_incident ON incident_events (incident_id, at);
    CREATE TABLE shield_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      mode text NOT NULL DEFAULT 'auto' CHECK (mode IN ('auto', 'on', 'off')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL DEFAULT 'system'
    );
    INSERT INTO shield_settings DEFAULT VALUES;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE shield_settings; DROP TABLE incident_events; DROP TABLE incidents;`.execute(db);
}

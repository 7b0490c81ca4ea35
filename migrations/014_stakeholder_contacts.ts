import { sql, type Kysely } from 'kysely';

/**
 * Stakeholder contacts (issue 13): who is told, outside the box office, when an incident touches
 * an event.
 *
 * - `events.producer_emails` and `venues.contact_emails`: the producers of an event and the
 *   contacts of a venue, at most 10 each (the admin routes validate them; the CHECK is the floor).
 * - `incident_stakeholder_notices`: one row per incident, kind of notice, event and address, written
 *   with the email in one transaction, so telling the same thing again sends nothing twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE events ADD COLUMN producer_emails text[] NOT NULL DEFAULT '{}' CHECK (cardinality(producer_emails) <= 10);
    ALTER TABLE venues ADD COLUMN contact_emails text[] NOT NULL DEFAULT '{}' CHECK (cardinality(contact_emails) <= 10);

    CREATE TABLE incident_stakeholder_notices (
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('sales_paused', 'sales_resumed', 'buyers_in_scope')),
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      email text NOT NULL,
      outbox_id uuid,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (incident_id, kind, event_id, email)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE incident_stakeholder_notices;
    ALTER TABLE venues DROP COLUMN contact_emails;
    ALTER TABLE events DROP COLUMN producer_emails;
  `.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * One waiting room per performance: the operator's bounds and the fair draw's commitment.
 *
 * The line itself (places, counters, who was seen when) lives in the queue store, not here: the
 * status path must never touch PostgreSQL. The draw's seed is never stored before it is revealed:
 * it is derived from the deployment secret and `seed_salt` (random per room), and only its
 * sha256 (`seed_commitment`) is published until the room opens and `seed` is filled in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE waiting_rooms (
      performance_id uuid PRIMARY KEY REFERENCES performances(id) ON DELETE CASCADE,
      enabled boolean NOT NULL DEFAULT true,
      max_in_checkout integer NOT NULL DEFAULT 200 CHECK (max_in_checkout BETWEEN 1 AND 100000),
      max_admissions_per_minute integer NOT NULL DEFAULT 600 CHECK (max_admissions_per_minute BETWEEN 1 AND 1000000),
      grace_seconds integer NOT NULL DEFAULT 60 CHECK (grace_seconds BETWEEN 5 AND 3600),
      start_limit_seconds integer NOT NULL DEFAULT 120 CHECK (start_limit_seconds BETWEEN 10 AND 3600),
      seed_salt text NOT NULL,
      seed_commitment text NOT NULL CHECK (seed_commitment ~ '^[0-9a-f]{64}$'),
      seed text CHECK (seed ~ '^[0-9a-f]{64}$'),
      entrants integer,
      state text NOT NULL DEFAULT 'pre_queue' CHECK (state IN ('pre_queue','open','paused','closed','sold_out')),
      opened_at timestamptz,
      moved_to uuid REFERENCES performances(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((seed IS NULL) = (opened_at IS NULL))
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE waiting_rooms`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * Staff accounts: people with a role, a password (argon2id PHC string) and second factors (a TOTP
 * secret sealed with a key derived from the deployment secret; passkeys; single-use recovery codes,
 * hashed); invitations (hashed, 72 h); sessions for staff and customers alike (only the SHA-256
 * of the secret is kept, so a database leak hands out no session); and the short-lived challenges
 * of WebAuthn ceremonies, which may start before anyone is signed in.
 *
 * `event_ids` scopes an event manager to chosen events; `performance_ids` binds a door account to
 * chosen performances (empty: every one); `refund_limit` is the largest refund a box office account
 * may make, in minor units.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email ~ '^[^\\s@]+@[^\\s@]+$' AND length(email) <= 254),
      name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'event_manager', 'box_office', 'door', 'support', 'security')),
      event_ids uuid[] NOT NULL DEFAULT '{}',
      performance_ids uuid[] NOT NULL DEFAULT '{}',
      refund_limit integer CHECK (refund_limit >= 0),
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'disabled')),
      disabled_reason text,
      password_hash text,
      password_changed_at timestamptz,
      totp_secret text,
      totp_last_step bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      last_used_at timestamptz
    );
    CREATE UNIQUE INDEX staff_email ON staff (lower(email));

    CREATE TABLE staff_invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE staff_passkeys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
      credential_id text NOT NULL UNIQUE,
      public_key bytea NOT NULL,
      counter bigint NOT NULL DEFAULT 0,
      transports text[] NOT NULL DEFAULT '{}',
      name text NOT NULL DEFAULT 'Passkey',
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    );
    CREATE INDEX staff_passkeys_staff ON staff_passkeys (staff_id);

    CREATE TABLE staff_recovery_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
      code_hash text NOT NULL UNIQUE,
      used_at timestamptz
    );
    CREATE INDEX staff_recovery_codes_staff ON staff_recovery_codes (staff_id);

    CREATE TABLE sessions (
      id text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('staff', 'customer')),
      subject_id uuid NOT NULL,
      state text NOT NULL CHECK (state IN ('password', 'enrol', 'signed_in')),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      idle_expires_at timestamptz NOT NULL,
      absolute_expires_at timestamptz NOT NULL,
      second_factor_at timestamptz,
      ip text,
      user_agent text,
      revoked_at timestamptz,
      revoked_reason text
    );
    CREATE INDEX sessions_subject ON sessions (kind, subject_id) WHERE revoked_at IS NULL;

    CREATE TABLE auth_challenges (
      id text PRIMARY KEY,
      purpose text NOT NULL CHECK (purpose IN ('passkey_register', 'passkey_sign_in', 'passkey_sudo')),
      subject_id uuid,
      challenge text NOT NULL,
      expires_at timestamptz NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE auth_challenges, sessions, staff_recovery_codes, staff_passkeys, staff_invitations, staff;`.execute(db);
}

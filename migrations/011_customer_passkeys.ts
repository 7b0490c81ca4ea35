import { sql, type Kysely } from 'kysely';

/**
 * A fan's optional passkeys, kept like staff's (migration 008): the credential id the browser
 * names, the COSE public key, the signature counter (a clone of the authenticator shows as a
 * counter that goes back) and the transports to hint at. They go with the account.
 *
 * Their ceremonies keep challenges in `auth_challenges` under purposes of their own, so a
 * challenge made for a fan cannot be spent on a staff ceremony nor the other way round.
 */
const STAFF_PURPOSES = `'passkey_register', 'passkey_sign_in', 'passkey_sudo'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE customer_passkeys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
      credential_id text NOT NULL UNIQUE,
      public_key bytea NOT NULL,
      counter bigint NOT NULL DEFAULT 0,
      transports text[] NOT NULL DEFAULT '{}',
      name text NOT NULL DEFAULT 'Passkey' CHECK (length(name) <= 60),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    );
    CREATE INDEX customer_passkeys_customer ON customer_passkeys (customer_id);

    ALTER TABLE auth_challenges DROP CONSTRAINT auth_challenges_purpose_check;
    ALTER TABLE auth_challenges ADD CONSTRAINT auth_challenges_purpose_check
      CHECK (purpose IN (${sql.raw(STAFF_PURPOSES)}, 'customer_passkey_register', 'customer_passkey_sign_in'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM auth_challenges WHERE purpose IN ('customer_passkey_register', 'customer_passkey_sign_in');
    ALTER TABLE auth_challenges DROP CONSTRAINT auth_challenges_purpose_check;
    ALTER TABLE auth_challenges ADD CONSTRAINT auth_challenges_purpose_check CHECK (purpose IN (${sql.raw(STAFF_PURPOSES)}));
    DROP TABLE customer_passkeys;
  `.execute(db);
}

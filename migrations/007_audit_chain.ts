import { sql, type Kysely } from 'kysely';

/**
 * The audit log becomes a hash chain, append-only in the database.
 *
 * Rows are still inserted by the transaction that makes the change, unsealed (the four chain
 * columns NULL): chaining them there would need the chain head locked until commit, which would
 * serialise every checkout (each purchase audits twice) and could deadlock with stock locks. A
 * sealer job (src/security/audit-chain.sealer.ts) seals committed rows into one chain shortly
 * after: `seq` continues the chain, `prev_hash` is the previous row's hash, `hash` covers the
 * previous hash and the row's canonical form. Rows that exist before this migration are sealed by
 * its first run.
 *
 * The triggers make the table append-only for every role that has not switched triggers off
 * (which takes a superuser or the table's owner, and is what `taquilla audit verify` is for):
 * - INSERT cannot place a row in the chain: the chain columns are forced to NULL;
 * - UPDATE may only seal an unsealed row once: the chain columns from NULL to values, every other
 *   column unchanged; anything else is refused;
 * - DELETE and TRUNCATE are refused.
 * There is no chain-head table: the head is the row with the highest `seq`, one probe of the
 * unique index, and it cannot disagree with the chain.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE audit_log
      ADD COLUMN ip text,
      ADD COLUMN seq bigint,
      ADD COLUMN prev_hash text,
      ADD COLUMN hash text,
      ADD COLUMN sealed_at timestamptz,
      ADD CONSTRAINT audit_log_seq_unique UNIQUE (seq),
      ADD CONSTRAINT audit_log_seq_positive CHECK (seq > 0),
      ADD CONSTRAINT audit_log_sealed_whole CHECK (
        (seq IS NULL AND prev_hash IS NULL AND hash IS NULL AND sealed_at IS NULL)
        OR (seq IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL AND sealed_at IS NOT NULL));
    -- What the sealer reads once a second: finding nothing to seal is one probe of a small index.
    CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;

    CREATE FUNCTION audit_log_unsealed_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.seq := NULL;
      NEW.prev_hash := NULL;
      NEW.hash := NULL;
      NEW.sealed_at := NULL;
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER audit_log_unsealed_on_insert BEFORE INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_unsealed_on_insert();

    CREATE FUNCTION audit_log_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL AND OLD.sealed_at IS NULL
        AND NEW.seq IS NOT NULL AND NEW.sealed_at IS NOT NULL
        AND NEW.prev_hash ~ '^[0-9a-f]{64}$' AND NEW.hash ~ '^[0-9a-f]{64}$'
        AND (NEW.id, NEW.at, NEW.actor, NEW.action, NEW.subject_type, NEW.subject_id, NEW.ip, NEW.data)
          IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor, OLD.action, OLD.subject_type, OLD.subject_id, OLD.ip, OLD.data)
      THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_log is append-only: row % can only be sealed, once', OLD.id
        USING ERRCODE = 'insufficient_privilege';
    END
    $$;
    CREATE TRIGGER audit_log_seal_only BEFORE UPDATE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_seal_only();

    CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER audit_log_no_truncate ON audit_log;
    DROP TRIGGER audit_log_no_delete ON audit_log;
    DROP TRIGGER audit_log_seal_only ON audit_log;
    DROP TRIGGER audit_log_unsealed_on_insert ON audit_log;
    DROP FUNCTION audit_log_refuse(), audit_log_seal_only(), audit_log_unsealed_on_insert();
    DROP INDEX audit_log_unsealed;
    ALTER TABLE audit_log
      DROP CONSTRAINT audit_log_sealed_whole,
      DROP CONSTRAINT audit_log_seq_positive,
      DROP CONSTRAINT audit_log_seq_unique,
      DROP COLUMN sealed_at,
      DROP COLUMN hash,
      DROP COLUMN prev_hash,
      DROP COLUMN seq,
      DROP COLUMN ip;
  `.execute(db);
}

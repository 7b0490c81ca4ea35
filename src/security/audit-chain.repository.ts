import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';
import type { ChainRow } from './audit-chain.js';

/** `at` in UTC to the microsecond, the form the chain hashes (audit-chain.ts). */
const AT_TEXT = sql<string>`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Any number that no other advisory lock in Taquilla uses: "one sealer at a time". */
const SEALER_LOCK = 0x7a11_5ea1;

export interface ChainHead {
  seq: number;
  hash: string;
  sealedAt: Date;
}

export interface SealedRow extends ChainRow {
  seq: number;
  prev_hash: string;
  hash: string;
}

export interface Seal {
  id: string | number;
  seq: number;
  prevHash: string;
  hash: string;
}

/** Held until the sealer's transaction ends; false when another process is sealing right now. */
export async function trySealerLock(tx: Db): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`.execute(tx);
  return rows[0]!.locked;
}

export async function chainHead(db: Db): Promise<ChainHead | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash', 'sealed_at'])
    .where('seq', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: row.seq!, hash: row.hash!, sealedAt: row.sealed_at! } : undefined;
}

/** Committed rows not sealed yet, oldest id first. */
export async function unsealedBatch(db: Db, limit: number): Promise<ChainRow[]> {
  return db
    .selectFrom('audit_log')
    .select(['id', AT_TEXT.as('at'), 'actor', 'action', 'subject_type', 'subject_id', 'ip', 'data'])
    .where('seq', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** One statement for the whole batch; the seal-only trigger checks each row. */
export async function writeSeals(tx: Db, seals: Seal[]): Promise<void> {
  await sql`
    UPDATE audit_log a
       SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash, sealed_at = now()
      FROM unnest(${seals.map((s) => String(s.id))}::bigint[], ${seals.map((s) => s.seq)}::bigint[],
                  ${seals.map((s) => s.prevHash)}::text[], ${seals.map((s) => s.hash)}::text[])
           AS s(id, seq, prev_hash, hash)
     WHERE a.id = s.id`.execute(tx);
}

/** The sealed chain after `afterSeq`, in chain order: keyset pages, so memory stays bounded. */
export async function sealedAfter(db: Db, afterSeq: number, limit: number): Promise<SealedRow[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['id', AT_TEXT.as('at'), 'actor', 'action', 'subject_type', 'subject_id', 'ip', 'data', 'seq', 'prev_hash', 'hash'])
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows as SealedRow[];
}

export async function sealedAt(db: Db, seq: number): Promise<{ id: number | string; hash: string } | undefined> {
  const row = await db.selectFrom('audit_log').select(['id', 'hash']).where('seq', '=', seq).executeTakeFirst();
  return row ? { id: row.id, hash: row.hash! } : undefined;
}

/** Rows still unsealed: all of them, and those older than `staleMs` (the sealer is not running). */
export async function unsealedCounts(db: Db, staleMs: number): Promise<{ unsealed: number; stale: number; oldestStaleId: string | null }> {
  const { rows } = await sql<{ unsealed: number; stale: number; oldest: string | null }>`
    SELECT count(*) AS unsealed,
           count(*) FILTER (WHERE at < now() - make_interval(secs => ${staleMs / 1000})) AS stale,
           min(id) FILTER (WHERE at < now() - make_interval(secs => ${staleMs / 1000}))::text AS oldest
      FROM audit_log WHERE seq IS NULL`.execute(db);
  return { unsealed: rows[0]!.unsealed, stale: rows[0]!.stale, oldestStaleId: rows[0]!.oldest };
}

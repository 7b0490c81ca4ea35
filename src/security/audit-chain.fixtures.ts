import { sql } from 'kysely';
import { audit } from '../platform/audit.js';
import type { Db, Tx } from '../platform/transaction.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { sealedAfter } from './audit-chain.repository.js';
import { sealAuditLog } from './audit-chain.sealer.js';

/**
 * Writes `count` varied entries (nested data, non-ASCII text, some with a client address) and seals
 * them in passes of `perPass`, so the chain spans several sealing transactions.
 */
export async function seedChain(db: Db, count: number, perPass = 10): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await audit(db, {
      actor: i % 3 === 0 ? 'system' : `staff:${i % 4}`,
      action: i % 2 ? 'sales.order.refunded' : 'accounts.staff.mfa_enrolled',
      subjectType: 'order',
      subjectId: `subject-${i}`,
      ip: i % 2 ? `192.0.2.${i}` : null,
      data: { n: i, zeta: 'ñandú «€»', alpha: { list: [3, { b: 1, a: 2 }], flag: i % 2 === 0, none: null } },
    });
    if (i % perPass === 0) await sealAuditLog(db);
  }
  await sealAuditLog(db);
}

/**
 * Runs `work` as an attacker with superuser access would: in a transaction whose triggers are off
 * (`session_replication_role = replica`), so the append-only triggers do not fire. `keep: false`
 * rolls it back afterwards, so one seeded chain serves many attacks.
 */
export async function asAttacker<T>(db: Db, work: (tx: Tx) => Promise<T>, options: { keep: boolean } = { keep: true }): Promise<T> {
  let result: T | undefined;
  const rolledBack = new Error('rolled back on purpose');
  try {
    await db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      result = await work(tx);
      if (!options.keep) throw rolledBack;
    });
  } catch (error) {
    if (error !== rolledBack) throw error;
  }
  return result as T;
}

/** The sealed row at `seq`, as the chain reads it. */
export async function rowAt(db: Db, seq: number) {
  const [row] = await sealedAfter(db, seq - 1, 1);
  if (!row || row.seq !== seq) throw new Error(`no sealed row at seq ${seq}`);
  return row;
}

/** Recomputes prev_hash and hash from `fromSeq` to the end: the rewrite a careful attacker makes. */
export async function rehashFrom(tx: Tx, fromSeq: number): Promise<void> {
  let prevHash = fromSeq === 1 ? GENESIS_HASH : (await rowAt(tx, fromSeq - 1)).hash;
  for (const row of await sealedAfter(tx, fromSeq - 1, 1_000_000)) {
    const hash = chainHash(prevHash, row);
    await sql`UPDATE audit_log SET prev_hash = ${prevHash}, hash = ${hash} WHERE id = ${row.id}`.execute(tx);
    prevHash = hash;
  }
}

/** Moves every row from `fromSeq` on by `by` places (negative: up), as an insert or a removal would need. */
export async function shiftSeq(tx: Tx, fromSeq: number, by: number): Promise<void> {
  // Through a far range first: the unique seq would refuse an overlapping shift done row by row.
  const far = 1_000_000_000_000;
  await sql`UPDATE audit_log SET seq = seq + ${far} WHERE seq >= ${fromSeq}`.execute(tx);
  await sql`UPDATE audit_log SET seq = seq - ${far} + ${by} WHERE seq >= ${far}`.execute(tx);
}

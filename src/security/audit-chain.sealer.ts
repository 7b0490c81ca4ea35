import { every } from '../platform/jobs.js';
import type { Db } from '../platform/transaction.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { chainHead, type Seal, trySealerLock, unsealedBatch, writeSeals } from './audit-chain.repository.js';

export const SEAL_BATCH = 5000;

/**
 * Seals committed audit rows into the one chain, a batch per transaction, until none is left
 * (or `maxRows` were sealed). Exclusive across processes: each batch's transaction first takes a
 * transaction-scoped advisory lock with try, and when another process holds it this pass simply
 * stops (that process is sealing). Under READ COMMITTED, the head read after taking the lock sees
 * everything the previous holder committed, so two sealers can never fork the chain (and the
 * unique `seq` would refuse it if they did).
 *
 * Nothing on the hot path waits for this: audit() inserts without any lock of the chain, and the
 * sealer reads only committed rows. A row whose transaction commits after a later id was sealed
 * is sealed in the next pass, further down the chain.
 */
export async function sealAuditLog(db: Db, options: { batchSize?: number; maxRows?: number } = {}): Promise<{ sealed: number; busy: boolean }> {
  const batchSize = options.batchSize ?? SEAL_BATCH;
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  let sealed = 0;
  while (sealed < maxRows) {
    const count = await db.transaction().execute(async (tx) => {
      if (!(await trySealerLock(tx))) return undefined;
      const rows = await unsealedBatch(tx, Math.min(batchSize, maxRows - sealed));
      if (rows.length === 0) return 0;
      const head = await chainHead(tx);
      let seq = head?.seq ?? 0;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const seals: Seal[] = rows.map((row) => {
        const hash = chainHash(prevHash, row);
        const seal = { id: row.id, seq: ++seq, prevHash, hash };
        prevHash = hash;
        return seal;
      });
      await writeSeals(tx, seals);
      return rows.length;
    });
    if (count === undefined) return { sealed, busy: true };
    sealed += count;
    if (count < batchSize) break;
  }
  return { sealed, busy: false };
}

/**
 * The sealer job: once a second in every process (one seals at a time, the others find the lock
 * taken). Each pass seals at most 100,000 rows, so `stop()` comes back promptly; a backlog is
 * worked off over the following seconds. `stop()` runs one last pass so that entries written
 * while the process drained are sealed now rather than by another process or the next start.
 */
export function startAuditSealer(db: Db, onError: (error: unknown) => void, intervalMs = 1000): { stop(): Promise<void> } {
  const job = every(intervalMs, () => sealAuditLog(db, { maxRows: 100_000 }), onError);
  return {
    async stop() {
      await job.stop();
      await sealAuditLog(db, { maxRows: 100_000 }).catch(onError);
    },
  };
}

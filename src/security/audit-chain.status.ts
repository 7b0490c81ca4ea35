import type { Db } from '../platform/transaction.js';
import { chainHead, unsealedCounts } from './audit-chain.repository.js';
import { type ChainFinding, type Checkpoint, verifyAuditChain } from './audit-chain.verify.js';

export interface ChainStatus {
  head: { seq: number; hash: string; sealedAt: string } | null;
  unsealed: number;
  /** Unsealed rows older than a minute: the sealer is not running. */
  staleUnsealed: number;
  verified: {
    ok: boolean;
    /** Rows found intact from seq 1 (the walk stops at the first problem). */
    checked: number;
    firstProblem?: ChainFinding;
    /** When this result was reached, and when the whole chain was last walked from seq 1. */
    at: string;
    fullAt: string;
  };
}

export interface ChainStatusOptions {
  /** How long a result is served before a walk refreshes it (in the background). */
  maxAgeMs?: number;
  /** How often the refresh walks the whole chain rather than only the rows sealed since. */
  fullEveryMs?: number;
}

/**
 * The chain's state for the console, bounded however large the log grows. Head and unsealed
 * counts are read on every call (index probes). The verification is kept per process:
 * - the first call walks the whole chain and waits for it (about 10 s per million rows, measured);
 * - after that, calls answer at once with the kept result; once it is older than `maxAgeMs` (a
 *   minute) one call starts a refresh in the background. A refresh checks that the last row
 *   verified still has its hash and walks only the rows sealed since, except every `fullEveryMs`
 *   (15 minutes), or while a problem is known, when it walks the whole chain again: a row changed
 *   without touching any hash, before the last row verified, is found by the next whole walk.
 * `taquilla audit verify` always walks the whole chain.
 */
export function createChainStatus(db: Db, options: ChainStatusOptions = {}): { get(): Promise<ChainStatus> } {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const fullEveryMs = options.fullEveryMs ?? 15 * 60_000;
  let kept: { at: number; fullAt: number; last?: Checkpoint; verified: ChainStatus['verified'] } | undefined;
  let running: Promise<void> | undefined;

  const walk = async () => {
    const full = !kept?.last || !kept.verified.ok || Date.now() - kept.fullAt >= fullEveryMs;
    const started = Date.now();
    const result = await verifyAuditChain(db, full ? {} : { from: kept!.last });
    const firstProblem = result.findings.find((f) => f.kind !== 'unsealed');
    const checked = (full ? 0 : kept!.verified.checked) + result.checked;
    const fullAt = full ? started : kept!.fullAt;
    kept = {
      at: Date.now(),
      fullAt,
      last: result.last,
      verified: { ok: result.ok, checked, ...(firstProblem ? { firstProblem } : {}), at: new Date().toISOString(), fullAt: new Date(fullAt).toISOString() },
    };
  };
  const refresh = () => {
    running ??= walk().finally(() => {
      running = undefined;
    });
    return running;
  };

  const verified = async () => {
    if (!kept) await refresh();
    else if (Date.now() - kept.at >= maxAgeMs) refresh().catch(() => {}); // a failed refresh is tried again by the next call
    return kept!.verified;
  };
  return {
    async get() {
      const [head, counts, result] = await Promise.all([chainHead(db), unsealedCounts(db, 60_000), verified()]);
      return {
        head: head ? { seq: head.seq, hash: head.hash, sealedAt: head.sealedAt.toISOString() } : null,
        unsealed: counts.unsealed,
        staleUnsealed: counts.stale,
        verified: result,
      };
    },
  };
}

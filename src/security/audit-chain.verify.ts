import type { Db } from '../platform/transaction.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { type ChainHead, chainHead, type SealedRow, sealedAfter, sealedAt, unsealedCounts } from './audit-chain.repository.js';

export type FindingKind = 'altered' | 'removed' | 'inserted' | 'head' | 'unsealed';

export interface ChainFinding {
  kind: FindingKind;
  /** The chain position the finding is about, when there is one. */
  seq?: number;
  /** The row it names, when that row is still there. */
  id?: string;
  message: string;
}

export interface ChainVerification {
  /** True when the chain is intact (and the kept head, if given, is in it). */
  ok: boolean;
  /** Sealed rows whose hash and link were checked before the walk ended. */
  checked: number;
  head: ChainHead | null;
  unsealed: number;
  /** Unsealed rows older than `staleMs`: the sealer is not running (not a break of the chain). */
  staleUnsealed: number;
  /** The first break of the chain, then the kept head's, then stale unsealed rows: at most one each. */
  findings: ChainFinding[];
  /** The last row found intact: where a later walk may continue (`from`). */
  last?: Checkpoint;
}

/** A row verified earlier, to continue the walk after it. */
export type Checkpoint = Pick<SealedRow, 'id' | 'seq' | 'hash' | 'prev_hash'>;

export interface VerifyOptions {
  batchSize?: number;
  /** A head printed earlier by `taquilla audit head`: it must still be in the chain. */
  keptHead?: { seq: number; hash: string };
  staleMs?: number;
  /**
   * Continue after a row a previous walk found intact, instead of from seq 1: it must still be
   * there with the same hash (else a `head` finding), and only the rows after it are checked.
   */
  from?: Checkpoint;
}

/** The sealed rows in chain order, a page at a time, with a look at the next row when needed. */
function chainReader(db: Db, batchSize: number, afterSeq: number) {
  let page: SealedRow[] = [];
  let at = 0;
  let lastSeq = afterSeq;
  let done = false;
  const fill = async () => {
    if (at < page.length || done) return;
    page = await sealedAfter(db, lastSeq, batchSize);
    at = 0;
    if (page.length < batchSize) done = true;
    if (page.length > 0) lastSeq = page[page.length - 1]!.seq;
  };
  return {
    async peek(): Promise<SealedRow | undefined> {
      await fill();
      return page[at];
    },
    async next(): Promise<SealedRow | undefined> {
      await fill();
      return page[at++];
    },
  };
}

const name = (row: { id: string | number; seq: number }) => `row id ${row.id} (seq ${row.seq})`;
const pick = (row: Checkpoint): Checkpoint => ({ id: row.id, seq: row.seq, hash: row.hash, prev_hash: row.prev_hash });

/**
 * Walks the sealed chain from seq 1 in pages of `batchSize` rows (memory does not grow with the
 * log), recomputes every hash and link, and stops at the first break, which it names:
 * - removed: a gap in `seq`, or a row whose `prev_hash` links to a row that is not there;
 * - inserted: a row the next one links past (the chain is whole without it);
 * - altered: a row whose content no longer gives its stored hash.
 * A rewrite that recomputed every hash after a change is whole again; only a head kept elsewhere
 * (`keptHead`) tells it, as does a chain cut short at its end. With `from`, the walk continues
 * after a row verified earlier: cheap for a log that only grows, but blind to a row before it
 * whose content was changed without touching the hashes, so it does not replace a whole walk.
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<ChainVerification> {
  const from = options.from;
  const reader = chainReader(db, options.batchSize ?? 5000, from?.seq ?? 0);
  const findings: ChainFinding[] = [];
  let checked = 0;
  let prev: Checkpoint | undefined = from;
  let prevHash = from?.hash ?? GENESIS_HASH;
  let beforePrevHash: string | undefined = from?.prev_hash;
  const moved = from && (await checkKeptHead(db, from, 'verified'));
  if (moved) findings.push(moved);
  for (let row = moved ? undefined : await reader.next(); row; row = await reader.next()) {
    const expected = (prev?.seq ?? 0) + 1;
    if (row.seq !== expected) {
      const span = row.seq - expected === 1 ? `seq ${expected} is` : `seq ${expected} to ${row.seq - 1} are`;
      const where = prev ? `between ${name(prev)} and ${name(row)}` : `before ${name(row)}`;
      findings.push({ kind: 'removed', seq: expected, message: `removed: ${span} missing, ${where}` });
      break;
    }
    const intact = chainHash(row.prev_hash, row) === row.hash;
    const linked = row.prev_hash === prevHash;
    if (!intact || !linked) {
      const next = await reader.peek();
      findings.push(describeBreak(row, { prev, prevHash, beforePrevHash, intact, linked, next }));
      break;
    }
    checked++;
    beforePrevHash = prevHash;
    prevHash = row.hash;
    prev = row;
  }
  const head = (await chainHead(db)) ?? null;
  if (options.keptHead) {
    const finding = await checkKeptHead(db, options.keptHead, 'kept');
    if (finding) findings.push(finding);
  }
  const staleMs = options.staleMs ?? 60_000;
  const counts = await unsealedCounts(db, staleMs);
  if (counts.stale > 0) {
    findings.push({
      kind: 'unsealed',
      id: counts.oldestStaleId ?? undefined,
      message: `unsealed: ${counts.stale} rows older than ${staleMs / 1000} s are not sealed yet (oldest id ${counts.oldestStaleId}): is the sealer running?`,
    });
  }
  const ok = !findings.some((f) => f.kind !== 'unsealed');
  return { ok, checked, head, unsealed: counts.unsealed, staleUnsealed: counts.stale, findings, ...(prev ? { last: pick(prev) } : {}) };
}

function describeBreak(
  row: SealedRow,
  at: { prev?: Checkpoint; prevHash: string; beforePrevHash?: string; intact: boolean; linked: boolean; next?: SealedRow },
): ChainFinding {
  const { prev, next } = at;
  const id = String(row.id);
  if (next && next.seq === row.seq + 1 && next.prev_hash === at.prevHash) {
    return { kind: 'inserted', seq: row.seq, id, message: `inserted: ${name(row)} is not part of the chain: ${name(next)} links past it` };
  }
  if (at.linked) {
    return { kind: 'altered', seq: row.seq, id, message: `altered: ${name(row)} no longer matches its hash` };
  }
  if (at.intact && prev && row.prev_hash === at.beforePrevHash) {
    return { kind: 'inserted', seq: prev.seq, id: String(prev.id), message: `inserted: ${name(prev)} is not part of the chain: ${name(row)} links past it` };
  }
  if (at.intact) {
    const before = prev ? name(prev) : 'the start of the chain';
    return {
      kind: 'removed',
      seq: row.seq,
      id,
      message: `removed: a row is missing between ${before} and ${name(row)}, which links to a hash that is no longer in the chain (or ${prev ? `seq ${prev.seq}` : 'its predecessor'} was rewritten with a new hash)`,
    };
  }
  return { kind: 'altered', seq: row.seq, id, message: `altered: ${name(row)} matches neither its hash nor its place in the chain` };
}

/** Whether a row known earlier (a head kept elsewhere, or the last row a walk verified) is unchanged. */
async function checkKeptHead(db: Db, kept: { seq: number; hash: string }, when: 'kept' | 'verified'): Promise<ChainFinding | undefined> {
  if (kept.seq === 0) return kept.hash === GENESIS_HASH ? undefined : { kind: 'head', seq: 0, message: 'head: seq 0 is the genesis, whose hash is all zeros' };
  const row = await sealedAt(db, kept.seq);
  if (!row) {
    const head = await chainHead(db);
    const end = head ? `the chain ends at seq ${head.seq}` : 'the chain is empty';
    const which = when === 'kept' ? 'the head kept earlier' : 'the last row verified';
    return { kind: 'head', seq: kept.seq, message: `head: seq ${kept.seq}, ${which}, is not in the chain (${end}): rows were removed from its end` };
  }
  if (row.hash !== kept.hash) {
    return {
      kind: 'head',
      seq: kept.seq,
      id: String(row.id),
      message: `head: seq ${kept.seq} (row id ${row.id}) now has hash ${row.hash}, not ${kept.hash} as when it was ${when}: the chain up to there was rewritten`,
    };
  }
  return undefined;
}

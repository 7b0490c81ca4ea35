import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The shield's proof of work, shared by the queue page's worker and its unit test: find a
 * decimal nonce such that SHA-256(`${challenge}.${nonce}`) starts with `difficulty` zero bits.
 * Plain code with no DOM, so node:test runs the very same search the browser does.
 */

/** `GET /api/shield/challenge`. */
export interface Challenge {
  challenge: string;
  difficulty: number;
  expiresAt: string;
}

/** What the worker says: progress (0–1) after some batches, then the answer (the header's value). */
export type WorkerReply = { progress: number } | { solution: string };

export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

/**
 * Tries nonces from 0 upwards, yielding the number tried after every `batch` of them so the
 * caller can report progress (or give the page a breath); returns the first nonce that works.
 */
export function* search(challenge: string, difficulty: number, batch = 4096): Generator<number, string, void> {
  // The prefix is hashed once (its full blocks are done for good) and the state copied for each
  // try: a fresh hash per nonce spends half its time allocating and checking arguments.
  const start = sha256.create().update(new TextEncoder().encode(`${challenge}.`));
  const work = start.clone();
  const digits = new Uint8Array(20);
  const digest = new Uint8Array(32);
  for (let nonce = 0; ; ) {
    for (const end = nonce + batch; nonce < end; nonce++) {
      const text = String(nonce);
      for (let i = 0; i < text.length; i++) digits[i] = text.charCodeAt(i);
      start._cloneInto(work).update(digits.subarray(0, text.length)).digestInto(digest);
      if (leadingZeroBits(digest) >= difficulty) return text;
    }
    yield nonce;
  }
}

/** Runs the search to the end, calling `onProgress` between batches. */
export function solve(challenge: string, difficulty: number, onProgress?: (tried: number) => void, batch?: number): string {
  const steps = search(challenge, difficulty, batch);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    onProgress?.(step.value);
  }
}

/**
 * Share of fans who would have finished after `tried` hashes (1 − e^(−tried/2^difficulty)): it
 * moves fast at first and slows near the end instead of stalling at 99% for an unlucky fan.
 */
export const progress = (tried: number, difficulty: number): number => 1 - Math.exp(-tried / 2 ** difficulty);

import { hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { leadingZeroBits } from '../../src/shield/challenge.js';

/**
 * The fans' proof-of-work: find a decimal nonce so that sha256(utf8 `${challenge}.${nonce}`) has at
 * least `difficulty` leading zero bits, with node:crypto, in worker threads so one fan's search
 * does not stall every other fan's polling in the same process. Each worker lowers its own
 * priority (`nice`, Linux applies it per thread) to the flood's, so the fans' solving and the flood
 * share the load core evenly while the fans' requests keep the upper hand.
 */
export interface Solved {
  nonce: number;
  hashes: number;
  ms: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (workerData.nice) require('node:os').setPriority(tid, workerData.nice);
} catch {}
parentPort.on('message', ({ id, challenge, difficulty, maxHashes }) => {
  const full = difficulty >> 3;
  const rest = difficulty & 7;
  const mask = rest ? (0xff << (8 - rest)) & 0xff : 0;
  const prefix = challenge + '.';
  const began = performance.now();
  for (let nonce = 0; nonce < maxHashes; nonce++) {
    const d = crypto.hash('sha256', prefix + nonce, 'buffer');
    let ok = true;
    for (let i = 0; i < full; i++) if (d[i] !== 0) { ok = false; break; }
    if (ok && (rest === 0 || (d[full] & mask) === 0)) {
      parentPort.postMessage({ id, nonce, hashes: nonce + 1, ms: performance.now() - began });
      return;
    }
  }
  parentPort.postMessage({ id, nonce: -1, hashes: maxHashes, ms: performance.now() - began });
});
`;

export class SolverPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: { challenge: string; difficulty: number; resolve: (s: Solved | undefined) => void }[] = [];
  private readonly waiting = new Map<number, (s: Solved | undefined) => void>();
  private serial = 0;

  constructor(threads: number, nice: number) {
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(WORKER, { eval: true, workerData: { nice } });
      worker.on('message', (m: { id: number; nonce: number; hashes: number; ms: number }) => {
        const resolve = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        resolve?.(m.nonce < 0 ? undefined : { nonce: m.nonce, hashes: m.hashes, ms: m.ms });
        this.idle.push(worker);
        this.pump();
      });
      return worker;
    });
    this.idle = [...this.workers];
  }

  /** Resolves with the nonce, or undefined if none was found within 2^(difficulty+6) tries (about 1 in 10^27). */
  solve(challenge: string, difficulty: number): Promise<Solved | undefined> {
    if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 40)
      return Promise.reject(new Error(`difficulty ${difficulty} is out of the bench's range`));
    return new Promise((resolve) => {
      this.queue.push({ challenge, difficulty, resolve });
      this.pump();
    });
  }

  get queued(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const job = this.queue.shift()!;
      const worker = this.idle.pop()!;
      const id = ++this.serial;
      this.waiting.set(id, job.resolve);
      worker.postMessage({ id, challenge: job.challenge, difficulty: job.difficulty, maxHashes: 2 ** (job.difficulty + 6) });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The same search on the calling thread, for easy challenges: a few dozen hashes cost less than
 * the round trip to a worker, whose answer waits for a turn of a busy caller's event loop (the
 * crowd's fans process, at 5 bits, got about 125 answers a second from its worker that way).
 */
export function solveHere(challenge: string, difficulty: number): Solved | undefined {
  const began = performance.now();
  const prefix = `${challenge}.`;
  const maxHashes = 2 ** (difficulty + 6);
  for (let nonce = 0; nonce < maxHashes; nonce++) {
    if (leadingZeroBits(hash('sha256', prefix + nonce, 'buffer')) >= difficulty) return { nonce, hashes: nonce + 1, ms: performance.now() - began };
  }
  return undefined;
}

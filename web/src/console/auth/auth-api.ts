import { api, ApiError } from '../../shared/api';
import type { Challenge, WorkerReply } from '../../queue/pow';
import powWorkerUrl from '../../queue/pow.worker.ts?worker&url';
import { startVerifiedWorker } from '../../shared/trusted-types';

/**
 * Calls to the sign-in routes. They are the shield's `login` class: while shield mode is on they
 * need a proof of work (401 `challenge_required`), solved here in the waiting room's own worker,
 * off the main thread, and sent as X-Shield-Solution. A person signing in waits a moment; a bot
 * trying thousands of passwords pays for each.
 */
const MAX_PROOFS = 3;

async function solveInWorker(challenge: Challenge): Promise<string> {
  const worker = await startVerifiedWorker(new URL(powWorkerUrl, location.href));
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
      if ('solution' in data) {
        worker.terminate();
        resolve(data.solution);
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'The browser check could not run'));
    };
    worker.postMessage(challenge);
  });
}

export async function authPost<T>(path: string, body?: unknown): Promise<T> {
  let solution: string | undefined;
  for (let proofs = 0; ; proofs++) {
    try {
      return await api<T>(path, { method: 'POST', body, headers: solution ? { 'x-shield-solution': solution } : undefined });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401 && error.code === 'challenge_required') || proofs >= MAX_PROOFS) throw error;
      solution = await solveInWorker(await api<Challenge>('/api/shield/challenge'));
    }
  }
}

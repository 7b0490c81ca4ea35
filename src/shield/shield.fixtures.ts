import { createHash } from 'node:crypto';
import type { App } from '../app.js';
import { leadingZeroBits } from './challenge.js';

/** Finds a nonce for a challenge the way a fan's browser does, with node:crypto. */
export function solve(challenge: string, difficulty: number): string {
  for (let nonce = 0; ; nonce++) {
    const solution = `${challenge}.${nonce}`;
    if (leadingZeroBits(createHash('sha256').update(solution).digest()) >= difficulty) return solution;
  }
}

/** Fetches a challenge from `ip` and solves it. */
export async function solution(app: App, ip = '198.51.100.200'): Promise<string> {
  const res = await app.inject({ url: '/api/shield/challenge', remoteAddress: ip });
  if (res.statusCode !== 200) throw new Error(`challenge answered ${res.statusCode}: ${res.body}`);
  const { challenge, difficulty } = res.json();
  return solve(challenge, difficulty);
}

/** Shield on, proof of work cheap enough for tests. */
export const SHIELD_ON = { SHIELD_ENABLED: 'true', SHIELD_POW_BITS: '8' };

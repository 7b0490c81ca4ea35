import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A small front-end build of the test's own (pages and hashed assets), so a test of static files
 * does not depend on `npm run build:web` having run, nor on another build replacing web/dist.
 */
export function webBuild(): { dir: string; assets: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'taquilla-web-'));
  mkdirSync(join(dir, 'assets'));
  for (const page of ['index.html', 'console.html', 'queue.html']) {
    writeFileSync(join(dir, page), `<!doctype html><html><head><title>${page}</title></head><body></body></html>`);
  }
  const assets = Array.from({ length: 8 }, (_, i) => `chunk${i}-${(1e7 + i * 7919).toString(36)}.${i % 4 === 0 ? 'css' : 'js'}`);
  for (const name of assets) writeFileSync(join(dir, 'assets', name), `/* ${name} */ ${'x'.repeat(2000)}`);
  return { dir, assets };
}

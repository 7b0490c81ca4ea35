import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../platform/redis.js';

/** How long a challenge may be solved and used. */
const LIFETIME_MS = 120_000;
const VERSION = 'c1';

export interface Challenge {
  challenge: string;
  difficulty: number;
  expiresAt: string;
}
export type Verdict = 'ok' | 'missing' | 'malformed' | 'forged' | 'expired' | 'wrong' | 'reused';

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Where spent challenges are remembered until they expire: this process, or Redis for all of them. */
export interface SpentStore {
  /** True the first time an id is spent, false after. */
  spend(id: string, expiresAtMs: number): Promise<boolean>;
}

export function memorySpentStore(): SpentStore & { size(): number } {
  const spent = new Map<string, number>();
  let sweptAt = 0;
  return {
    async spend(id, expiresAtMs) {
      const now = Date.now();
      if (now - sweptAt > 10_000) {
        sweptAt = now;
        for (const [key, until] of spent) if (until <= now) spent.delete(key);
      }
      if (spent.has(id)) return false;
      spent.set(id, expiresAtMs);
      return true;
    },
    size: () => spent.size,
  };
}

export function redisSpentStore(redis: RedisClient, prefix: string): SpentStore {
  return {
    async spend(id, expiresAtMs) {
      const ttl = Math.max(1, expiresAtMs - Date.now());
      return (await redis.set(`${prefix}pow:${id}`, '1', 'PX', ttl, 'NX')) === 'OK';
    },
  };
}

/**
 * Stateless proof of work. A challenge is `c1.<id>.<difficulty>.<expires>.<mac>`, signed with a
 * key derived from the deployment secret, so issuing one stores nothing. A solution is
 * `<challenge>.<nonce>` whose SHA-256 starts with `difficulty` zero bits: about 2^difficulty
 * hashes to find, one to check. The id is spent on first use, so a solution cannot be replayed.
 */
export function createChallenges(secret: string, spent: SpentStore) {
  const key = createHmac('sha256', secret).update('taquilla shield challenge v1').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);

  return {
    issue(difficulty: number, now: number): Challenge {
      const expires = now + LIFETIME_MS;
      const payload = `${VERSION}.${randomBytes(12).toString('base64url')}.${difficulty}.${Math.floor(expires / 1000)}`;
      return {
        challenge: `${payload}.${mac(payload).toString('base64url')}`,
        difficulty,
        expiresAt: new Date(Math.floor(expires / 1000) * 1000).toISOString(),
      };
    },

    /** Checks a solution; the cheap checks come first, the spend (Redis with many nodes) last. */
    async verify(solution: string | undefined, now: number): Promise<Verdict> {
      if (!solution) return 'missing';
      if (solution.length > 200) return 'malformed';
      const parts = solution.split('.');
      if (parts.length !== 6 || parts[0] !== VERSION) return 'malformed';
      const [, id, bits, expires, signature, nonce] = parts as [string, string, string, string, string, string];
      if (!/^\d{1,2}$/.test(bits) || !/^\d{1,12}$/.test(expires) || !/^\d{1,20}$/.test(nonce)) return 'malformed';
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(`${VERSION}.${id}.${bits}.${expires}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
      const expiresAtMs = Number(expires) * 1000;
      if (expiresAtMs <= now) return 'expired';
      if (leadingZeroBits(createHash('sha256').update(solution).digest()) < Number(bits)) return 'wrong';
      return (await spent.spend(id, expiresAtMs)) ? 'ok' : 'reused';
    },
  };
}
export type Challenges = ReturnType<typeof createChallenges>;

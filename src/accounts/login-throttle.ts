import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../platform/errors.js';
import { createRedisClient } from '../platform/redis.js';
import type { Limit } from '../shield/limits.js';

/**
 * Login throttling, before any password is hashed or code checked (OWASP ASVS 5.0 V6.3.1, NIST
 * SP 800-63B-4 §3.2.2 rate limiting). Three budgets:
 * - per client address: every attempt from a browser not known to the account counts (a stuffing
 *   bot on one address);
 * - per account: every attempt counts and a success gives the budget back, so what is left are
 *   failures (a bot spreading one account's guesses over many addresses). The key is the email
 *   as typed, whether or not the account exists, so the answers cannot tell accounts apart;
 * - per device: a browser that once signed in to this account carries a device cookie (OWASP's
 *   "device cookies"); its attempts count on a budget of its own and not on the address's, so an
 *   attack on the account does not lock its owner out, nor fifty colleagues behind one office
 *   address each other. The shield's `login` class lets a genuine device cookie past its own
 *   address limits and proof of work for the same reason (`knownDevice`).
 * And one budget for the process's CPU: password checks for browsers not known to the account,
 * at most `hashes` a second in this process. A stuffing attack spread over thousands of addresses,
 * a few guesses an account, stays under every limit above; this keeps it from spending the cores
 * the on-sale needs on argon2 (about 13 ms a check), while the staff and fans it does not know
 * about wait their turn and the ones it knows pass.
 * Refusals are 429 `too_many_attempts` with Retry-After. With Redis the counts are shared by every
 * process; if Redis cannot answer, each process counts in its own memory instead.
 */
export type LoginLimits = Readonly<Record<'address' | 'account' | 'device' | 'hashes', Limit>>;
export const LOGIN_LIMITS: LoginLimits = Object.freeze({
  address: { points: 20, seconds: 60 },
  account: { points: 10, seconds: 15 * 60 },
  device: { points: 10, seconds: 15 * 60 },
  // About a quarter of a core at 13 ms a check; per process, as the CPU it guards is. An on-sale
  // with many first sign-ins needs more processes or a higher setting (LOGIN_LIMITS).
  hashes: { points: 20, seconds: 1 },
});

/** A device cookie is good for this long after its last sign-in. */
export const DEVICE_COOKIE_SECONDS = 180 * 24 * 3600;
export const DEVICE_COOKIE = 'tq_device';

export interface LoginAttempt {
  ip: string | null;
  /** What the attempt is against (`staff:<email>`, `customer:<email>`); none for a token or a passkey, which cannot be guessed. */
  account?: string;
  /** The request's device cookie, if any; only a cookie issued for this account counts. */
  device?: string;
  /** The attempt will cost a password check: it takes from the process's budget unless the browser is known. */
  hashes?: boolean;
}

export interface LoginThrottle {
  /** Takes one attempt from the address's and the account's (or device's) budget; throws 429 when one is spent. */
  attempt(attempt: LoginAttempt): Promise<void>;
  /** The attempt succeeded: the account's (or device's) budget is given back. */
  succeeded(attempt: LoginAttempt): Promise<void>;
  /** A device cookie for this account: `value` goes in the cookie; issued on a full sign-in. */
  deviceCookie(account: string): string;
  /** Whether a cookie is one this deployment issued (for any account): one HMAC, no store. */
  knownDevice(cookie: string | undefined): boolean;
  close(): Promise<void>;
}

const tooMany = (retryAfter: number) => new AppError('too_many_attempts', 429, `Too many sign-in attempts; try again in ${retryAfter} s`, { retryAfter });

export function createLoginThrottle(config: Pick<Config, 'secret' | 'redisUrl' | 'redisPrefix' | 'loginLimits'>): LoginThrottle {
  const limits = config.loginLimits;
  const redis = config.redisUrl
    ? createRedisClient(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 500 })
    : undefined;
  if (redis) {
    redis.on('error', () => {});
    redis.connect().catch(() => {});
  }
  const limiter = (name: string, limit: Limit): RateLimiterAbstract => {
    const base = { keyPrefix: `${config.redisPrefix}login:${name}`, points: limit.points, duration: limit.seconds };
    if (!redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({ ...base, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(base) });
  };
  const byAddress = limiter('ip', limits.address);
  const byAccount = limiter('account', limits.account);
  const byDevice = limiter('device', limits.device);
  const hashBudget = new RateLimiterMemory({ keyPrefix: 'login:hashes', points: limits.hashes.points, duration: limits.hashes.seconds });
  const deviceKey = createHmac('sha256', config.secret).update('taquilla login device cookies').digest();

  // Keys are digests: an email typed by a stranger is not kept in Redis or memory as it is.
  const digest = (value: string) => createHash('sha256').update(value.toLowerCase()).digest('base64url').slice(0, 32);
  const tag = (text: string) => createHmac('sha256', deviceKey).update(text).digest('base64url').slice(0, 32);
  // Compared as bytes: a cookie's characters may be multi-byte, and timingSafeEqual throws on a length mismatch.
  const same = (given: string | undefined, expected: string) => {
    const bytes = Buffer.from(given ?? '');
    return bytes.length === 32 && timingSafeEqual(bytes, Buffer.from(expected));
  };
  // `id.issued.forAccount`: the first tag proves we issued it, the second for which account.
  const parts = (cookie: string | undefined) => {
    const [id, issued, forAccount] = (cookie ?? '').split('.');
    return id && id.length <= 32 && same(issued, tag(`issued|${id}`)) ? { id, forAccount } : undefined;
  };

  /** The device id if the cookie was issued for this account, else undefined. */
  const deviceOf = (attempt: LoginAttempt): string | undefined => {
    const cookie = parts(attempt.device);
    if (!cookie || attempt.account === undefined) return undefined;
    return same(cookie.forAccount, tag(`${attempt.account.toLowerCase()}|${cookie.id}`)) ? cookie.id : undefined;
  };
  const accountBudget = (attempt: LoginAttempt): [RateLimiterAbstract, string] | undefined => {
    if (attempt.account === undefined) return undefined;
    const device = deviceOf(attempt);
    return device ? [byDevice, device] : [byAccount, digest(attempt.account)];
  };

  const take = async (store: RateLimiterAbstract, key: string) => {
    try {
      await store.consume(key);
    } catch (rejection) {
      // A store error without insurance lets the attempt through rather than lock everyone out.
      if (rejection instanceof RateLimiterRes) throw tooMany(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  };

  return {
    async attempt(attempt) {
      const budget = accountBudget(attempt);
      const known = budget?.[0] === byDevice;
      if (attempt.ip && !known) await take(byAddress, attempt.ip);
      if (budget) await take(...budget);
      if (attempt.hashes && !known) await take(hashBudget, 'process');
    },
    async succeeded(attempt) {
      const budget = accountBudget(attempt);
      if (budget) await budget[0].delete(budget[1]).catch(() => {});
    },
    deviceCookie(account) {
      const id = randomBytes(16).toString('base64url');
      return `${id}.${tag(`issued|${id}`)}.${tag(`${account.toLowerCase()}|${id}`)}`;
    },
    knownDevice(cookie) {
      return parts(cookie) !== undefined;
    },
    async close() {
      redis?.disconnect();
    },
  };
}

/** The attempt a request makes against `account`, with the device cookie it carries. */
export function attemptOf(request: FastifyRequest, account?: string, hashes = false): LoginAttempt {
  return { ip: request.ip, account, device: request.cookies?.[DEVICE_COOKIE], hashes };
}

/**
 * After a full sign-in: this browser's device cookie for the account, renewed. HttpOnly, scoped to
 * the sign-in routes' /api path; it proves nothing but that this browser once signed in here.
 */
export function rememberDevice(reply: FastifyReply, throttle: LoginThrottle, account: string, secure: boolean): void {
  reply.setCookie(DEVICE_COOKIE, throttle.deviceCookie(account), { httpOnly: true, sameSite: 'lax', path: '/api', secure, maxAge: DEVICE_COOKIE_SECONDS });
}

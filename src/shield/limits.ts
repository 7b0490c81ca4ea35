import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RouteClass } from './route-classes.js';

/** `points` requests per `seconds`, per key. */
export interface Limit { points: number; seconds: number }
/** A class's limits per client address, per network (/24, /48) and per account when there is one. */
export interface ClassLimits { ip?: Limit; prefix?: Limit; account?: Limit }
export type LimitTable = Partial<Record<RouteClass, ClassLimits>>;

/**
 * The defaults. A carrier-grade NAT can put hundreds of phones behind one IPv4 address, and a fan
 * who cannot poll for the grace period loses the turn, so the per-address limits of the line are
 * wide: the queue page polls every 3 s, so 300 polls per 10 s is a hundred fans on one address,
 * while a junk client sending hundreds a second is refused within a second. Browsing stays
 * narrower (a refused page costs a fan nothing but a retry): in the on-sale bench, a browse limit
 * as wide as the status one let the flood's page requests through long enough to cost a quarter
 * more server CPU per refusal. Per-network limits are wider still.
 */
export const DEFAULT_LIMITS: Record<RouteClass, ClassLimits> = {
  browse: { ip: { points: 120, seconds: 10 }, prefix: { points: 2000, seconds: 10 } },
  challenge: { ip: { points: 120, seconds: 60 }, prefix: { points: 1200, seconds: 60 } },
  queue_join: { ip: { points: 60, seconds: 60 }, prefix: { points: 600, seconds: 60 }, account: { points: 5, seconds: 60 } },
  queue_status: { ip: { points: 300, seconds: 10 }, prefix: { points: 6000, seconds: 10 } },
  hold: { ip: { points: 60, seconds: 60 }, prefix: { points: 600, seconds: 60 } },
  checkout: { ip: { points: 120, seconds: 60 }, prefix: { points: 2400, seconds: 60 } },
  login: { ip: { points: 10, seconds: 60 }, prefix: { points: 100, seconds: 60 }, account: { points: 5, seconds: 900 } },
  email: { ip: { points: 20, seconds: 3600 }, prefix: { points: 200, seconds: 3600 }, account: { points: 5, seconds: 3600 } },
  checkin: { ip: { points: 1200, seconds: 60 } },
  webhook: { ip: { points: 600, seconds: 60 } },
  operator: { ip: { points: 600, seconds: 60 } },
};

/** A repeat offender: refused this many times within a minute, it is refused outright for ten. */
const OFFENSES = { points: 60, seconds: 60, blockSeconds: 600 };

export type Scope = 'ip' | 'prefix' | 'account';
export interface Refusal { scope: Scope | 'blocked'; retryAfter: number }

export interface Limits {
  /** Seconds left on a repeat offender's block, or 0; a Map lookup, no promise, no Redis. */
  blockedFor(ip: string, now: number): number;
  /** Takes one point from each of the class's limits; the first one exhausted is the refusal. */
  consume(cls: RouteClass, ip: string, prefix: string, account?: string): Promise<Refusal | undefined>;
  /** Counts a refusal against the address; enough of them block it in memory. */
  offended(ip: string, now: number): void;
  /** How many addresses are blocked now. */
  blockedCount(now: number): number;
  /**
   * The same limits for the one class polled flat out (queue status), without waiting for the
   * limiter: a verdict already known for the address or its network refuses at once (a Map
   * lookup); otherwise the request goes on and the point is taken in the background, so an
   * exhausted limit refuses from the next request on, one request later than `consume`.
   */
  consumeLater(cls: RouteClass, ip: string, prefix: string, now: number): Refusal | undefined;
}

/**
 * Layered limits on rate-limiter-flexible. In one process the counters live in memory; with
 * Redis they are shared by every process, each limiter insured by an in-memory one that takes
 * over while Redis is unreachable (`rejectIfRedisNotReady`), and a key that has run out is
 * remembered in memory until its window ends, so a flood from one source does not reach Redis.
 */
export function createLimits(opts: { table?: LimitTable; redis?: Redis; keyPrefix: string }): Limits {
  const table: Record<string, ClassLimits> = { ...DEFAULT_LIMITS, ...opts.table };
  const limiters = new Map<string, RateLimiterAbstract>();
  const build = (name: string, limit: Limit): RateLimiterAbstract => {
    const base = { keyPrefix: `${opts.keyPrefix}rl:${name}`, points: limit.points, duration: limit.seconds };
    if (!opts.redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({
      ...base,
      storeClient: opts.redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(base),
      inMemoryBlockOnConsumed: limit.points + 1,
      inMemoryBlockDuration: limit.seconds,
    });
  };
  for (const [cls, limits] of Object.entries(table)) {
    for (const scope of ['ip', 'prefix', 'account'] as const) {
      const limit = limits[scope];
      if (limit) limiters.set(`${cls}:${scope}`, build(`${cls}:${scope}`, limit));
    }
  }
  const offenses = new RateLimiterMemory({ points: OFFENSES.points, duration: OFFENSES.seconds });
  const blocked = new Map<string, number>();

  const refusal = (scope: Scope, rejection: unknown): Refusal | undefined =>
    // A store error with no insurance arrives as an Error: let the request through rather than
    // refuse everyone because a counter could not be read.
    rejection instanceof RateLimiterRes ? { scope, retryAfter: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) } : undefined;
  const layers = new Map<string, { ip?: RateLimiterAbstract; prefix?: RateLimiterAbstract; account?: RateLimiterAbstract }>();
  for (const cls of Object.keys(table)) {
    layers.set(cls, { ip: limiters.get(`${cls}:ip`), prefix: limiters.get(`${cls}:prefix`), account: limiters.get(`${cls}:account`) });
  }

  /** Verdicts already known: `<class>|<scope>|<key>` -> refused until (ms). */
  const limited = new Map<string, number>();
  let limitedSweptAt = 0;
  const knownVerdict = (key: string, now: number): number => {
    const until = limited.get(key);
    if (until === undefined) return 0;
    if (until > now) return until;
    limited.delete(key);
    return 0;
  };

  return {
    consumeLater(cls, ip, prefix, now) {
      const ipKey = `${cls}|ip|${ip}`;
      const prefixKey = `${cls}|prefix|${prefix}`;
      const until = knownVerdict(ipKey, now) || knownVerdict(prefixKey, now);
      if (until) return { scope: 'ip', retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) };
      void this.consume(cls, ip, prefix).then((refused) => {
        if (!refused) return;
        const at = Date.now();
        if (at - limitedSweptAt > 10_000) {
          limitedSweptAt = at;
          for (const [key, end] of limited) if (end <= at) limited.delete(key);
        }
        limited.set(refused.scope === 'prefix' ? prefixKey : ipKey, at + refused.retryAfter * 1000);
      });
      return undefined;
    },
    blockedFor(ip, now) {
      const until = blocked.get(ip);
      if (until === undefined) return 0;
      if (until > now) return Math.ceil((until - now) / 1000);
      blocked.delete(ip);
      return 0;
    },
    // Awaits only the limiters the class has: this runs on every request.
    async consume(cls, ip, prefix, account) {
      const layer = layers.get(cls);
      if (!layer) return undefined;
      try {
        if (layer.ip) await layer.ip.consume(ip);
      } catch (rejection) { return refusal('ip', rejection); }
      try {
        if (layer.prefix) await layer.prefix.consume(prefix);
      } catch (rejection) { return refusal('prefix', rejection); }
      try {
        if (layer.account && account !== undefined) await layer.account.consume(account);
      } catch (rejection) { return refusal('account', rejection); }
      return undefined;
    },
    offended(ip, now) {
      offenses.consume(ip).catch(() => {
        blocked.set(ip, now + OFFENSES.blockSeconds * 1000);
        offenses.delete(ip).catch(() => {});
      });
    },
    blockedCount(now) {
      let n = 0;
      for (const [ip, until] of blocked) {
        if (until > now) n++;
        else blocked.delete(ip);
      }
      return n;
    },
  };
}

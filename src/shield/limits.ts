import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../platform/redis.js';
import type { RouteClass } from './route-classes.js';

/** `points` requests per `seconds`, per key. */
export interface Limit {
  points: number;
  seconds: number;
}
/** A class's limits per client address, per network (/24, /48) and per account when there is one. */
export interface ClassLimits {
  ip?: Limit;
  prefix?: Limit;
  account?: Limit;
}
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
  // Flood control only: the sign-in throttle (accounts/login-throttle.ts) counts per address and
  // per account once the body is read, and a browser that signed in before passes this class, so
  // a box office's staff behind one address can all sign in at opening time.
  login: { ip: { points: 30, seconds: 60 }, prefix: { points: 300, seconds: 60 } },
  email: { ip: { points: 20, seconds: 3600 }, prefix: { points: 200, seconds: 3600 }, account: { points: 5, seconds: 3600 } },
  checkin: { ip: { points: 1200, seconds: 60 } },
  webhook: { ip: { points: 600, seconds: 60 } },
  // Counts only requests without a valid admin token (a valid one passes every layer): the
  // console without a token makes a few, a guesser makes many.
  operator: { ip: { points: 30, seconds: 60 }, prefix: { points: 120, seconds: 60 } },
  // A page load asks for a few dozen files, once (they are cached for a year); a carrier NAT
  // puts many fans on one address.
  asset: { ip: { points: 1200, seconds: 10 } },
  // A page reports each violation once; a browser with a broken extension a few dozen times.
  report: { ip: { points: 60, seconds: 60 }, prefix: { points: 600, seconds: 60 } },
  // Balancers and orchestrators probe every second or two; a few of them share an address.
  health: { ip: { points: 300, seconds: 10 } },
};

/** How often consumeNow's counts are forwarded to the shared (Redis) limiters. */
export const FORWARD_MS = 100;

/**
 * A fixed window per key, counted synchronously: the first request opens a window of
 * `seconds`, and past `points` in it a key is refused until the window ends (as
 * rate-limiter-flexible's memory limiter does). For the one request polled flat out, where the
 * library's promise per call costs more than the answer. Expired keys are swept as it goes; a
 * flood from more addresses than `maxKeys` within one window (IPv6 has plenty) makes it forget
 * every count rather than grow without bound, which lets that window's polls through: the
 * network limit, blocks and shedding still stand.
 */
export class LocalWindow {
  private readonly counts = new Map<string, { n: number; ends: number }>();
  private readonly ms: number;
  private sweptAt = 0;
  constructor(
    private readonly limit: Limit,
    private readonly maxKeys = 500_000,
  ) {
    this.ms = limit.seconds * 1000;
  }

  /** Counts one request; answers 0 when it is within the limit, else seconds until the window ends. */
  take(key: string, now: number): number {
    let slot = this.counts.get(key);
    if (slot !== undefined && slot.ends > now) return ++slot.n <= this.limit.points ? 0 : Math.max(1, Math.ceil((slot.ends - now) / 1000));
    if (now - this.sweptAt > this.ms || this.counts.size >= this.maxKeys) {
      this.sweep(now);
      slot = undefined;
    }
    if (slot) {
      slot.n = 1;
      slot.ends = now + this.ms;
    } else this.counts.set(key, { n: 1, ends: now + this.ms });
    return this.limit.points >= 1 ? 0 : Math.ceil(this.ms / 1000);
  }

  get size(): number {
    return this.counts.size;
  }

  delete(key: string): void {
    this.counts.delete(key);
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, slot] of this.counts) if (slot.ends <= now) this.counts.delete(key);
    // Well short of the bound after sweeping, or sweeps would repeat on every new key.
    if (this.counts.size >= this.maxKeys * 0.75) this.counts.clear();
  }
}

/** Verdicts `knownRefusal` remembers at most; past that it forgets them and the limiters answer. */
const MAX_KNOWN = 500_000;

/** A repeat offender: refused this many times within a minute, it is refused outright for ten. */
const OFFENSES = { points: 60, seconds: 60, blockSeconds: 600 };

export type Scope = 'ip' | 'prefix' | 'account';
export interface Refusal {
  scope: Scope | 'blocked';
  retryAfter: number;
}

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
   * A refusal the limits already know they would give, without counting: the address or its
   * network ran out of the class's limit within a window that has not ended (as learnt from an
   * earlier refusal). Once a key has run out, counting more requests does not change when its
   * window ends, so a request refused from here is refused for as long as `consume` would.
   */
  knownRefusal(cls: RouteClass, ip: string, prefix: string, now: number): Refusal | undefined;
  /** Whether the address or its network has any refusal known (a Map lookup each): the cheap test before `knownRefusal`. */
  anyKnown(ip: string, prefix: string, now: number): boolean;
  /**
   * The same per-address and per-network limits for the one class polled flat out (queue
   * status), answered synchronously: counted in this process's memory, no promise. With Redis the
   * counts also reach the shared limiters, in batches every FORWARD_MS; a process hears a shared
   * verdict in answer to its own batch and refuses from then on, so across processes a limit can
   * be overrun by what arrives in that time.
   */
  consumeNow(cls: RouteClass, ip: string, prefix: string, now: number): Refusal | undefined;
  /** Forwards consumeNow's counts to the shared limiters now, without waiting for the batch. */
  forwardNow(): Promise<void>;
}

/**
 * Layered limits on rate-limiter-flexible. In one process the counters live in memory; with
 * Redis they are shared by every process, each limiter insured by an in-memory one that takes
 * over while Redis is unreachable (`rejectIfRedisNotReady`), and a key that has run out is
 * remembered in memory until its window ends, so a flood from one source does not reach Redis.
 */
export function createLimits(opts: { table?: LimitTable; redis?: RedisClient; keyPrefix: string }): Limits {
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
  // Counted synchronously: a refusal is counted here, and a promise per refusal would cost more than the refusal.
  const offenses = new LocalWindow({ points: OFFENSES.points, seconds: OFFENSES.seconds });
  const blocked = new Map<string, number>();

  const refusal = (scope: Scope, rejection: unknown): Refusal | undefined =>
    // A store error with no insurance arrives as an Error: let the request through rather than
    // refuse everyone because a counter could not be read.
    rejection instanceof RateLimiterRes ? { scope, retryAfter: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) } : undefined;
  const layers = new Map<string, { ip?: RateLimiterAbstract; prefix?: RateLimiterAbstract; account?: RateLimiterAbstract }>();
  for (const cls of Object.keys(table)) {
    layers.set(cls, { ip: limiters.get(`${cls}:ip`), prefix: limiters.get(`${cls}:prefix`), account: limiters.get(`${cls}:account`) });
  }

  /**
   * Verdicts already known from the limiters: `<class>|<scope>|<key>` -> refused until (ms); and,
   * for a cheap test before the class is known, each address or network with one -> the latest end.
   */
  const limited = new Map<string, number>();
  const limitedKeys = new Map<string, number>();
  let limitedSweptAt = 0;
  const knownVerdict = (key: string, now: number): number => {
    const until = limited.get(key);
    if (until === undefined) return 0;
    if (until > now) return until;
    limited.delete(key);
    return 0;
  };

  // consumeNow's windows, per class: counted here, synchronously. Without Redis they are the
  // limit; with Redis they refuse what this process alone has seen, and the counts are forwarded
  // to the shared limiters in batches (one call per key per FORWARD_MS, not one per poll).
  const windows = new Map<string, { ip?: LocalWindow; prefix?: LocalWindow }>();
  /** Counts waiting to be forwarded, by the same id their shared verdict is remembered under. */
  const pendingForward = new Map<string, { id: string; cls: string; scope: 'ip' | 'prefix'; key: string; points: number }>();
  let forwardTimer: NodeJS.Timeout | undefined;
  const windowsOf = (cls: string) => {
    let w = windows.get(cls);
    if (!w) {
      const limits = table[cls] ?? {};
      w = { ip: limits.ip && new LocalWindow(limits.ip), prefix: limits.prefix && new LocalWindow(limits.prefix) };
      windows.set(cls, w);
    }
    return w;
  };
  const remember = (id: string, retryAfter: number, key?: string, msBeforeNext = retryAfter * 1000) => {
    const at = Date.now();
    if (at - limitedSweptAt > 10_000 || limited.size >= MAX_KNOWN) {
      limitedSweptAt = at;
      for (const [k, end] of limited) if (end <= at) limited.delete(k);
      for (const [k, end] of limitedKeys) if (end <= at) limitedKeys.delete(k);
      // A flood from more addresses than this within one window: forget, and let the limiters answer.
      if (limited.size >= MAX_KNOWN * 0.75) {
        limited.clear();
        limitedKeys.clear();
      }
    }
    const until = at + msBeforeNext;
    limited.set(id, until);
    if (key !== undefined && (limitedKeys.get(key) ?? 0) < until) limitedKeys.set(key, until);
  };
  /** A refusal from `consume`, remembered for `knownRefusal` (per address and per network; per account it needs the request's key). */
  const refused = (cls: string, scope: Scope, key: string, rejection: unknown): Refusal | undefined => {
    const r = refusal(scope, rejection);
    if (r && scope !== 'account') remember(`${cls}|${scope}|${key}`, r.retryAfter, key, (rejection as RateLimiterRes).msBeforeNext);
    return r;
  };
  const forward = (id: string, cls: string, scope: 'ip' | 'prefix', key: string) => {
    const pending = pendingForward.get(id);
    if (pending) {
      pending.points++;
      return;
    }
    pendingForward.set(id, { id, cls, scope, key, points: 1 });
    forwardTimer ??= setTimeout(() => void flushForwards(), FORWARD_MS).unref();
  };
  function flushForwards(): Promise<void> {
    if (forwardTimer) clearTimeout(forwardTimer);
    forwardTimer = undefined;
    const batch = [...pendingForward.values()];
    pendingForward.clear();
    return Promise.all(
      batch.map((f) =>
        layers
          .get(f.cls)
          ?.[f.scope]?.consume(f.key, f.points)
          .then(
            () => {},
            (rejection: unknown) => {
              const refused = refusal(f.scope, rejection);
              if (refused) remember(f.id, refused.retryAfter, f.key);
            },
          ),
      ),
    ).then(() => {});
  }

  return {
    forwardNow: flushForwards,
    consumeNow(cls, ip, prefix, now) {
      // With Redis: one id per scope, for the shared verdict already known and for forwarding.
      const ipId = opts.redis ? `${cls}|ip|${ip}` : '';
      const prefixId = opts.redis ? `${cls}|prefix|${prefix}` : '';
      if (opts.redis) {
        const ipUntil = knownVerdict(ipId, now);
        if (ipUntil) return { scope: 'ip', retryAfter: Math.max(1, Math.ceil((ipUntil - now) / 1000)) };
        const prefixUntil = knownVerdict(prefixId, now);
        if (prefixUntil) return { scope: 'prefix', retryAfter: Math.max(1, Math.ceil((prefixUntil - now) / 1000)) };
      }
      const w = windowsOf(cls);
      const ipWait = w.ip ? w.ip.take(ip, now) : 0;
      if (ipWait) return { scope: 'ip', retryAfter: ipWait };
      const prefixWait = w.prefix ? w.prefix.take(prefix, now) : 0;
      if (prefixWait) return { scope: 'prefix', retryAfter: prefixWait };
      if (opts.redis) {
        if (w.ip) forward(ipId, cls, 'ip', ip);
        if (w.prefix) forward(prefixId, cls, 'prefix', prefix);
      }
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
      } catch (rejection) {
        return refused(cls, 'ip', ip, rejection);
      }
      try {
        if (layer.prefix) await layer.prefix.consume(prefix);
      } catch (rejection) {
        return refused(cls, 'prefix', prefix, rejection);
      }
      try {
        if (layer.account && account !== undefined) await layer.account.consume(account);
      } catch (rejection) {
        return refusal('account', rejection);
      }
      return undefined;
    },
    offended(ip, now) {
      if (offenses.take(ip, now) === 0) return;
      blocked.set(ip, now + OFFENSES.blockSeconds * 1000);
      offenses.delete(ip);
    },
    knownRefusal(cls, ip, prefix, now) {
      const ipUntil = knownVerdict(`${cls}|ip|${ip}`, now);
      if (ipUntil) return { scope: 'ip', retryAfter: Math.max(1, Math.ceil((ipUntil - now) / 1000)) };
      const prefixUntil = knownVerdict(`${cls}|prefix|${prefix}`, now);
      if (prefixUntil) return { scope: 'prefix', retryAfter: Math.max(1, Math.ceil((prefixUntil - now) / 1000)) };
      return undefined;
    },
    anyKnown(ip, prefix, now) {
      if (limitedKeys.size === 0) return false;
      return (limitedKeys.get(ip) ?? 0) > now || (limitedKeys.get(prefix) ?? 0) > now;
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

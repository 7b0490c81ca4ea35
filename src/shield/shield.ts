import type { Config } from '../config.js';
import { createRedisClient } from '../platform/redis.js';
import { audit } from '../platform/audit.js';
import type { ShieldSetting } from '../platform/database.types.js';
import { every } from '../platform/jobs.js';
import { shieldRefusals } from '../platform/metrics.js';
import type { Db } from '../platform/transaction.js';
import { createAlerts } from '../security/alerts.js';
import { recordShieldSetting } from '../security/incident-timeline.js';
import { openIncidentId, addIncidentEvent } from '../security/incidents.repository.js';
import { createAttackIncidents } from './attack-incidents.js';
import { createAuthFailureAudit } from './auth-failures.js';
import { createChallenges, memorySpentStore, redisSpentStore } from './challenge.js';
import { networkPrefix } from './client-address.js';
import { createDetector, type DetectorOptions } from './detector.js';
import { createLimits, type LimitTable } from './limits.js';
import { KEEP_THROUGH_BLOCKS, type RouteClass } from './route-classes.js';
import { createShedder } from './shedding.js';

export const INCIDENT_KIND = 'traffic_flood';
/** A refusal as the client sees it. */
export interface Refusal {
  status: 401 | 429 | 503;
  code: 'challenge_required' | 'rate_limited' | 'overloaded';
  /** Why, for the traffic view: rate_limited, blocked, overloaded, challenge_required. */
  reason: string;
  retryAfter?: number;
  message: string;
}

/** Tests pass tighter limits, a pressure of their choosing and a detector that trips sooner. */
export interface ShieldOptions {
  limits?: LimitTable;
  pressure?: () => number;
  detector?: Partial<DetectorOptions>;
}

const MESSAGES = {
  rate_limited: 'Too many requests from your network; wait before trying again',
  blocked: 'Too many refused requests from your address; wait before trying again',
  overloaded: 'The box office is very busy; try again shortly',
  challenge_required: 'Solve the challenge from GET /api/shield/challenge and send it as X-Shield-Solution',
} as const;

/** The refusal counter's children, bound once: a refusal costs one addition more. */
const REFUSALS_BY_REASON = {
  rate_limited: shieldRefusals.labels('rate_limited'),
  blocked: shieldRefusals.labels('blocked'),
  overloaded: shieldRefusals.labels('overloaded'),
  challenge_required: shieldRefusals.labels('challenge_required'),
} as const;

/**
 * The shield, wired once per process: limits, shedding, proof of work and attack detection, and
 * shield mode. `gate` is the one check every request passes (from a Fastify hook, or the
 * queue-status fast lane); a blocked address is refused first, touching neither the database nor
 * Redis, then the limits and shedding. Once a second `tick` closes the traffic view, opens or
 * resolves incidents (a flood, admin token guessing) and decides shield mode; an operator's
 * forced setting is read from PostgreSQL every two seconds so every process follows it.
 */
export function createShield(opts: { config: Config; db: Db; log: (message: string, error?: unknown) => void; options?: ShieldOptions }) {
  const { config, db, log } = opts;
  const enabled = config.shieldEnabled;
  const redis =
    enabled && config.redisUrl
      ? createRedisClient(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 500 })
      : undefined;
  if (redis) {
    redis.on('error', () => {});
    redis.connect().catch(() => {});
  }
  const limits = createLimits({ table: { ...config.shieldLimits, ...opts.options?.limits }, redis, keyPrefix: config.redisPrefix });
  const shedder = createShedder({ pressure: opts.options?.pressure });
  const detector = createDetector({ attackRps: config.shieldAttackRps, ...opts.options?.detector });
  const challenges = createChallenges(config.secret, redis ? redisSpentStore(redis, config.redisPrefix) : memorySpentStore());
  const alerts = createAlerts({ db, webhookUrl: config.alertWebhookUrl, emails: config.alertEmails, baseUrl: config.baseUrl, log });
  // Audited even with the shield switched off: that switch is about traffic, not about who tried the console.
  const authFailures = createAuthFailureAudit({ db, log });

  let setting: ShieldSetting = 'auto';
  let since = new Date();
  let lastMode: 'on' | 'off' = 'off';

  const incidents = createAttackIncidents({
    db,
    alerts,
    log,
    calmSeconds: config.shieldCalmSeconds,
    changed: () => noteMode(),
    kinds: {
      traffic_flood: {
        summary: (f) => `Possible flood: ${f.reason}`,
        response: () => [{ what: setting === 'auto' ? 'shield_on' : `shield_${setting}_by_operator_setting`, details: {} }],
        alertNote: () => `Shield mode is ${mode()}.`,
      },
      // Guessing does not turn shield mode on: proof of work for the fans would not slow a guesser
      // down; the operator limit does, and the operator is told.
      admin_token_guessing: { summary: (f) => `Possible admin token guessing: ${f.reason}` },
    },
  });
  const mode = (): 'on' | 'off' => (setting === 'on' ? 'on' : setting === 'off' ? 'off' : incidents.current('traffic_flood') ? 'on' : 'off');
  const noteMode = () => {
    const now = mode();
    if (now !== lastMode) {
      lastMode = now;
      since = new Date();
    }
  };
  /** Difficulty grows a bit with pressure: harder to flood joins when the process is busiest. */
  const difficulty = () => Math.min(28, config.shieldPowBits + Math.min(4, Math.floor(shedder.pressure())));

  const refuse = (reason: keyof typeof MESSAGES, ip: string, retryAfter?: number): Refusal => {
    detector.refused(reason, ip);
    REFUSALS_BY_REASON[reason].inc();
    const code = reason === 'blocked' ? 'rate_limited' : reason;
    const status = code === 'challenge_required' ? 401 : code === 'overloaded' ? 503 : 429;
    return { status, code, reason, retryAfter, message: MESSAGES[reason] };
  };

  /**
   * The cheapest refusal, touching neither PostgreSQL nor Redis (a Map lookup): a repeat offender.
   * A blocked address may be a carrier NAT with fans behind it: see KEEP_THROUGH_BLOCKS.
   */
  const blockedRefusal = (cls: RouteClass, ip: string, now: number): Refusal | undefined => {
    const blockedFor = KEEP_THROUGH_BLOCKS.has(cls) ? 0 : limits.blockedFor(ip, now);
    return blockedFor > 0 ? refuse('blocked', ip, blockedFor) : undefined;
  };
  /**
   * A limit ran out: the refusal also counts towards blocking the address, except the operator
   * limit's. That one already holds guessing to a few tries a minute, and a block would also
   * refuse the console's own page to the operator behind the same address.
   */
  const overLimit = (cls: RouteClass, ip: string, retryAfter: number, now: number): Refusal => {
    if (cls !== 'operator') limits.offended(ip, now);
    return refuse('rate_limited', ip, retryAfter);
  };
  /**
   * Shedding comes after the limits: it exists to drop work, and a request over its limit is not
   * work, it is refused anyway, and refused as what it is, so that it counts towards a block.
   */
  const shed = (cls: RouteClass, ip: string): Refusal | undefined => (shedder.sheds(cls) ? refuse('overloaded', ip, shedder.retryAfter()) : undefined);

  /** Closes a second of traffic: opens, keeps or resolves incidents, and so decides automatic shield mode. */
  function tick(now: number = Date.now()): void {
    const findings = detector.tick();
    incidents.update(findings, now, findings.length ? { ...detector.view() } : {});
  }

  async function readSetting(): Promise<void> {
    const row = await db.selectFrom('shield_settings').select('mode').executeTakeFirst();
    if (row && row.mode !== setting) {
      setting = row.mode;
      noteMode();
    }
  }

  return {
    enabled,
    limits,
    shedder,
    detector,
    challenges,
    mode,
    difficulty,

    /**
     * The check every request passes: counted; then a blocked address, the limits, shedding and
     * proof of work refuse. (An operator request with a valid credential never gets here: the
     * hook lets it past first, so the operator limit counts only requests without one.) `key` is
     * the client's own key where the class has one: the queue key for joins, the Authorization
     * header for the operator class. `solution` is the X-Shield-Solution header for classes that
     * need proof of work in shield mode.
     */
    async gate(cls: RouteClass, ip: string, key?: string, solution?: string): Promise<Refusal | undefined> {
      if (!enabled) return undefined;
      const now = Date.now();
      const prefix = networkPrefix(ip);
      detector.count(prefix);
      const blocked = blockedRefusal(cls, ip, now);
      if (blocked) return blocked;
      const limited = await limits.consume(cls, ip, prefix, cls === 'operator' ? undefined : key);
      if (limited) return overLimit(cls, ip, limited.retryAfter, now);
      const shedding = shed(cls, ip);
      if (shedding) return shedding;
      if ((cls === 'queue_join' || cls === 'login') && mode() === 'on') {
        const verdict = await challenges.verify(solution, now).catch(() => 'unavailable' as const);
        // Redis unreachable while spending: let the fan in rather than lock everyone out.
        if (verdict !== 'ok' && verdict !== 'unavailable') return refuse('challenge_required', ip);
      }
      return undefined;
    },

    /**
     * An operator credential was refused (by the guard, or by the gate before the guard saw it):
     * audited, one entry per address per minute with a count, and counted by attack detection.
     */
    operatorAuthFailed(ip: string, route: string): void {
      authFailures.record(ip, route);
      if (enabled) detector.authFailed(ip);
    },

    /**
     * A request has been answered (refused or not): it leaves the shedder's count of requests in
     * progress, and a 5xx that was not the shield's own refusal counts as an error in the traffic
     * view. Called by the Fastify hook and by the queue-status fast lane.
     */
    requestEnded(status: number, refused: boolean): void {
      if (!enabled) return;
      shedder.requestEnded();
      if (status >= 500 && !refused) detector.failed();
    },

    /**
     * The gate for queue-status polls, without a promise: the same checks, with the limits
     * counted synchronously (`consumeNow`). A status answer costs about what a refusal does, so
     * a promise per poll for the limiter would cost more than the answer.
     */
    gateNow(cls: RouteClass, ip: string, prefix: string = networkPrefix(ip)): Refusal | undefined {
      if (!enabled) return undefined;
      const now = Date.now();
      detector.count(prefix);
      const blocked = blockedRefusal(cls, ip, now);
      if (blocked) return blocked;
      const limited = limits.consumeNow(cls, ip, prefix, now);
      return limited ? overLimit(cls, ip, limited.retryAfter, now) : shed(cls, ip);
    },

    /**
     * The refusals that can be given before Fastify, without a promise and without counting a
     * request that is not refused: a blocked address (its class is not one a block lets through),
     * or a limit the address or its network already ran out of (limits.knownRefusal). Answers
     * undefined for everything else, having touched nothing: Fastify's gate then counts it. The
     * refusal is counted as the gate counts one (traffic view, refusal metrics, towards a block).
     */
    gateEarly(cls: RouteClass, ip: string, prefix: string): Refusal | undefined {
      if (!enabled) return undefined;
      const now = Date.now();
      const blockedFor = KEEP_THROUGH_BLOCKS.has(cls) ? 0 : limits.blockedFor(ip, now);
      if (blockedFor > 0) {
        detector.count(prefix);
        return refuse('blocked', ip, blockedFor);
      }
      const known = limits.anyKnown(ip, prefix, now) ? limits.knownRefusal(cls, ip, prefix, now) : undefined;
      if (known === undefined) return undefined;
      detector.count(prefix);
      return overLimit(cls, ip, known.retryAfter, now);
    },

    /** Whether gateEarly may refuse anything from this client: two or three Map lookups, for every request. */
    mayRefuseEarly(ip: string, prefix: string): boolean {
      if (!enabled) return false;
      const now = Date.now();
      return limits.blockedFor(ip, now) > 0 || limits.anyKnown(ip, prefix, now);
    },

    /** Seconds left on the address's block, or 0: looked at for each new connection. */
    blockedFor(ip: string): number {
      return enabled ? limits.blockedFor(ip, Date.now()) : 0;
    },

    /** The email class's limit, keyed by the address mail would be sent to. */
    async gateEmail(ip: string, address: string): Promise<Refusal | undefined> {
      if (!enabled) return undefined;
      const limited = await limits.consume('email', ip, networkPrefix(ip), address.trim().toLowerCase());
      return limited ? overLimit('email', ip, limited.retryAfter, Date.now()) : undefined;
    },

    tick,

    /** The operator forces shield mode on or off, or gives it back to the detector ('auto'). */
    async setMode(next: ShieldSetting, actor: string): Promise<void> {
      const before = setting;
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('shield_settings').set({ mode: next, updated_at: new Date(), updated_by: actor }).execute();
        await audit(tx, { actor, action: 'shield.mode.set', subjectType: 'shield', subjectId: 'shield', data: { from: before, to: next } });
        const open = await openIncidentId(tx, INCIDENT_KIND);
        if (open) await addIncidentEvent(tx, open, 'operator_set_mode', { actor, from: before, to: next });
        await recordShieldSetting(tx, { actor, from: before, to: next, recordedOn: open });
      });
      setting = next;
      noteMode();
    },

    view() {
      const traffic = detector.view();
      const current = mode();
      return {
        mode: current,
        forced: setting !== 'auto',
        setting,
        since: since.toISOString(),
        reason:
          setting === 'on'
            ? 'forced on by an operator'
            : setting === 'off'
              ? 'forced off by an operator'
              : (incidents.current('traffic_flood')?.reason ?? null),
        requestsPerSecond: traffic.requestsPerSecond,
        refusedPerSecond: traffic.refusedPerSecond,
        errorsPerSecond: traffic.errorsPerSecond,
        baselinePerSecond: traffic.baselinePerSecond,
        topPrefixes: traffic.topPrefixes,
        adminAuthFailuresLastMinute: traffic.adminAuthFailuresLastMinute,
        pressure: Math.round(shedder.pressure() * 100) / 100,
        loopDelayMs: Math.round(shedder.readings().loopDelayMs),
        peakInFlight: shedder.readings().peakInFlight,
        difficulty: difficulty(),
        blockedAddresses: limits.blockedCount(Date.now()),
        enabled,
      };
    },

    /** The once-a-second tick, the pressure sampler and the setting's refresh; stopped by `stop`. */
    start(): { stop(): Promise<void> } {
      if (!enabled) return { stop: async () => {} };
      shedder.start();
      let reads = 0;
      const job = every(
        1000,
        async () => {
          tick();
          if (reads++ % 2 === 0) await readSetting();
        },
        (error) => log('shield tick failed', error),
      );
      void readSetting().catch(() => {});
      return {
        async stop() {
          await job.stop();
          shedder.stop();
          await incidents.settled();
        },
      };
    },

    /** Waits for incident bookkeeping and writes the failed admin authentications the window holds (tests). */
    settled: async () => {
      await incidents.settled();
      await authFailures.flush();
    },
    /** Writes what is pending, then closes the Redis connection. */
    async close(): Promise<void> {
      await incidents.settled();
      await authFailures.flush();
      redis?.disconnect();
    },
  };
}
export type Shield = ReturnType<typeof createShield>;

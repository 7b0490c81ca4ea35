import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { audit } from '../platform/audit.js';
import type { ShieldSetting } from '../platform/database.types.js';
import { every } from '../platform/jobs.js';
import type { Db } from '../platform/transaction.js';
import { createAlerts, type Alert } from '../security/alerts.js';
import { addIncidentEvent, openIncident, openIncidentId, resolveIncident } from '../security/incidents.repository.js';
import { createChallenges, memorySpentStore, redisSpentStore } from './challenge.js';
import { networkPrefix } from './client-address.js';
import { createDetector, type DetectorOptions, type Finding } from './detector.js';
import { createLimits, type LimitTable } from './limits.js';
import type { RouteClass } from './route-classes.js';
import { createShedder } from './shedding.js';

export const INCIDENT_KIND = 'traffic_flood';
const KEEP_THROUGH_BLOCKS = new Set<RouteClass>(['checkout', 'checkin', 'webhook', 'operator']);

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

/**
 * The shield, wired once per process: limits, shedding, proof of work and attack detection, and
 * shield mode. `gate` is the one check every request passes (from a Fastify hook, or the
 * queue-status fast lane); the cheap refusals (a blocked address, shedding) come first and
 * touch neither the database nor Redis. Once a second `tick` closes the traffic view and
 * decides shield mode; an operator's forced setting is read from PostgreSQL every two seconds so
 * every process follows it.
 */
export function createShield(opts: { config: Config; db: Db; log: (message: string, error?: unknown) => void; options?: ShieldOptions }) {
  const { config, db, log } = opts;
  const enabled = config.shieldEnabled;
  const redis =
    enabled && config.redisUrl
      ? new Redis(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 500 })
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

  let setting: ShieldSetting = 'auto';
  let detected: { since: Date; reason: string; lastSeen: number } | undefined;
  let since = new Date();
  let lastMode: 'on' | 'off' = 'off';
  let incidentWork: Promise<unknown> = Promise.resolve();

  const mode = (): 'on' | 'off' => (setting === 'on' ? 'on' : setting === 'off' ? 'off' : detected ? 'on' : 'off');
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
    const code = reason === 'blocked' ? 'rate_limited' : reason;
    const status = code === 'challenge_required' ? 401 : code === 'overloaded' ? 503 : 429;
    return { status, code, reason, retryAfter, message: MESSAGES[reason] };
  };

  /**
   * What every gate checks first, touching neither PostgreSQL nor Redis: the request is counted,
   * then a blocked address and shedding refuse it. A blocked address may be a carrier NAT with
   * fans behind it: an admitted buyer's checkout, the doors, the provider and the console still
   * get through, under their limits.
   */
  const cheapRefusal = (cls: RouteClass, ip: string, prefix: string, now: number): Refusal | undefined => {
    detector.count(prefix);
    const blockedFor = KEEP_THROUGH_BLOCKS.has(cls) ? 0 : limits.blockedFor(ip, now);
    if (blockedFor > 0) return refuse('blocked', ip, blockedFor);
    if (shedder.sheds(cls)) return refuse('overloaded', ip, shedder.retryAfter());
    return undefined;
  };
  /** A limit ran out: the refusal also counts towards blocking the address. */
  const overLimit = (ip: string, retryAfter: number, now: number): Refusal => {
    limits.offended(ip, now);
    return refuse('rate_limited', ip, retryAfter);
  };

  /** Incident bookkeeping runs one step at a time, off the request path; failures are logged. */
  const record = (step: () => Promise<void>) => {
    incidentWork = incidentWork.then(step).catch((error) => log('shield incident could not be recorded', error));
  };
  const alert = (incidentId: string, what: string, summary: string, details?: Record<string, unknown>) => {
    const a: Alert = { incidentId, kind: INCIDENT_KIND, what, summary, at: new Date(), details };
    void alerts.send(a);
  };

  function attackSeen(finding: Finding, now: number): void {
    if (detected) {
      detected.lastSeen = now;
      return;
    }
    detected = { since: new Date(now), reason: finding.reason, lastSeen: now };
    noteMode();
    const view = detector.view();
    const summary = `Possible flood: ${finding.reason}`;
    log(`shield: attack detected (${finding.reason}); shield mode ${mode()}`);
    record(async () => {
      const incident = await openIncident(db, INCIDENT_KIND, summary);
      await addIncidentEvent(db, incident.id, incident.opened ? 'detected' : 'detected_by_another_process', {
        rule: finding.rule,
        reason: finding.reason,
        pid: process.pid,
        traffic: view,
      });
      await addIncidentEvent(db, incident.id, setting === 'auto' ? 'shield_on' : `shield_${setting}_by_operator_setting`, { pid: process.pid });
      if (incident.opened) alert(incident.id, 'detected', `${summary}. Shield mode is ${mode()}.`, { traffic: view });
    });
  }

  function calmAgain(now: number): void {
    const was = detected!;
    detected = undefined;
    noteMode();
    log('shield: traffic back to normal; automatic shield mode off');
    record(async () => {
      const id = await openIncidentId(db, INCIDENT_KIND);
      if (!id) return;
      await addIncidentEvent(db, id, 'back_to_normal', {
        pid: process.pid,
        lastAttackSecondAt: new Date(was.lastSeen).toISOString(),
        calmSeconds: config.shieldCalmSeconds,
        at: new Date(now).toISOString(),
      });
      const resolved = await resolveIncident(db, INCIDENT_KIND);
      if (resolved)
        alert(resolved, 'back_to_normal', `Traffic back to normal after ${Math.round((now - was.since.getTime()) / 1000)} s; shield mode ${mode()}.`);
    });
  }

  /** Closes a second of traffic and decides automatic shield mode. */
  function tick(now: number = Date.now()): void {
    const finding = detector.tick();
    if (finding) attackSeen(finding, now);
    else if (detected && now - detected.lastSeen >= config.shieldCalmSeconds * 1000) calmAgain(now);
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
     * The check every request passes. `account` is the client's own key where the class has one
     * (the queue key for joins); `solution` the X-Shield-Solution header for classes that need
     * proof of work in shield mode.
     */
    async gate(cls: RouteClass, ip: string, account?: string, solution?: string): Promise<Refusal | undefined> {
      if (!enabled) return undefined;
      const now = Date.now();
      const prefix = networkPrefix(ip);
      const cheap = cheapRefusal(cls, ip, prefix, now);
      if (cheap) return cheap;
      const limited = await limits.consume(cls, ip, prefix, account);
      if (limited) return overLimit(ip, limited.retryAfter, now);
      if ((cls === 'queue_join' || cls === 'login') && mode() === 'on') {
        const verdict = await challenges.verify(solution, now).catch(() => 'unavailable' as const);
        // Redis unreachable while spending: let the fan in rather than lock everyone out.
        if (verdict !== 'ok' && verdict !== 'unavailable') return refuse('challenge_required', ip);
      }
      return undefined;
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
      const cheap = cheapRefusal(cls, ip, prefix, now);
      if (cheap) return cheap;
      const limited = limits.consumeNow(cls, ip, prefix, now);
      return limited ? overLimit(ip, limited.retryAfter, now) : undefined;
    },

    /** The email class's limit, keyed by the address mail would be sent to. */
    async gateEmail(ip: string, address: string): Promise<Refusal | undefined> {
      if (!enabled) return undefined;
      const limited = await limits.consume('email', ip, networkPrefix(ip), address.trim().toLowerCase());
      return limited ? overLimit(ip, limited.retryAfter, Date.now()) : undefined;
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
        reason: setting === 'on' ? 'forced on by an operator' : setting === 'off' ? 'forced off by an operator' : detected ? detected.reason : null,
        requestsPerSecond: traffic.requestsPerSecond,
        refusedPerSecond: traffic.refusedPerSecond,
        errorsPerSecond: traffic.errorsPerSecond,
        baselinePerSecond: traffic.baselinePerSecond,
        topPrefixes: traffic.topPrefixes,
        pressure: Math.round(shedder.pressure() * 100) / 100,
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
          await incidentWork;
        },
      };
    },

    /** Waits for incident bookkeeping (tests), then closes the Redis connection. */
    settled: () => incidentWork,
    async close(): Promise<void> {
      await incidentWork;
      redis?.disconnect();
    },
  };
}
export type Shield = ReturnType<typeof createShield>;

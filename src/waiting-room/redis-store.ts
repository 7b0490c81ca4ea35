import { createHash, randomBytes } from 'node:crypto';
import { FIRST_POLL_GRACE_MS, RECENT_START_MS } from './memory-room.js';
import {
  queueUnavailable,
  type Bucket,
  type PlaceState,
  type Poll,
  type QueueEntry,
  type QueueStore,
  type RoomConfig,
  type RoomFigures,
  type RoomLine,
} from './queue-store.js';
import { ROOM_KEYS, SCRIPTS } from './redis-scripts.js';
import { dependencyState, describe, StartupError, silentLog } from '../platform/outages.js';
import { createRedisClient, dataNodes, describeRedis, isCluster, type RedisClient } from '../platform/redis.js';

/** Bounds the work (and so how long Redis is blocked) of one advance when a long stretch of the line has gone away. */
const MAX_STEPS_PER_ADVANCE = 10_000;
const STATES: Record<string, PlaceState> = { 0: 'waiting', 1: 'admitted', 2: 'started', 3: 'skipped', 4: 'lapsed', u: 'unknown' };
/** Replies that mean "Redis cannot serve right now" rather than a bug in a script. */
const TRANSIENT = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY)\b/;

type Reply = (string | number | null)[];
type Script = (keys: string[], ...args: (string | number)[]) => Promise<unknown>;

export interface RedisStoreOptions {
  /** A REDIS_URL: one server, a cluster or a sentinel-watched master (`platform/redis.ts`). */
  url: string;
  /** Every key starts with it; tests use their own. */
  prefix: string;
  /** Milliseconds to wait for a connection or a reply before failing closed. */
  timeoutMs?: number;
}

/**
 * The queue store for several processes sharing one line: every counter, place and buyer key in
 * Redis, each operation one Lua script (EVALSHA). A room's keys share the hash tag
 * `{<performanceId>}`, so each script runs on one slot of a Redis Cluster; moving a line from one
 * room to another is three scripts, one room each (see `moveLine`). When Redis cannot be reached
 * every method throws `queue_unavailable` at once (no offline queue): status and joins answer
 * 503, the tick admits nobody, and nothing is lost, because the places are in Redis and in the
 * fans' signed tickets.
 */
export function createRedisStore(options: RedisStoreOptions): QueueStore & { client: RedisClient } {
  const timeout = options.timeoutMs ?? 1000;
  const client = createRedisClient(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeout,
    commandTimeout: timeout,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  // Errors surface on the commands; without a listener ioredis would print each reconnect attempt.
  client.on('error', () => {});
  // For the taquilla_dependency_up gauge; the admission tick logs the outage once.
  const reachability = dependencyState('queue_store', 'queue store (Redis)', silentLog);
  client.on('ready', () => reachability.recovered());
  const connecting = client.connect().catch(() => {});
  const scripts = {} as Record<keyof typeof SCRIPTS, Script>;
  for (const [name, lua] of Object.entries(SCRIPTS) as [keyof typeof SCRIPTS, string][]) {
    const numberOfKeys = name === 'unlock' ? 1 : 10;
    client.defineCommand(`taquilla_${name}`, { numberOfKeys, lua });
    const command = (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[`taquilla_${name}`]!.bind(client);
    scripts[name] = (keys, ...args) => command(...keys, ...args);
  }

  const keys = (performanceId: string) => ROOM_KEYS.map((k) => `${options.prefix}{${performanceId}}:${k}`);
  const lockKey = (performanceId: string) => `${options.prefix}{${performanceId}}:lock`;

  async function run<T = Reply>(name: keyof typeof SCRIPTS, ks: string[], ...args: (string | number)[]): Promise<T> {
    try {
      return (await scripts[name](ks, ...args)) as T;
    } catch (error) {
      const e = error as Error;
      if (e.name === 'ReplyError' && !TRANSIENT.test(e.message)) throw error;
      reachability.down(error);
      throw queueUnavailable();
    }
  }

  /** The seven fields `lineOf` returns: cfg, state, figs, joined, served, entrants, drawn. */
  function line(f: Reply): RoomLine {
    const config = { ...(JSON.parse(String(f[0])) as RoomConfig), state: String(f[1]) as RoomConfig['state'] };
    return {
      config,
      figures: JSON.parse(String(f[2])) as RoomFigures,
      joined: Number(f[3]),
      served: Number(f[4]),
      entrants: Number(f[5]),
      drawn: f[6] === '1',
    };
  }

  /** A buyers record (see redis-scripts.ts): an empty entry place is the place, an empty performance the room's own. */
  function record(rec: string, roomId: string): QueueEntry {
    const [place, entryPlace, pre, ticketId, joinedAt, performanceId] = rec.split('|') as [string, string, string, string, string, string];
    return { performanceId: performanceId || roomId, ticketId, place: Number(entryPlace || place), joinedAt: Number(joinedAt), pre: pre === '1' };
  }
  /** What Redis keeps of a buyer key: 12 bytes of its SHA-256 (16 characters, not the key's 45). */
  const buyerField = (buyerKey: string) => createHash('sha256').update(buyerKey).digest('base64url').slice(0, 16);

  const store: QueueStore & { client: RedisClient } = {
    client,
    async configure(config) {
      const figures: RoomFigures = {
        ticketsLeft: 0,
        admissionsPerMinute: 0,
        allowedPerMinute: config.maxAdmissionsPerMinute,
        activeInCheckout: 0,
        updatedAt: 0,
      };
      await run('configure', keys(config.performanceId), JSON.stringify(config), config.state, JSON.stringify(figures), config.graceMs, config.startLimitMs);
    },
    async line(performanceId) {
      const f = await run<Reply | null>('line', keys(performanceId));
      return f ? line(f) : undefined;
    },
    async publish(performanceId, figures) {
      await run('publish', keys(performanceId), JSON.stringify(figures));
    },
    async join(performanceId, buyerKey, fresh, now) {
      const r = await run<[number, string] | null>('join', keys(performanceId), buyerField(buyerKey), fresh.ticketId, fresh.joinedAt, now);
      return r ? { entry: record(r[1], performanceId), created: r[0] === 1 } : undefined;
    },
    async poll(entry, now): Promise<Poll | undefined> {
      let id = entry.performanceId;
      let pre = entry.pre;
      let place = entry.place;
      let first: RoomLine | undefined;
      for (let hops = 0; hops <= 8; hops++) {
        const r = await run('poll', keys(id), entry.ticketId, pre ? 1 : 0, place, now);
        if (r[0] === 'ok') {
          return { line: line(r.slice(1, 8)), place: Number(r[8]), state: STATES[String(r[9])] ?? 'unknown', admittedAt: Number(r[10]) };
        }
        if (r[0] === 'unknown') return { line: line(r.slice(1, 8)), place: entry.place, state: 'unknown', admittedAt: 0 };
        if (r[0] === 'none') break;
        // The line moved on: the place is now in another room.
        first ??= await store.line(entry.performanceId);
        id = String(r[1]);
        place = Number(r[2]);
        pre = false;
      }
      if (id === entry.performanceId) return undefined;
      first ??= await store.line(entry.performanceId);
      return first && { line: first, place: entry.place, state: 'unknown', admittedAt: 0 };
    },
    async draw(performanceId, order, now) {
      const ks = keys(performanceId);
      for (let attempt = 0; attempt < 20; attempt++) {
        const ids = await run<(string | number)[] | null>('drawIds', ks);
        if (!ids) throw new Error(`no line for ${performanceId}`);
        if (ids[0] === 1) return Number(ids[1]);
        const r = await run<number[]>('drawApply', ks, now, ...order(ids.slice(1).map(String)));
        if (r[0] === 0) return r[1]!;
        // Someone joined the pre-queue between reading it and drawing it: draw again with them in.
      }
      throw queueUnavailable();
    },
    async lapse(performanceId, now) {
      return run<number>('lapse', keys(performanceId), now, RECENT_START_MS);
    },
    async advance(performanceId, admissions, now, bucket?: Bucket) {
      const r = await run<[number, number]>(
        'advance',
        keys(performanceId),
        admissions,
        now,
        MAX_STEPS_PER_ADVANCE,
        bucket ? bucket.tokens : '',
        bucket ? bucket.at : '',
        FIRST_POLL_GRACE_MS,
      );
      return { admitted: r[0], skipped: r[1] };
    },
    async startHold(performanceId, place, now) {
      await run('startHold', keys(performanceId), place, now);
    },
    async counters(performanceId, now) {
      const r = await run<Reply | null>('counters', keys(performanceId), now, RECENT_START_MS);
      if (!r) return undefined;
      const [joined, served, entrants, pending, recentlyStarted, admittedLastMinute, admitted, started, skipped, lapsed] = r
        .slice(0, 10)
        .map(Number) as number[];
      const bucket = r[10] !== '' && r[10] !== null ? { tokens: Number(r[10]), at: Number(r[11]) } : undefined;
      return {
        joined: joined!,
        served: served!,
        entrants: entrants!,
        pending: pending!,
        recentlyStarted: recentlyStarted!,
        admittedLastMinute: admittedLastMinute!,
        admitted: admitted!,
        started: started!,
        skipped: skipped!,
        lapsed: lapsed!,
        bucket,
      };
    },
    /**
     * Three scripts, each on one room's slot (a cluster keeps the two rooms apart): `moveOut` marks
     * `from` as moving (its counter stops at the places that go) and reads the places and buyers
     * that go; `moveIn` appends them to `to` once; `moveDone` makes `from`'s places answer from `to`.
     * Each step can be run again: a move cut short is finished by asking for it again.
     */
    async moveLine(from, to) {
      const out = await run<Reply>('moveOut', keys(from), to);
      if (out[0] === 'done') return { moved: Number(out[1]), shift: Number(out[2]) };
      // The places and buyers that go, as one JSON argument: a long line is too many arguments for one call.
      const [, served, joined, going] = out as [string, number, number, string];
      const r = await run<[number, number]>('moveIn', keys(to), from, served, joined, going);
      await run('moveDone', keys(from), to, r[1], r[0]);
      return { moved: r[0], shift: r[1] };
    },
    async exclusive(performanceId, ttlMs, work) {
      const token = randomBytes(12).toString('base64url');
      let taken: string | null;
      try {
        taken = await client.set(lockKey(performanceId), token, 'PX', ttlMs, 'NX');
      } catch {
        throw queueUnavailable();
      }
      if (taken !== 'OK') return undefined;
      try {
        return await work();
      } finally {
        await run('unlock', [lockKey(performanceId)], token).catch(() => {});
      }
    },
    async ready() {
      await connecting;
      if (client.status !== 'ready') {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            client.off('ready', done);
            reject(queueUnavailable());
          }, timeout);
          function done() {
            clearTimeout(timer);
            resolve();
          }
          client.once('ready', done);
        });
      }
      // A connection can look ready and lead nowhere (a server gone without closing it): ask.
      await client.ping().catch(() => {
        throw queueUnavailable();
      });
    },
    async close() {
      await connecting;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
  return store;
}

/**
 * The line (counters, places, who was admitted) lives only in Redis, so a Redis restarted without
 * persistence hands out places again from 1. Start-up therefore requires the append-only file,
 * read from `INFO persistence` (managed Redis often disables CONFIG but answers INFO) on every
 * server that holds data: the one server, the master the sentinels name, or each master of a
 * cluster (which must also say `cluster_state:ok`); RDB snapshots alone lose whatever came after
 * the last one. Waits for a Redis that is not up yet (or still loading its data) like it waits for
 * PostgreSQL. `REDIS_REQUIRE_AOF=false` skips this for deployments that accept the loss.
 */
export async function requireRedisPersistence(url: string, waitSeconds: number, log: { warn(data: object, message: string): void }): Promise<void> {
  const where = describeRedis(url);
  const deadline = Date.now() + waitSeconds * 1000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    const client = createRedisClient(url, {
      lazyConnect: true,
      connectTimeout: 2000,
      commandTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    const without: string[] = [];
    try {
      await client.connect();
      if (isCluster(client)) {
        // Every slot must be served before the masters' answers mean anything.
        const state = /^cluster_state:(\w+)/m.exec(await client.cluster('INFO'))?.[1];
        if (state !== 'ok') throw new Error(`cluster_state is ${state ?? 'unknown'}`);
      }
      for (const node of dataNodes(client)) {
        const info = await node.info('persistence');
        if (!/^aof_enabled:1\r?$/m.test(info)) without.push(`${node.options.host}:${node.options.port}`);
      }
    } catch (error) {
      const refusal = (error as Error).name === 'ReplyError' && !/^(LOADING|CLUSTERDOWN|MASTERDOWN)\b/.test((error as Error).message);
      if (refusal) {
        throw new StartupError(
          `${where} did not answer INFO persistence (${describe(error)}), so its append-only file cannot be checked; set REDIS_REQUIRE_AOF=false if it persists the line another way or you accept losing it on a restart`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new StartupError(`${where} did not answer within ${waitSeconds} s (${describe(error)}); set DATABASE_WAIT_SECONDS to wait longer`);
      log.warn({ redis: where, reason: describe(error), secondsLeft: Math.ceil(left / 1000) }, 'waiting for Redis to answer');
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
      continue;
    } finally {
      client.disconnect();
    }
    if (without.length === 0) return;
    const which = isCluster(client) ? ` on ${without.join(', ')}` : '';
    throw new StartupError(
      `${where} has no append-only file${which} (appendonly no): a Redis restart would lose the waiting line's places. Turn AOF on (appendonly yes) or set REDIS_REQUIRE_AOF=false to accept that loss`,
    );
  }
}

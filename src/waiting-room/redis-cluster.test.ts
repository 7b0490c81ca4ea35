import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { closeContext, createContext } from '../platform/context.js';
import { StartupError } from '../platform/outages.js';
import { createRedisClient } from '../platform/redis.js';
import { redisSpentStore } from '../shield/challenge.js';
import { createLimits } from '../shield/limits.js';
import { ADMIN_TOKEN, admin, type TestApp, testApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason, type TestDatabase } from '../../tests/helpers/database.js';
import { noRedisCluster, type OwnRedisCluster, type OwnRedisSentinel, ownRedisCluster, ownRedisSentinel } from '../../tests/helpers/own-redis-cluster.js';
import { describeQueueStore } from './queue-store.behaviour.js';
import { ROOM_KEYS } from './redis-scripts.js';
import { createRedisStore, requireRedisPersistence } from './redis-store.js';
import { fakeClock, join, roomConfig, roomShow, roomView, status } from './waiting-room.fixtures.js';

/**
 * Redis beyond one server: a Redis Cluster of three masters, and a master with a replica behind a
 * sentinel, each started here from redis-server and stopped at the end. The queue store's
 * behaviour, the app's line (joins, polls, admissions within the per-minute bound, moving a line
 * between rooms on different masters), the shield's shared limits and the start-up persistence
 * check run on them; through the sentinel, a failover keeps the line.
 */

if (noRedisCluster) console.log(`# SKIP: ${noRedisCluster}`);
const noDatabase = !databaseAvailable && skipReason;

const prefix = `taquilla:cluster:${randomBytes(4).toString('hex')}:`;
const silent = { warn() {} };
const T0 = 1_800_000_000_000;
const id = () => randomBytes(8).toString('hex');
const DAY = 86_400_000;

let cluster: OwnRedisCluster | undefined;
/** A client of the test's own, to ask which master holds a slot. */
let probe: Cluster | undefined;

before(
  async () => {
    if (noRedisCluster) return;
    cluster = await ownRedisCluster(3);
    probe = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    probe.on('error', () => {});
  },
  { timeout: 60_000 },
);
after(async () => {
  probe?.disconnect();
  await cluster?.close();
});

/** The port of the master serving a room's keys. */
async function masterOf(performanceId: string): Promise<number> {
  const slot = Number(await probe!.cluster('KEYSLOT', `${prefix}{${performanceId}}:room`));
  const range = (await probe!.cluster('SLOTS')).find(([start, end]) => slot >= start && slot <= end);
  assert.ok(range?.[2], `slot ${slot} is served`);
  return range[2][1];
}

/** Two room ids whose keys live on different masters, so moving a line crosses nodes. */
async function apart(): Promise<[string, string]> {
  const from = id();
  for (;;) {
    const to = id();
    if ((await masterOf(from)) !== (await masterOf(to))) return [from, to];
  }
}

describeQueueStore(
  'redis cluster',
  async () => {
    const store = createRedisStore({ url: cluster!.url, prefix });
    await store.ready();
    return store;
  },
  noRedisCluster ?? false,
  apart,
);

describe('queue store on a Redis Cluster: moving a line between masters', { skip: noRedisCluster ?? false }, () => {
  test('queue store on a Redis Cluster: a move cut short is finished by asking again, once; meanwhile the counter stops before the moving places', async () => {
    const store = createRedisStore({ url: cluster!.url, prefix });
    try {
      await store.ready();
      const [from, to] = await apart();
      await store.configure(roomConfig(from));
      await store.configure(roomConfig(to));
      const fans = [];
      for (let i = 0; i < 6; i++) fans.push((await store.join(from, `cut-${i}`, { ticketId: id(), joinedAt: T0 }, T0))!.entry);
      for (const fan of fans) await store.poll(fan, T0);
      assert.deepEqual(await store.advance(from, 2, T0), { admitted: 2, skipped: 0 });

      // The first two steps ran (the to room has the places), the third never did.
      const command = (name: string) =>
        (store.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[`taquilla_${name}`]!.bind(store.client);
      const keys = (room: string) => ROOM_KEYS.map((k) => `${prefix}{${room}}:${k}`);
      const out = (await command('moveOut')(...keys(from), to)) as [string, number, number, string];
      assert.deepEqual(out.slice(0, 3), ['move', 2, 6]);
      assert.deepEqual(await command('moveIn')(...keys(to), from, out[1], out[2], out[3]), [4, -2]);
      assert.deepEqual(await store.advance(from, 10, T0 + 1000), { admitted: 0, skipped: 0 }, 'the from room admits none of the places that are moving');
      assert.deepEqual(
        [(await store.poll(fans[3]!, T0 + 1000))!.line.config.performanceId, (await store.poll(fans[3]!, T0 + 1000))!.state],
        [from, 'waiting'],
        'until the move is done a moving place answers from where it was',
      );
      await assert.rejects(store.moveLine(from, id(), T0), /being moved to/, 'nor can it go elsewhere');

      assert.deepEqual(await store.moveLine(from, to, T0 + 2000), { moved: 4, shift: -2 });
      assert.deepEqual(await store.moveLine(from, to, T0 + 3000), { moved: 4, shift: -2 }, 'done is done');
      assert.equal((await store.counters(to, T0 + 3000))!.joined, 4, 'the places were appended once');
      for (const [i, fan] of fans.entries()) {
        const poll = (await store.poll(fan, T0 + 3000))!;
        assert.deepEqual([poll.line.config.performanceId, poll.place], i < 2 ? [from, i + 1] : [to, i - 1], `place ${i + 1}`);
      }
      assert.equal(
        (await store.join(to, 'cut-5', { ticketId: id(), joinedAt: T0 }, T0 + 3000))!.entry.ticketId,
        fans[5]!.ticketId,
        'a moved buyer keeps one place',
      );
    } finally {
      await store.close();
    }
  });
});

/** One app process on the shared database and the cluster: its own context and clients. */
async function appOn(database: TestDatabase, env: Record<string, string>): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    TAQUILLA_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'taquilla-test-')),
    TAQUILLA_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    TAQUILLA_ADMIN_TOKEN: ADMIN_TOKEN,
    DATABASE_URL: database.url,
    PORT: '3900',
    ...env,
  });
  const ctx = createContext(config, database.db, database.kind, { log: () => {} });
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  return {
    app,
    ctx,
    database,
    close: async () => {
      await app.close();
      await closeContext(ctx);
    },
  };
}

describe('waiting room on a Redis Cluster, through two app processes', { skip: noRedisCluster ?? noDatabase }, () => {
  const T1 = Math.floor(Date.now() / 1000) * 1000;
  let one: TestApp;
  let two: TestApp;
  before(async () => {
    const env = {
      REDIS_URL: cluster!.url,
      REDIS_PREFIX: prefix,
      REDIS_REQUIRE_AOF: 'true',
      // The shield is on, to share its limits through the cluster: every inject comes from
      // 127.0.0.1, so the line's classes get room, and browsing a tight limit to run out of.
      SHIELD_ENABLED: 'true',
      SHIELD_LIMITS: JSON.stringify({
        browse: { ip: { points: 3, seconds: 60 } },
        queue_join: { ip: { points: 100_000, seconds: 60 } },
        queue_status: { ip: { points: 100_000, seconds: 10 } },
      }),
    };
    one = await testApp(env);
    two = await appOn(one.database, env);
    await Promise.all([one.ctx.waitingRoom.store.ready(), two.ctx.waitingRoom.store.ready()]);
  });
  after(async () => {
    await two?.close();
    await one?.close();
  });

  test('waiting room on a Redis Cluster: two processes hand out each place once and admit within the per-minute bound', async () => {
    const bound = 30;
    const show = await roomShow(one, { maxInCheckout: 1000, maxAdmissionsPerMinute: bound });
    const clocks = [fakeClock(one, T1), fakeClock(two, T1)];
    const fans = [];
    for (let i = 0; i < 60; i++) fans.push(await join((i % 2 ? two : one).app, show.performanceId, `cluster-${i}`));
    assert.equal((await join(two.app, show.performanceId, 'cluster-0')).queueTicket, fans[0]!.queueTicket, 'one place per buyer across processes');
    const places = await Promise.all(fans.map((f, i) => status((i % 3 ? one : two).app, f.queueTicket)));
    assert.deepEqual(
      places.map((p) => p.position).sort((a, b) => a - b),
      fans.map((_, i) => i + 1),
      'every place handed out once',
    );

    let admittedTotal = 0;
    const perSecond: number[] = [];
    for (let second = 1; second <= 75; second++) {
      for (const c of clocks) c.set(T1 + second * 1000);
      if (second % 10 === 0) await Promise.all(fans.map((f, i) => status((i % 2 ? one : two).app, f.queueTicket)));
      const [a, b] = await Promise.all([one.ctx.waitingRoom.tick(T1 + second * 1000), two.ctx.waitingRoom.tick(T1 + second * 1000 + 300)]);
      const n = (a.get(show.performanceId)?.admitted ?? 0) + (b.get(show.performanceId)?.admitted ?? 0);
      perSecond.push(n);
      admittedTotal += n;
      const lastMinute = perSecond.slice(-60).reduce((x, y) => x + y, 0);
      assert.ok(lastMinute <= bound, `second ${second}: ${lastMinute} admissions in the last minute`);
    }
    assert.ok(admittedTotal >= bound && admittedTotal < 60, `admitted ${admittedTotal} in 75 s at ${bound} a minute`);
    const view = await roomView(two.app, show.performanceId);
    assert.deepEqual([view.admitted, view.served], [admittedTotal, admittedTotal], "the ticks' reports add up to the shared counter: nobody admitted twice");
    const answers = await Promise.all(fans.map((f) => status(one.app, f.queueTicket)));
    assert.equal(answers.filter((a) => a.state === 'admitted').length, admittedTotal);
    assert.deepEqual(
      answers.filter((a) => a.state === 'waiting').map((a) => a.position),
      Array.from({ length: 60 - admittedTotal }, (_, i) => i + 1),
    );
  });

  test('waiting room on a Redis Cluster: the line moves to the next performance, on another master, in order', async () => {
    for (const t of [one, two]) t.ctx.waitingRoom.clock.now = () => Date.now();
    const show = await roomShow(one, { maxInCheckout: 5 });
    // Later performances, each earlier than the one before, until one's room is on another master: that one is next.
    let next: string | undefined;
    // From the database, not a fan route: the shield may shed a fan's request on a busy machine.
    const { venue_id: venueId } = await one.ctx.db.selectFrom('performances').select('venue_id').where('id', '=', show.performanceId).executeTakeFirstOrThrow();
    for (let days = 40; days > 31 && !next; days--) {
      const res = await one.app.inject({
        method: 'POST',
        url: `/api/admin/events/${show.eventId}/performances`,
        headers: admin,
        payload: {
          venueId,
          startsAt: new Date(Date.now() + days * DAY).toISOString(),
          onSaleAt: new Date(Date.now() + DAY).toISOString(),
          pricing: [{ categoryId: show.categories.Floor, gaAreaIds: [show.gaAreaId] }],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      if ((await masterOf(res.json().id)) !== (await masterOf(show.performanceId))) next = res.json().id;
    }
    assert.ok(next, 'a performance whose room is on another master');

    const fans = [];
    for (let i = 0; i < 20; i++) fans.push(await join((i % 2 ? two : one).app, show.performanceId, `moving-fan-${i}`));
    await one.ctx.waitingRoom.tick();
    assert.equal((await roomView(two.app, show.performanceId)).served, 5);
    await one.ctx.db.updateTable('performances').set({ status: 'sold_out' }).where('id', '=', show.performanceId).execute();
    await one.ctx.waitingRoom.tick();
    assert.equal((await status(two.app, fans[10]!.queueTicket)).state, 'sold_out');

    const res = await two.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/queue/move-to-next`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { from: show.performanceId, to: next, moved: 15 });
    for (const [i, fan] of fans.entries()) {
      const answer = await status((i % 2 ? one : two).app, fan.queueTicket);
      if (i < 5) assert.equal(answer.state, 'sold_out', `place ${i + 1} was served by the sold-out show`);
      else assert.deepEqual([answer.state, answer.performanceId, answer.position], ['waiting', next, i + 1 - 5], `place ${i + 1}`);
    }
    assert.equal((await join(one.app, next!, fans[7]!.key)).queueTicket, fans[7]!.queueTicket, 'a moved fan keeps one place');
    const newcomer = await join(two.app, show.performanceId, 'joined-after-the-move');
    assert.deepEqual([newcomer.performanceId, (await status(one.app, newcomer.queueTicket)).position], [next, 16]);
    await two.ctx.waitingRoom.tick();
    const served = (await roomView(one.app, next!)).served;
    assert.equal(served, 10, 'the next room admits as on one server (its own bounds)');
    for (const [i, fan] of fans.slice(5).entries()) assert.equal((await status(one.app, fan.queueTicket)).state, i < served ? 'admitted' : 'waiting');
  });

  test("waiting room on a Redis Cluster: the shield's limits are one count for both processes", async () => {
    // The shield's own client connects on its own: until it is ready each process counts alone
    // (its in-memory insurance), so ask again from a new address until the count is shared.
    let seen: number[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      const remoteAddress = `203.0.113.${attempt + 1}`;
      seen = [];
      for (const t of [one, two, one, two]) seen.push((await t.app.inject({ url: '/api/events', remoteAddress })).statusCode);
      if (seen[3] === 429) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(seen, [200, 200, 200, 429], 'the fourth request, in either process, is over the limit of three');
  });
});

describe("the shield's stores and the start-up check on a Redis Cluster", { skip: noRedisCluster ?? false }, () => {
  test('limits counted in each process reach the shared count; a challenge is spent once', async () => {
    const client = createRedisClient(cluster!.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      commandTimeout: 1000,
    });
    try {
      await client.connect();
      const table = { queue_status: { ip: { points: 3, seconds: 60 } } };
      const a = createLimits({ table, redis: client, keyPrefix: `${prefix}now:` });
      const b = createLimits({ table, redis: client, keyPrefix: `${prefix}now:` });
      const poll = (limits: typeof a) => limits.consumeNow('queue_status', '203.0.113.7', '203.0.113.0/24', Date.now())?.scope ?? 'ok';
      assert.deepEqual([poll(a), poll(a), poll(b), poll(b)], ['ok', 'ok', 'ok', 'ok'], "within each process's own count");
      await a.forwardNow();
      await b.forwardNow();
      assert.equal(poll(b), 'ip', 'the shared count is over three');
      const spent = redisSpentStore(client, prefix);
      assert.deepEqual([await spent.spend('challenge-1', Date.now() + 60_000), await spent.spend('challenge-1', Date.now() + 60_000)], [true, false]);
    } finally {
      client.disconnect();
    }
  });

  test('start-up checks the append-only file on every master, and names the one without', async () => {
    await requireRedisPersistence(cluster!.url, 5, silent);
    const port = cluster!.ports[1]!;
    const node = new Redis({ port, host: '127.0.0.1' });
    try {
      await node.config('SET', 'appendonly', 'no');
      const refused = await requireRedisPersistence(cluster!.url, 5, silent).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(refused instanceof StartupError, String(refused));
      assert.match(
        refused.message,
        new RegExp(`^Redis Cluster 127\\.0\\.0\\.1:\\d+,.* has no append-only file on 127\\.0\\.0\\.1:${port} \\(appendonly no\\)`),
      );
      assert.doesNotMatch(refused.message, /\n/);
    } finally {
      await node.config('SET', 'appendonly', 'yes');
      node.disconnect();
    }
  });
});

describe('waiting room through Redis Sentinel', { skip: noRedisCluster ?? noDatabase }, () => {
  let sentinel: OwnRedisSentinel | undefined;
  let t: TestApp | undefined;
  before(
    async () => {
      sentinel = await ownRedisSentinel({ replica: true });
    },
    { timeout: 60_000 },
  );
  after(async () => {
    await t?.close();
    await sentinel?.close();
  });

  test('waiting room through Redis Sentinel: the app finds the master, and after a failover the line goes on with every place', {
    timeout: 60_000,
  }, async () => {
    const s = sentinel!;
    await requireRedisPersistence(s.url, 5, silent);
    const app = await testApp({ REDIS_URL: s.url, REDIS_PREFIX: prefix });
    t = app;
    await app.ctx.waitingRoom.store.ready();
    const show = await roomShow(app, { maxInCheckout: 1000, maxAdmissionsPerMinute: 60 });
    const clock = fakeClock(app, Math.floor(Date.now() / 1000) * 1000);
    const fans = [];
    for (let i = 0; i < 5; i++) fans.push(await join(app.app, show.performanceId, `sentinel-${i}`));
    assert.equal((await app.ctx.waitingRoom.tick(clock.advance(1000))).get(show.performanceId)?.admitted, 1);
    const before = await Promise.all(fans.map((f) => status(app.app, f.queueTicket)));

    // The replica has every write (asynchronous replication: wait for it), then the master dies.
    const offset = async (port: number, field: string) => {
      const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
      try {
        await r.connect();
        return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(await r.info('replication'))?.[1]);
      } finally {
        r.disconnect();
      }
    };
    const written = await offset(s.masterPort, 'master_repl_offset');
    for (let i = 0; i < 100 && (await offset(s.replicaPort!, 'slave_repl_offset')) < written; i++) await new Promise((r) => setTimeout(r, 50));
    await s.killMaster();

    let answered = 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      answered = (await app.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fans[2]!.queueTicket}` } })).statusCode;
      if (answered === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(answered, 200, 'the line answers again once the sentinel has promoted the replica');
    const ask = new Redis({ port: s.sentinelPort, host: '127.0.0.1' });
    try {
      assert.deepEqual(await ask.call('SENTINEL', 'get-master-addr-by-name', 'taquilla'), ['127.0.0.1', String(s.replicaPort)]);
    } finally {
      ask.disconnect();
    }
    const afterwards = await Promise.all(fans.map((f) => status(app.app, f.queueTicket)));
    assert.deepEqual(
      afterwards.map((a) => [a.state, a.position]),
      before.map((b) => [b.state, b.position]),
      'the same fans keep the same places',
    );
    assert.equal((await app.ctx.waitingRoom.tick(clock.advance(1000))).get(show.performanceId)?.admitted, 1, 'admissions resume');
    assert.equal((await join(app.app, show.performanceId, 'after-the-failover')).state, 'waiting');
    assert.equal((await roomView(app.app, show.performanceId)).joined, 6, 'places go on from where they were');
  });
});

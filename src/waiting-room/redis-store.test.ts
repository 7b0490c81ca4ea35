import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { closeContext, createContext } from '../platform/context.js';
import { ADMIN_TOKEN, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { FIRST_POLL_GRACE_MS } from './memory-room.js';
import { createMemoryStore } from './memory-store.js';
import type { QueueStore } from './queue-store.js';
import { roomConfig } from './waiting-room.fixtures.js';
import { createRedisStore } from './redis-store.js';
import { fakeClock, join, roomShow, roomView, status } from './waiting-room.fixtures.js';

const REDIS_URL = process.env.TAQUILLA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `taquilla:test:${randomBytes(6).toString('hex')}:`;

async function redisReachable(): Promise<string | false> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 1, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return false;
  } catch (error) {
    return `Redis at ${REDIS_URL} is not reachable (${(error as Error).message}); the Redis store tests are skipped`;
  } finally {
    probe.disconnect();
  }
}
const noRedis = await redisReachable();
if (noRedis) console.log(`# SKIP: ${noRedis}`);

after(async () => {
  if (noRedis) return;
  const client = new Redis(REDIS_URL);
  const keys = await client.keys(`${prefix}*`);
  if (keys.length) await client.del(...keys);
  await client.quit();
});

const T0 = 1_800_000_000_000;
const id = () => randomBytes(8).toString('hex');
const fresh = (now: number) => ({ ticketId: id(), joinedAt: now });

/** The same behavioural checks against both stores. */
const stores: [string, () => Promise<QueueStore>, string | false][] = [
  ['memory', async () => createMemoryStore(), false],
  [
    'redis',
    async () => {
      const s = createRedisStore({ url: REDIS_URL, prefix });
      await s.ready();
      return s;
    },
    noRedis,
  ],
];

for (const [name, make, skip] of stores) {
  describe(`queue store (${name})`, { skip }, () => {
    let store: QueueStore;
    before(async () => {
      store = await make();
    });
    after(async () => {
      await store?.close();
    });

    test(`queue store (${name}): one place per buyer, in order, and positions follow the counter`, async () => {
      const room = id();
      await store.configure(roomConfig(room));
      assert.equal(await store.join(id(), 'b', fresh(T0), T0), undefined, 'no such room');
      const a = (await store.join(room, 'buyer-a', fresh(T0), T0))!;
      const b = (await store.join(room, 'buyer-b', fresh(T0), T0))!;
      const again = (await store.join(room, 'buyer-a', fresh(T0 + 1), T0 + 1))!;
      assert.deepEqual([a.created, a.entry.place, b.entry.place, again.created], [true, 1, 2, false]);
      assert.deepEqual(again.entry, a.entry);
      const poll = (await store.poll(b.entry, T0 + 2))!;
      assert.deepEqual([poll.place, poll.state, poll.line.joined, poll.line.served, poll.line.config.performanceId], [2, 'waiting', 2, 0, room]);
      assert.equal((await store.poll({ ...b.entry, place: 9 }, T0))!.state, 'unknown');
      assert.equal(await store.poll({ ...b.entry, performanceId: id() }, T0), undefined);
    });

    test(`queue store (${name}): advance admits fans still polling, skips the gone, lapses the slow, counts the minute`, async () => {
      const room = id();
      await store.configure(roomConfig(room, { graceMs: 10_000, startLimitMs: 20_000 }));
      const fans = [];
      for (let i = 0; i < 4; i++) fans.push((await store.join(room, `k${i}`, fresh(T0), T0))!.entry);
      await store.poll(fans[0]!, T0); // then gone
      for (const fan of [fans[1]!, fans[2]!, fans[3]!]) await store.poll(fan, T0 + 15_000);
      const bucket = { tokens: 2.5, at: T0 + 15_000 };
      assert.deepEqual(await store.advance(room, 2, T0 + 15_000, bucket), { admitted: 2, skipped: 1 });
      assert.deepEqual((await store.counters(room, T0 + 15_000))!.bucket, { tokens: 0.5, at: T0 + 15_000 });
      assert.equal((await store.poll(fans[0]!, T0 + 15_000))!.state, 'skipped');
      const admitted = (await store.poll(fans[1]!, T0 + 16_000))!;
      assert.deepEqual([admitted.state, admitted.admittedAt], ['admitted', T0 + 15_000]);
      await store.startHold(room, 2, T0 + 16_000);
      await store.startHold(room, 4, T0 + 16_000);
      assert.equal((await store.poll(fans[1]!, T0 + 16_000))!.state, 'started');
      let c = (await store.counters(room, T0 + 16_000))!;
      assert.deepEqual([c.joined, c.served, c.pending, c.recentlyStarted, c.admittedLastMinute, c.admitted, c.started, c.skipped], [4, 3, 1, 1, 2, 2, 1, 1]);
      assert.equal(await store.lapse(room, T0 + 30_000), 0);
      assert.equal(await store.lapse(room, T0 + 35_000), 1);
      assert.equal((await store.poll(fans[2]!, T0 + 35_000))!.state, 'lapsed');
      c = (await store.counters(room, T0 + 80_000))!;
      assert.deepEqual([c.pending, c.recentlyStarted, c.admittedLastMinute, c.lapsed], [0, 0, 0, 1], 'a minute later the window is empty');
      const back = (await store.join(room, 'k0', fresh(T0 + 80_000), T0 + 80_000))!;
      assert.deepEqual([back.created, back.entry.place], [true, 5], 'a skipped fan joins again at the back');
      assert.equal((await store.join(room, 'k1', fresh(T0 + 80_000), T0 + 80_000))!.created, true, 'a started fan past the start limit is no longer live');
    });

    test(`queue store (${name}): only a place that has polled is admitted; the counter waits at one that has not, then skips it`, async () => {
      const room = id();
      await store.configure(roomConfig(room, { graceMs: 60_000 }));
      // A flood's joins that never ask for their status, then a fan whose page polls.
      for (let i = 0; i < 3; i++) await store.join(room, `junk${i}`, fresh(T0), T0);
      const fan = (await store.join(room, 'fan', fresh(T0), T0))!.entry;
      await store.poll(fan, T0 + 1_000);
      assert.deepEqual(
        await store.advance(room, 5, T0 + FIRST_POLL_GRACE_MS - 1_000),
        { admitted: 0, skipped: 0 },
        'waits at a young place that has not polled',
      );
      assert.deepEqual(
        await store.advance(room, 5, T0 + FIRST_POLL_GRACE_MS + 1_000),
        { admitted: 1, skipped: 3 },
        'then skips the never-polled and admits the fan',
      );
      assert.equal((await store.poll(fan, T0 + FIRST_POLL_GRACE_MS + 1_000))!.state, 'admitted');
      // A fan who polled once keeps the full grace period.
      const slow = (await store.join(room, 'slow', fresh(T0 + 20_000), T0 + 20_000))!.entry;
      await store.poll(slow, T0 + 21_000);
      assert.deepEqual(await store.advance(room, 1, T0 + 70_000), { admitted: 1, skipped: 0 });
    });

    test(`queue store (${name}): the pre-queue is drawn in the given order, once, and the room opens`, async () => {
      const room = id();
      await store.configure(roomConfig(room, { state: 'pre_queue' }));
      const pre = [];
      for (let i = 0; i < 5; i++) pre.push((await store.join(room, `p${i}`, fresh(T0), T0))!.entry);
      assert.ok(pre.every((e) => e.pre && e.place === 0));
      assert.deepEqual([(await store.poll(pre[0]!, T0))!.state, (await store.line(room))!.entrants], ['waiting', 5]);
      const order = (ids: string[]) => [...ids].sort();
      assert.equal(await store.draw(room, order, T0 + 1), 5);
      assert.equal(await store.draw(room, order, T0 + 2), 5, 'drawn once');
      const line = (await store.line(room))!;
      assert.deepEqual([line.drawn, line.config.state, line.joined, line.entrants], [true, 'open', 5, 5]);
      const sorted = order(pre.map((e) => e.ticketId));
      for (const entry of pre) assert.equal((await store.poll(entry, T0 + 3))!.place, sorted.indexOf(entry.ticketId) + 1);
      await store.configure(roomConfig(room, { state: 'pre_queue' }));
      assert.equal((await store.line(room))!.config.state, 'open', 'a drawn room never returns to the pre-queue');
      assert.equal((await store.join(room, 'p3', fresh(T0 + 4), T0 + 4))!.entry.ticketId, pre[3]!.ticketId);
      assert.equal((await store.join(room, 'late', fresh(T0 + 4), T0 + 4))!.entry.place, 6);
    });

    test(`queue store (${name}): moving the line keeps the order, and buyers keep one place`, async () => {
      const [from, to] = [id(), id()];
      await store.configure(roomConfig(from));
      await store.configure(roomConfig(to));
      const fans = [];
      for (let i = 0; i < 6; i++) fans.push((await store.join(from, `m${i}`, fresh(T0), T0))!.entry);
      for (const fan of fans) await store.poll(fan, T0);
      await store.join(to, 'already-there', fresh(T0), T0);
      await store.advance(from, 2, T0);
      assert.deepEqual(await store.moveLine(from, to, T0), { moved: 4, shift: -1 });
      for (const [i, fan] of fans.entries()) {
        const poll = (await store.poll(fan, T0 + 1))!;
        if (i < 2) assert.deepEqual([poll.line.config.performanceId, poll.state], [from, 'admitted']);
        else assert.deepEqual([poll.line.config.performanceId, poll.place, poll.state], [to, i + 1 - 1, 'waiting']);
      }
      const same = (await store.join(to, 'm4', fresh(T0 + 2), T0 + 2))!;
      assert.deepEqual([same.created, same.entry], [false, fans[4]]);
      assert.equal((await store.join(to, 'newcomer', fresh(T0 + 2), T0 + 2))!.entry.place, 6);
      await assert.rejects(store.moveLine(from, id(), T0));
    });

    test(`queue store (${name}): one admitter at a time`, async () => {
      const room = id();
      await store.configure(roomConfig(room));
      let inside = 0;
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          store.exclusive(room, 1500, async () => {
            inside++;
            await new Promise((r) => setTimeout(r, 30));
            return inside;
          }),
        ),
      );
      assert.deepEqual(
        results.filter((r) => r !== undefined),
        [1],
      );
      assert.equal(await store.exclusive(room, 1500, async () => 'again'), 'again', 'released after the work');
    });
  });
}

/** A TCP proxy in front of Redis that the test can cut (closing every connection) and restore. */
async function redisProxy(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  await listen();
  return { url: `redis://127.0.0.1:${port}`, cut, restore: listen, close: cut };
}

/** One app process: its own context and RedisQueueStore on the shared prefix, on the shared database. */
async function appOn(database: TestDatabase, redisUrl: string): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    TAQUILLA_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'taquilla-test-')),
    TAQUILLA_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    TAQUILLA_ADMIN_TOKEN: ADMIN_TOKEN,
    DATABASE_URL: database.url,
    PORT: '3900',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    // Every join here comes from 127.0.0.1: this tests the line, the shield has its own tests.
    SHIELD_ENABLED: 'false',
  });
  const ctx = createContext(config, database.db, database.kind);
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  await ctx.waitingRoom.store.ready();
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

describe('waiting room on Redis: several processes, and Redis going away', { skip: noRedis || (!databaseAvailable && skipReason) }, () => {
  const T0 = Math.floor(Date.now() / 1000) * 1000;
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;
  let one: TestApp;
  let two: TestApp;
  before(async () => {
    database = await testDatabase();
    proxy = await redisProxy();
    one = await appOn(database, REDIS_URL);
    two = await appOn(database, proxy.url);
  });
  after(async () => {
    for (const t of [one, two]) t.ctx.waitingRoom.clock.now = () => Date.now();
    await one?.close();
    await two?.close();
    await proxy?.close();
    await database?.drop();
  });

  test('waiting room on Redis: two app processes on one Redis admit each fan once, within the bounds', async () => {
    const bounds = { maxInCheckout: 1000, maxAdmissionsPerMinute: 120 };
    const show = await roomShow(one, bounds);
    const clocks = [fakeClock(one, T0), fakeClock(two, T0)];
    const fans = [];
    for (let i = 0; i < 200; i++) fans.push(await join((i % 2 ? two : one).app, show.performanceId, `two-procs-${i}`));
    assert.equal((await join(two.app, show.performanceId, 'two-procs-0')).queueTicket, fans[0]!.queueTicket, 'one place per buyer across processes');
    const places = await Promise.all(fans.map((f, i) => status((i % 3 ? one : two).app, f.queueTicket)));
    assert.deepEqual(
      places.map((p) => p.position).sort((a, b) => a - b),
      fans.map((_, i) => i + 1),
      'every place handed out once',
    );

    let admittedTotal = 0;
    const perSecond: number[] = [];
    for (let second = 1; second <= 90; second++) {
      for (const c of clocks) c.set(T0 + second * 1000);
      // Every fan keeps polling through either process.
      if (second % 10 === 0) await Promise.all(fans.map((f, i) => status((i % 2 ? one : two).app, f.queueTicket)));
      const [a, b] = await Promise.all([one.ctx.waitingRoom.tick(T0 + second * 1000), two.ctx.waitingRoom.tick(T0 + second * 1000 + 300)]);
      const n = (a.get(show.performanceId)?.admitted ?? 0) + (b.get(show.performanceId)?.admitted ?? 0);
      perSecond.push(n);
      admittedTotal += n;
      const lastMinute = perSecond.slice(-60).reduce((x, y) => x + y, 0);
      assert.ok(lastMinute <= bounds.maxAdmissionsPerMinute, `second ${second}: ${lastMinute} admissions in the last minute`);
    }
    const view = await roomView(two.app, show.performanceId);
    assert.equal(view.admitted, admittedTotal, "the ticks' reports add up to the shared counter: nobody admitted twice");
    assert.equal(view.served, admittedTotal);
    assert.ok(admittedTotal >= 120 && admittedTotal <= 2 * 90 + 2, `admitted ${admittedTotal} in 90 s at 120 a minute`);
    const answers = await Promise.all(fans.map((f) => status(one.app, f.queueTicket)));
    assert.equal(answers.filter((a) => a.state === 'admitted').length, admittedTotal);
    assert.deepEqual(
      answers.filter((a) => a.state === 'waiting').map((a) => a.position),
      Array.from({ length: 200 - admittedTotal }, (_, i) => i + 1),
    );
  });

  test('waiting room on Redis: Redis going away stops admissions and loses no place', async () => {
    const show = await roomShow(one, { maxInCheckout: 1000, maxAdmissionsPerMinute: 60 });
    const clock = fakeClock(two, T0 + 500_000);
    fakeClock(one, T0 + 500_000);
    const fans = [];
    for (let i = 0; i < 5; i++) fans.push(await join(two.app, show.performanceId, `outage-${i}`));
    assert.equal((await two.ctx.waitingRoom.tick(clock.advance(1000))).get(show.performanceId)?.admitted, 1);
    const before = await Promise.all(fans.map((f) => status(two.app, f.queueTicket)));

    const logged: string[] = [];
    const original = console.error;
    console.error = (message: string) => {
      logged.push(String(message));
    };
    try {
      await proxy.cut();
      const res = await two.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fans[3]!.queueTicket}` } });
      assert.deepEqual([res.statusCode, res.json().error.code, res.headers['retry-after']], [503, 'queue_unavailable', '1']);
      const joining = await two.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/queue`,
        headers: { 'x-queue-key': 'outage-newcomer' },
      });
      assert.deepEqual([joining.statusCode, joining.json().error.code], [503, 'queue_unavailable']);
      const token = before[0]!.accessToken;
      const held = await two.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        headers: { 'x-access-token': token },
        payload: { gaAreaId: show.gaAreaId, quantity: 1 },
      });
      assert.deepEqual([held.statusCode, held.json().error.code], [503, 'queue_unavailable'], 'an active room lets nobody in unchecked');
      for (let i = 0; i < 3; i++) assert.equal((await two.ctx.waitingRoom.tick(clock.advance(1000))).size, 0, 'no admissions while Redis is away');
      assert.equal(logged.filter((l) => l.includes('unreachable')).length, 1, `said once per outage: ${logged.join(' | ')}`);
      assert.equal((await roomView(one.app, show.performanceId)).admitted, 1, 'the other process still sees the same counters');
    } finally {
      console.error = original;
      await proxy.restore();
    }
    await two.ctx.waitingRoom.store.ready().catch(() => {});
    for (
      let i = 0;
      i < 50 && (await two.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fans[1]!.queueTicket}` } })).statusCode !== 200;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const afterwards = await Promise.all(fans.map((f) => status(two.app, f.queueTicket)));
    assert.deepEqual(
      afterwards.map((a) => [a.state, a.position]),
      before.map((b) => [b.state, b.position]),
      'the same fans keep the same places',
    );
    assert.equal((await two.ctx.waitingRoom.tick(clock.advance(1000))).get(show.performanceId)?.admitted, 1, 'admissions resume');
    assert.equal((await status(two.app, fans[1]!.queueTicket)).state, 'admitted');
    assert.equal((await roomView(one.app, show.performanceId)).admitted, 2);
  });
});

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
import { createMemoryStore } from './memory-store.js';
import { describeQueueStore } from './queue-store.behaviour.js';
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

/** The same behavioural checks against both stores. */
describeQueueStore('memory', async () => createMemoryStore(), false);
describeQueueStore(
  'redis',
  async () => {
    const s = createRedisStore({ url: REDIS_URL, prefix });
    await s.ready();
    return s;
  },
  noRedis,
);

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

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { buyer, cardToken, createShow, holdAuth } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { LocalWindow, createLimits } from './limits.js';
import { SHIELD_ON } from './shield.fixtures.js';

const tight = { points: 2, seconds: 60 };

/** Sends requests until one is refused; answers how many got through and the refusal. */
async function untilRefused(send: (i: number) => Promise<{ statusCode: number; headers: Record<string, unknown>; json(): any }>, max = 10) {
  for (let i = 0; i < max; i++) {
    const res = await send(i);
    if (res.statusCode === 429) return { passed: i, res };
  }
  throw new Error(`no refusal in ${max} requests`);
}

function assertRateLimited(res: { statusCode: number; headers: Record<string, unknown>; json(): any }) {
  assert.equal(res.statusCode, 429);
  assert.equal(res.json().error.code, 'rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${res.headers['retry-after']}`);
}

describe('layered limits', () => {
  let t: TestApp;
  let payments: App;
  before(async () => {
    t = await testApp(SHIELD_ON, 20, {
      shield: {
        limits: {
          browse: { ip: tight, prefix: { points: 5, seconds: 60 } },
          challenge: { ip: tight },
          queue_join: { ip: { points: 3, seconds: 60 }, account: tight },
          queue_status: { ip: tight },
          hold: { ip: tight },
          checkout: { ip: { points: 3, seconds: 60 } },
          email: { account: { points: 1, seconds: 3600 } },
          operator: { ip: { points: 1000, seconds: 60 } },
        },
      },
    });
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments.close();
    await t.close();
  });

  test('each class refuses past its limit with 429 and Retry-After, per address', async () => {
    const show = await createShow(t.app);
    const p = show.performanceId;
    const cases: [string, (ip: string) => Promise<any>][] = [
      ['browse', (ip) => t.app.inject({ url: '/api/events', remoteAddress: ip })],
      ['challenge', (ip) => t.app.inject({ url: '/api/shield/challenge', remoteAddress: ip })],
      ['queue_status', (ip) => t.app.inject({ url: '/api/queue/status', remoteAddress: ip, headers: { authorization: 'Queue nope' } })],
      [
        'hold',
        (ip) => t.app.inject({ method: 'POST', url: `/api/performances/${p}/holds`, remoteAddress: ip, payload: { gaAreaId: show.gaAreaId, quantity: 1 } }),
      ],
      ['checkout', (ip) => t.app.inject({ url: '/api/holds/00000000-0000-4000-8000-000000000000', remoteAddress: ip })],
    ];
    let n = 10;
    for (const [name, send] of cases) {
      const ip = `203.0.${n++}.1`;
      const { passed, res } = await untilRefused(() => send(ip));
      assert.equal(passed, name === 'checkout' ? 3 : 2, `${name}: requests let through before the refusal`);
      assertRateLimited(res);
      // Another address is not affected by this one's count.
      assert.notEqual((await send(`203.0.${n++}.2`)).statusCode, 429, `${name}: another address`);
    }
  });

  test('the network limit counts every address in a /24, and X-Forwarded-For does not escape it', async () => {
    let i = 0;
    const { passed, res } = await untilRefused(() =>
      t.app.inject({ url: '/api/events', remoteAddress: `192.0.2.${++i}`, headers: { 'x-forwarded-for': `10.9.${i}.1` } }),
    );
    assert.equal(passed, 5);
    assertRateLimited(res);
    assert.equal((await t.app.inject({ url: '/api/events', remoteAddress: '192.0.3.1' })).statusCode, 200, 'the next /24 is its own network');
  });

  test('queue joins are limited per device key across addresses, and order emails per address', async () => {
    const show = await createShow(t.app);
    const url = `/api/performances/${show.performanceId}/queue`;
    let i = 0;
    const { passed, res } = await untilRefused(() =>
      t.app.inject({ method: 'POST', url, remoteAddress: `198.18.${++i}.1`, headers: { 'x-queue-key': 'one-device' } }),
    );
    assert.equal(passed, 2);
    assertRateLimited(res);

    // One confirmation email per address per hour here: the second order to it is refused
    // before anything is written, and the first order can still be paid.
    const held = async (ip: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/performances/${show.performanceId}/holds`,
          remoteAddress: ip,
          payload: { gaAreaId: show.gaAreaId, quantity: 1 },
        })
      ).json();
    const first = await held('198.19.0.1');
    const ordered = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${first.holdId}/order`,
      remoteAddress: '198.19.0.1',
      headers: { 'idempotency-key': 'k1', ...holdAuth(first) },
      payload: { buyer },
    });
    assert.equal(ordered.statusCode, 201, ordered.body);
    const second = await held('198.19.1.1');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${second.holdId}/order`,
      remoteAddress: '198.19.1.1',
      headers: { 'idempotency-key': 'k2', ...holdAuth(second) },
      payload: { buyer: { ...buyer, email: buyer.email.toUpperCase() } },
    });
    assertRateLimited(refused);
    const orders = await t.database.db.selectFrom('orders').select('id').where('hold_id', '=', second.holdId).execute();
    assert.equal(orders.length, 0, 'a refused order writes nothing');
    const token = await cardToken(payments, ordered.json().payment.sessionId);
    const paid = await t.app.inject({ method: 'POST', url: `/api/orders/${ordered.json().orderId}/payment`, remoteAddress: '198.19.0.1', payload: { token } });
    assert.equal(paid.statusCode, 200, paid.body);
  });

  test('a repeat offender is refused outright, without counting, for minutes', async () => {
    const ip = '203.0.200.9';
    for (let i = 0; i < 70; i++) await t.app.inject({ url: '/api/events', remoteAddress: ip });
    assert.ok(t.ctx.shield.limits.blockedFor(ip, Date.now()) > 500, 'blocked for about ten minutes');
    const res = await t.app.inject({ url: '/api/shield/challenge', remoteAddress: ip });
    assertRateLimited(res);
    assert.ok(Number(res.headers['retry-after']) > 500);
    // The address may be a carrier NAT: a buyer's checkout behind it still gets through.
    const checkout = await t.app.inject({ url: '/api/holds/00000000-0000-4000-8000-000000000000', remoteAddress: ip });
    assert.deepEqual([checkout.statusCode, checkout.json().error.code], [401, 'unauthorized'], 'answered by the hold route itself (no hold token)');
  });
});

describe('the synchronous window for status polls', () => {
  test('counts per key, refuses past the limit until its window ends, then starts again', () => {
    const w = new LocalWindow({ points: 2, seconds: 10 });
    assert.deepEqual([w.take('a', 0), w.take('a', 1), w.take('a', 2), w.take('b', 2)], [0, 0, 10, 0]);
    assert.equal(w.take('a', 9_001), 1, 'a second left');
    assert.deepEqual([w.take('a', 10_000), w.take('a', 10_001), w.take('a', 10_002)], [0, 0, 10], 'a new window');
  });

  test('more addresses than it may keep within one window: it forgets them rather than grow', () => {
    const w = new LocalWindow({ points: 1, seconds: 10 }, 3);
    for (const key of ['a', 'b', 'c']) assert.equal(w.take(key, 0), 0);
    assert.equal(w.take('a', 1), 10, 'still counted');
    assert.equal(w.take('d', 2), 0);
    assert.equal(w.size, 1, 'the counts were dropped to keep memory bounded');
    assert.equal(w.take('a', 3), 0, 'and a forgotten address starts again');
  });

  test('per address, then per network, without Redis', () => {
    const limits = createLimits({ table: { queue_status: { ip: { points: 2, seconds: 60 }, prefix: { points: 3, seconds: 60 } } }, keyPrefix: 'x:' });
    const poll = (ip: string) => limits.consumeNow('queue_status', ip, '198.51.100.0/24', 0)?.scope ?? 'ok';
    assert.deepEqual(
      ['.1', '.1', '.1', '.2', '.3'].map((h) => poll(`198.51.100${h}`)),
      ['ok', 'ok', 'ip', 'ok', 'prefix'],
    );
  });
});

describe('limits shared through Redis', () => {
  const url = process.env.TAQUILLA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let redis: Redis | undefined;
  let reason = '';
  before(async () => {
    const probe = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 500, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      redis = probe;
    } catch (error) {
      reason = `Redis not reachable at ${url} (${(error as Error).message})`;
      probe.disconnect();
    }
  });
  after(async () => {
    if (!redis) return;
    const keys = await redis.keys('taquilla-test-limits-*');
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  test('two processes share one count; with Redis gone the in-memory insurance still limits', async (ctx) => {
    if (!redis) {
      ctx.skip(reason);
      return;
    }
    const prefix = `taquilla-test-limits-${process.pid}-${Date.now()}:`;
    const table = { browse: { ip: { points: 3, seconds: 60 } } };
    const a = createLimits({ table, redis, keyPrefix: prefix });
    const b = createLimits({ table, redis, keyPrefix: prefix });
    const results = [];
    for (const limits of [a, b, a, b]) results.push(await limits.consume('browse', '203.0.113.1', '203.0.113.0/24'));
    assert.deepEqual(
      results.map((r) => r?.scope ?? 'ok'),
      ['ok', 'ok', 'ok', 'ip'],
      'the fourth request, in either process, is over',
    );

    const gone = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    gone.on('error', () => {});
    await gone.connect().catch(() => {});
    const insured = createLimits({ table, redis: gone, keyPrefix: prefix });
    const offline = [];
    for (let i = 0; i < 4; i++) offline.push(await insured.consume('browse', '203.0.113.2', '203.0.113.0/24'));
    assert.deepEqual(
      offline.map((r) => r?.scope ?? 'ok'),
      ['ok', 'ok', 'ok', 'ip'],
    );
    gone.disconnect();
  });

  test('status polls counted in each process reach the shared count, and its verdict refuses in both', async (ctx) => {
    if (!redis) {
      ctx.skip(reason);
      return;
    }
    const prefix = `taquilla-test-limits-${process.pid}-${Date.now()}-now:`;
    const table = { queue_status: { ip: { points: 3, seconds: 60 } } };
    const a = createLimits({ table, redis, keyPrefix: prefix });
    const b = createLimits({ table, redis, keyPrefix: prefix });
    const poll = (limits: typeof a) => limits.consumeNow('queue_status', '203.0.113.7', '203.0.113.0/24', Date.now())?.scope ?? 'ok';
    assert.deepEqual([poll(a), poll(a), poll(b), poll(b)], ['ok', 'ok', 'ok', 'ok'], "within each process's own count");
    await a.forwardNow();
    await b.forwardNow();
    assert.equal(poll(b), 'ip', 'the fourth poll between the two processes took the shared count over three');
    // A process hears the shared verdict in answer to its own counts: on its next forward.
    assert.equal(poll(a), 'ok');
    await a.forwardNow();
    assert.equal(poll(a), 'ip');
  });
});

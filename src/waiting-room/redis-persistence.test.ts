import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { noRedisServer, ownRedis } from '../../tests/helpers/own-redis.js';
import { metrics } from '../platform/metrics.js';
import { StartupError } from '../platform/outages.js';
import { roomConfig } from './waiting-room.fixtures.js';
import { createRedisStore, requireRedisPersistence } from './redis-store.js';

const T0 = 1_800_000_000_000;
const silent = { warn() {} };

test('waiting room on Redis with AOF: a Redis killed and restarted keeps the line (joined, served, each place)', {
  skip: noRedisServer,
  timeout: 60_000,
}, async () => {
  const redis = await ownRedis({ appendonly: true });
  await redis.start();
  const store = createRedisStore({ url: redis.url, prefix: 'taquilla:aof:' });
  try {
    await store.ready();
    const room = randomBytes(8).toString('hex');
    await store.configure(roomConfig(room));
    const fans = [];
    for (let i = 0; i < 30; i++) fans.push((await store.join(room, `fan-${i}`, { ticketId: `t${i}`, joinedAt: T0 }, T0))!.entry);
    for (const fan of fans) await store.poll(fan, T0 + 1000);
    assert.deepEqual(await store.advance(room, 12, T0 + 1000), { admitted: 12, skipped: 0 });
    const before = (await store.counters(room, T0 + 1000))!;
    assert.deepEqual([before.joined, before.served], [30, 12]);

    // A crash, not a clean shutdown: every acknowledged write is already in the AOF (written before the reply).
    await redis.stop('SIGKILL');
    await assert.rejects(store.counters(room, T0 + 2000), { code: 'queue_unavailable' }, 'fails closed while Redis is away');
    assert.match(await metrics.getSingleMetricAsString('taquilla_dependency_up'), /dependency="queue_store"} 0/);
    await redis.start();
    await store.ready();
    assert.match(await metrics.getSingleMetricAsString('taquilla_dependency_up'), /dependency="queue_store"} 1/);
    const after = (await store.counters(room, T0 + 2000))!;
    assert.deepEqual([after.joined, after.served, after.admitted], [30, 12, 12], 'the counters came back');
    const polls = await Promise.all(fans.map((fan) => store.poll(fan, T0 + 2000)));
    assert.deepEqual(
      polls.map((p) => [p!.place, p!.state]),
      fans.map((_, i) => [i + 1, i < 12 ? 'admitted' : 'waiting']),
      'every fan kept the place and the state',
    );
    const next = (await store.join(room, 'late-fan', { ticketId: 'late', joinedAt: T0 + 2000 }, T0 + 2000))!;
    assert.equal(next.entry.place, 31, 'places go on from where they were, never handed out twice');
  } finally {
    await store.close();
    await redis.close();
  }
});

test('start-up: a Redis without AOF is refused in one line that names the way out; one with AOF is accepted', {
  skip: noRedisServer,
  timeout: 60_000,
}, async () => {
  const volatile = await ownRedis({ appendonly: false });
  const durable = await ownRedis({ appendonly: true });
  try {
    await Promise.all([volatile.start(), durable.start()]);
    const refused = await requireRedisPersistence(volatile.url, 5, silent).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(refused instanceof StartupError, String(refused));
    assert.match(refused.message, /^Redis at 127\.0\.0\.1:\d+ has no append-only file \(appendonly no\).*REDIS_REQUIRE_AOF=false/);
    assert.doesNotMatch(refused.message, /\n/);
    await requireRedisPersistence(durable.url, 5, silent);

    // Not up yet: start-up waits for it, saying so.
    await durable.stop();
    const waits: string[] = [];
    const late = new Promise((r) => setTimeout(r, 1000)).then(() => durable.start());
    await requireRedisPersistence(durable.url, 20, { warn: (_data, message) => waits.push(message) });
    await late;
    assert.ok(waits.includes('waiting for Redis to answer'), waits.join());
  } finally {
    await Promise.all([volatile.close(), durable.close()]);
  }
});

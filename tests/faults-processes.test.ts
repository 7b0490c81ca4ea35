import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resumedAfter, startLoad } from '../scripts/faults/buyers.js';
import { invariants } from '../scripts/faults/checks.js';
import { ADMIN_TOKEN, startCluster } from '../scripts/faults/cluster.js';
import { createShow } from '../scripts/faults/show.js';
import { freePort } from './helpers/net.js';
import { ownPostgres } from './helpers/own-postgres.js';
import { noRedisServer, ownRedis } from './helpers/own-redis.js';
import { runServer } from './helpers/process.js';

// Real processes against a PostgreSQL and a Redis each test starts itself, so it can stop them.
// The longer run of every fault, with a table, is `npm run test:faults`.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function serverEnv(extra: Record<string, string>) {
  const port = await freePort();
  return {
    port,
    env: {
      PORT: String(port),
      PAYMENT_PORT: String(await freePort()),
      TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-faults-')),
      TAQUILLA_SEED_DEMO: 'false',
      ...extra,
    },
  };
}

/** Polls `url` until it answers `status`; returns the answer, or throws after `ms`. */
async function until(url: string, status: number, ms: number): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await fetch(url).catch(() => undefined);
    if (answer?.status === status) return answer;
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${ms} ms (last: ${answer?.status ?? 'no answer'})`);
    await sleep(100);
  }
}

test('start-up: a server waits for a PostgreSQL that comes up late, saying what it waits for, then serves', { timeout: 90_000 }, async () => {
  const postgres = await ownPostgres();
  const { port, env } = await serverEnv({ DATABASE_URL: postgres.url(), DATABASE_WAIT_SECONDS: '60' });
  const server = runServer(env);
  try {
    for (const deadline = Date.now() + 30_000; !/waiting for PostgreSQL to accept connections/.test(server.output); await sleep(100)) {
      assert.ok(Date.now() < deadline, `no word of waiting within 30 s:\n${server.output}`);
    }
    // It keeps waiting, and keeps saying so, rather than giving up.
    await sleep(2000);
    assert.ok((server.output.match(/waiting for PostgreSQL/g) ?? []).length >= 2, server.output);
    await postgres.start();
    const ready = await until(`http://127.0.0.1:${port}/api/health/ready`, 200, 60_000);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
  } finally {
    assert.equal(await server.stop(), 0, server.output);
    await postgres.close();
  }
});

test('start-up: a server refuses a Redis without AOF in one line, naming the way out', { skip: noRedisServer, timeout: 60_000 }, async () => {
  const redis = await ownRedis({ appendonly: false });
  await redis.start();
  // The Redis check comes first: no database is needed to see it refused.
  const { env } = await serverEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', REDIS_URL: redis.url });
  const server = runServer(env);
  try {
    assert.equal(await server.exited, 1, server.output);
    const lines = server.output.trim().split('\n');
    assert.match(lines.at(-1)!, /^Redis at 127\.0\.0\.1:\d+ has no append-only file \(appendonly no\).*REDIS_REQUIRE_AOF=false/, server.output);
  } finally {
    await redis.close();
  }
});

test('readiness follows Redis: 503 naming redis while it is away, 200 once it is back', { skip: noRedisServer, timeout: 90_000 }, async () => {
  const [postgres, redis] = [await ownPostgres(), await ownRedis({ appendonly: true })];
  await Promise.all([postgres.start(), redis.start()]);
  const { port, env } = await serverEnv({ DATABASE_URL: postgres.url(), REDIS_URL: redis.url });
  const server = runServer(env);
  const ready = `http://127.0.0.1:${port}/api/health/ready`;
  try {
    await until(ready, 200, 60_000);
    await redis.stop('SIGKILL');
    const away = await until(ready, 503, 5000);
    assert.deepEqual(((await away.json()) as { failed: string[] }).failed, ['redis']);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    assert.equal(health.status, 200, '/api/health keeps its contract: the database answers');
    await redis.start();
    await until(ready, 200, 5000);
  } finally {
    assert.equal(await server.stop(), 0, server.output);
    await Promise.all([postgres.close(), redis.close()]);
  }
});

test('faults: PostgreSQL restarts (fast, then immediate) during a purchase load through two processes lose no paid order, keep both running, answer 503 with Retry-After, and sales resume within 5 s; the card form outlives a killed process', {
  skip: noRedisServer,
  timeout: 120_000,
}, async () => {
  const cluster = await startCluster({ apps: 2, maxConnections: 50 });
  const load = await createShow(cluster.apps[0]!.base, ADMIN_TOKEN).then((show) => ({
    show,
    run: startLoad(
      {
        apps: cluster.apps.map((a) => a.base),
        pay: cluster.payOrigin,
        performanceId: show.performanceId,
        seatCategoryId: show.seatCategoryId,
        gaAreaId: show.gaAreaId,
      },
      { buyers: 8, thinkMs: 150, runId: `t${process.pid}` },
    ),
  }));
  try {
    await sleep(4000);
    assert.ok(load.run.paid.size > 0, `purchases before the faults: ${JSON.stringify(Object.fromEntries(load.run.unexpected))}`);
    for (const mode of ['fast', 'immediate'] as const) {
      const from = load.run.failures.length;
      await cluster.postgres.stop(mode);
      // Whatever the buyers happen to be doing (many wait in the line, which needs no SQL), a
      // request that needs the database is told to come back, by both processes.
      for (const app of cluster.apps) {
        const answer = await fetch(`${app.base}/api/events`);
        assert.equal(answer.status, 503, `${mode}: ${app.name} during the outage`);
        assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'database_unavailable');
        assert.ok(Number(answer.headers.get('retry-after')) > 0, `${mode}: Retry-After`);
      }
      await sleep(2000);
      await cluster.postgres.start();
      const back = Date.now();
      let resumed: number | undefined;
      for (const deadline = back + 15_000; resumed === undefined && Date.now() < deadline; await sleep(100)) resumed = resumedAfter(load.run, back);
      console.log(`# metric ${mode} shutdown: sales resumed ${resumed?.toFixed(1)} s after PostgreSQL answered again`);
      assert.ok(resumed !== undefined && resumed <= 5, `${mode}: sales resumed after ${resumed} s`);
      const failures = load.run.failures.slice(from);
      assert.deepEqual(
        failures.filter((f) => f.status >= 500 && f.status !== 503),
        [],
        `${mode}: no other 5xx`,
      );
      assert.deepEqual(
        cluster.apps.map((a) => a.alive()),
        [true, true],
        `${mode}: both processes run`,
      );
    }
    // Every process serves the card form on the shared port: one killed, the other still answers.
    await cluster.apps[0]!.kill('SIGKILL');
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`${cluster.payOrigin}/health`)).status, 200, 'the card form outlives a killed process');
    const killedAt = Date.now();
    for (const deadline = killedAt + 10_000; resumedAfter(load.run, killedAt) === undefined && Date.now() < deadline; ) await sleep(100);
    assert.notEqual(resumedAfter(load.run, killedAt), undefined, 'purchases go on through the other process');
    await load.run.stop();
    const books = await invariants(cluster.databaseUrl, load.show.performanceId, [...load.run.paid.keys()]);
    console.log(`# metric faults test: ${load.run.paid.size} purchases paid through two PostgreSQL restarts and a killed process`);
    assert.deepEqual(
      {
        seatsSoldTwice: books.seatsSoldTwice,
        gaOverCapacity: books.gaOverCapacity,
        paidWithoutTickets: books.paidWithoutTickets,
        paidSeenMissing: books.paidSeenMissing,
      },
      { seatsSoldTwice: 0, gaOverCapacity: 0, paidWithoutTickets: 0, paidSeenMissing: 0 },
    );
    assert.equal(books.paidOrders, load.run.paid.size, 'every paid order in the database was seen paid by its buyer');
  } finally {
    await load.run.stop(true);
    await cluster.close();
  }
});

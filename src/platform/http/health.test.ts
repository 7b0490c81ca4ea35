import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { ADMIN_TOKEN, TEST_SECRET, testApp, type TestApp } from '../../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../../tests/helpers/database.js';
import { closeContext, createContext } from '../context.js';
import { connect } from '../database.js';
import { markDraining } from './health.routes.js';

let t: TestApp;
before(async () => {
  if (databaseAvailable) t = await testApp();
});
after(async () => {
  await t?.close();
});

test('health: /api/health keeps its contract, live answers, ready lists its checks', { skip: !databaseAvailable && skipReason }, async () => {
  const health = await t.app.inject('/api/health');
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok', database: t.database.kind });
  assert.deepEqual((await t.app.inject('/api/health/live')).json(), { status: 'ok' });
  const ready = await t.app.inject('/api/health/ready');
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.headers['cache-control'], 'no-store');
  assert.deepEqual(ready.json(), {
    status: 'ready',
    failed: [],
    checks: { database: 'ok', redis: 'not_configured', migrations: 'ok', draining: false },
  });
});

test('health: after SIGTERM, ready answers 503 naming draining', { skip: !databaseAvailable && skipReason }, async () => {
  markDraining(t.ctx);
  const ready = await t.app.inject('/api/health/ready');
  assert.equal(ready.statusCode, 503);
  assert.deepEqual(ready.json().failed, ['draining']);
  assert.equal((await t.app.inject('/api/health/live')).statusCode, 200, 'a draining process is still alive');
  // Requests still arriving on open connections are served, and close their connection behind them.
  const served = await t.app.inject('/api/events');
  assert.equal(served.statusCode, 200);
  assert.equal(served.headers.connection, 'close');
});

test('health: with the database away, every route answers 503 database_unavailable with Retry-After; live still answers 200; ready names the database', async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-test-')),
    TAQUILLA_SECRET: TEST_SECRET,
    TAQUILLA_ADMIN_TOKEN: ADMIN_TOKEN,
    // Port 1 on loopback: nothing listens, so every connection is refused.
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/taquilla',
    SHIELD_ENABLED: 'false',
  });
  const db = connect(config.databaseUrl!, 2);
  const ctx = createContext(config, db, 'external', { log: () => {} });
  const app = await buildApp(ctx, { logger: false });
  try {
    for (const url of ['/api/health', '/api/events', '/api/performances/00000000-0000-4000-8000-000000000000/availability']) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 503, `${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'database_unavailable', url);
      assert.equal(res.headers['retry-after'], '2', url);
    }
    const holdId = '00000000-0000-4000-8000-000000000000';
    const order = await app.inject({
      method: 'POST',
      url: `/api/holds/${holdId}/order`,
      headers: { 'idempotency-key': 'k-0123456789', authorization: `Bearer ${ctx.holdAccess.tokenFor(holdId)}` },
      payload: { buyer: { name: 'Ana', email: 'ana@example.com', locale: 'es' } },
    });
    assert.equal(order.statusCode, 503, order.body);
    assert.equal(order.json().error.code, 'database_unavailable');
    assert.equal((await app.inject('/api/health/live')).statusCode, 200);
    const ready = await app.inject('/api/health/ready');
    assert.equal(ready.statusCode, 503);
    assert.deepEqual(ready.json().failed, ['database', 'migrations']);
  } finally {
    await app.close();
    await closeContext(ctx);
    await db.destroy();
  }
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { databaseAvailable, skipReason, testDatabase } from './helpers/database.js';
import { freePort } from './helpers/net.js';
import { call } from './helpers/http.js';
import { dropRedisKeys, redisReachable, testRedisUrl } from './helpers/redis.js';
import { runServer, waitFor } from './helpers/process.js';

const redisUrl = testRedisUrl;
const ADMIN = 'processes-admin-token-0123456789abcdef0123';

const skip = !databaseAvailable ? skipReason : !(await redisReachable()) ? `no Redis at ${redisUrl}` : false;

const fanAddress = (i: number) => `127.31.${i}.1`;

test('waiting room: two app processes on one Redis admit each fan once and share the per-minute bound', { skip, timeout: 120_000 }, async () => {
  const database = await testDatabase(1);
  await database.db.destroy();
  const prefix = `taquilla:test:${randomBytes(4).toString('hex')}:`;
  const env = async () => ({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    // The machine's shared Redis may run without AOF; losing this test's line on a restart is fine.
    REDIS_REQUIRE_AOF: 'false',
    TAQUILLA_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    TAQUILLA_SECRET: 'processes-secret-0123456789abcdef0123456789',
    TAQUILLA_ADMIN_TOKEN: ADMIN,
    TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-proc-')),
    PORT: String(await freePort()),
    PAYMENT_PORT: String(await freePort()),
  });
  const [envA, envB] = [await env(), await env()];
  const [a, b] = [runServer(envA), runServer(envB)];
  const bases = [`http://127.0.0.1:${envA.PORT}`, `http://127.0.0.1:${envB.PORT}`];
  const admin = { authorization: `Bearer ${ADMIN}` };
  try {
    for (const base of bases) await waitFor(`${base}/api/health`, Date.now() + 30_000);
    const [base] = bases as [string];
    const venue = await call(base, 'POST', '/api/admin/venues', { name: 'Hall', seats: [], gaAreas: [{ name: 'Floor', capacity: 500 }] }, admin);
    const event = await call(
      base,
      'POST',
      '/api/admin/events',
      { slug: 'two-nodes', title: 'Two nodes', priceCategories: [{ name: 'Floor', price: 1000, currency: 'EUR' }] },
      admin,
    );
    const gaAreaId = (await call(base, 'GET', `/api/admin/venues/${venue.json.id}`, undefined, admin)).json.gaAreas[0].id;
    const performance = await call(
      base,
      'POST',
      `/api/admin/events/${event.json.id}/performances`,
      {
        venueId: venue.json.id,
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        onSaleAt: new Date(Date.now() - 60_000).toISOString(),
        pricing: [{ categoryId: event.json.priceCategories[0].id, gaAreaIds: [gaAreaId] }],
      },
      admin,
    );
    assert.equal(performance.status, 201, JSON.stringify(performance.json));
    const id = performance.json.id as string;
    // Its on-sale time has passed, so the processes' sales schedule may open it before the operator does.
    const opened = await call(base, 'POST', `/api/admin/performances/${id}/open`, {}, admin);
    assert.ok(opened.status === 200 || opened.json.error?.status === 'on_sale', JSON.stringify(opened.json));
    const bounds = await call(
      base,
      'PUT',
      `/api/admin/performances/${id}/queue`,
      { maxAdmissionsPerMinute: 120, maxInCheckout: 1000, graceSeconds: 600, startLimitSeconds: 600 },
      admin,
    );
    assert.equal(bounds.status, 200, JSON.stringify(bounds.json));

    // 40 fans join through both processes, then keep polling through both.
    const started = Date.now();
    const tickets: string[] = [];
    for (let i = 0; i < 40; i++) {
      const joined = await call(bases[i % 2]!, 'POST', `/api/performances/${id}/queue`, undefined, { 'x-queue-key': `fan-${i}-${prefix}` }, fanAddress(i));
      assert.equal(joined.status, 201, JSON.stringify(joined.json));
      tickets.push(joined.json.queueTicket);
    }
    const admitted = new Set<number>();
    for (let round = 0; round < 12; round++) {
      await new Promise((r) => setTimeout(r, 1000));
      // Before the last round, admissions stop, so the counters can be compared with what fans saw.
      if (round === 10) assert.equal((await call(base, 'POST', `/api/admin/performances/${id}/queue/pause`, {}, admin)).status, 200);
      await Promise.all(
        tickets.map(async (ticket, i) => {
          const status = await call(bases[(i + round) % 2]!, 'GET', '/api/queue/status', undefined, { authorization: `Queue ${ticket}` }, fanAddress(i));
          assert.equal(status.status, 200, JSON.stringify(status.json));
          if (status.json.state === 'admitted') admitted.add(i);
        }),
      );
    }
    const elapsedMinutes = (Date.now() - started) / 60_000;
    const [viewA, viewB] = await Promise.all(bases.map((base) => call(base, 'GET', `/api/admin/performances/${id}/queue`, undefined, admin)));
    // One shared line: both processes see the same counters, and each admission counted once.
    assert.equal(viewA!.json.served, viewB!.json.served);
    assert.equal(viewA!.json.joined, 40);
    console.log(
      `# metric two processes: ${admitted.size} of 40 admitted in ${(elapsedMinutes * 60).toFixed(1)} s at 120 a minute (served ${viewA!.json.served} / ${viewB!.json.served})`,
    );
    assert.ok(admitted.size > 0, 'admissions happened');
    assert.equal(viewA!.json.served, admitted.size, 'every admitted fan was admitted once');
    // Two processes ticking must not double the rate: 120 a minute, shared.
    assert.ok(admitted.size <= Math.ceil(120 * elapsedMinutes) + 2, `${admitted.size} admitted in ${(elapsedMinutes * 60).toFixed(1)} s`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await dropRedisKeys(prefix);
    await database.drop();
  }
});

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
const ADMIN = 'schedule-admin-token-0123456789abcdef01234';
const FANS = 12;

const skip = !databaseAvailable ? skipReason : !(await redisReachable()) ? `no Redis at ${redisUrl}; two processes share their line through it` : false;

const fanAddress = (i: number) => `127.32.${i}.1`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('sales schedule: two app processes open the sale at its on-sale time within a second, once, and draw the pre-queue then', {
  skip,
  timeout: 60_000,
}, async () => {
  const database = await testDatabase(2);
  const prefix = `taquilla:test:${randomBytes(4).toString('hex')}:`;
  const env = async () => ({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    // The machine's shared Redis may run without AOF; losing this test's line on a restart is fine.
    REDIS_REQUIRE_AOF: 'false',
    TAQUILLA_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    TAQUILLA_SECRET: 'schedule-secret-0123456789abcdef0123456789',
    TAQUILLA_ADMIN_TOKEN: ADMIN,
    TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-schedule-')),
    PORT: String(await freePort()),
    PAYMENT_PORT: String(await freePort()),
  });
  const [envA, envB] = [await env(), await env()];
  const processes = [runServer(envA), runServer(envB)];
  const bases = [`http://127.0.0.1:${envA.PORT}`, `http://127.0.0.1:${envB.PORT}`] as const;
  const admin = { authorization: `Bearer ${ADMIN}` };
  try {
    for (const base of bases) await waitFor(`${base}/api/health`, Date.now() + 30_000);
    const [base] = bases;
    const venue = await call(base, 'POST', '/api/admin/venues', { name: 'Hall', seats: [], gaAreas: [{ name: 'Floor', capacity: 500 }] }, admin);
    const event = await call(
      base,
      'POST',
      '/api/admin/events',
      { slug: 'sales-open-at-nine', title: 'Nine', priceCategories: [{ name: 'Floor', price: 1000, currency: 'EUR' }] },
      admin,
    );
    const gaAreaId = (await call(base, 'GET', `/api/admin/venues/${venue.json.id}`, undefined, admin)).json.gaAreas[0].id as string;
    const performance = await call(
      base,
      'POST',
      `/api/admin/events/${event.json.id}/performances`,
      {
        venueId: venue.json.id,
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        onSaleAt: new Date(Date.now() + 3_600_000).toISOString(),
        pricing: [{ categoryId: event.json.priceCategories[0].id, gaAreaIds: [gaAreaId] }],
      },
      admin,
    );
    assert.equal(performance.status, 201, JSON.stringify(performance.json));
    const id = performance.json.id as string;
    const room = await call(
      base,
      'PUT',
      `/api/admin/performances/${id}/queue`,
      { enabled: true, maxAdmissionsPerMinute: 600, maxInCheckout: 1000, graceSeconds: 600, startLimitSeconds: 600 },
      admin,
    );
    assert.equal(room.status, 200, JSON.stringify(room.json));

    // Fans wait in the pre-queue, through both processes; each asks for its status once, as the page does.
    const tickets: string[] = [];
    for (let i = 0; i < FANS; i++) {
      const joined = await call(bases[i % 2]!, 'POST', `/api/performances/${id}/queue`, undefined, { 'x-queue-key': `fan-${i}-${prefix}` }, fanAddress(i));
      assert.equal(joined.status, 201, JSON.stringify(joined.json));
      assert.equal(joined.json.state, 'pre_queue');
      tickets.push(joined.json.queueTicket);
    }
    const statuses = (round: number) =>
      Promise.all(
        tickets.map(async (ticket, i) => {
          const answer = await call(bases[(i + round) % 2]!, 'GET', '/api/queue/status', undefined, { authorization: `Queue ${ticket}` }, fanAddress(i));
          assert.equal(answer.status, 200, JSON.stringify(answer.json));
          return answer.json;
        }),
      );
    assert.ok((await statuses(0)).every((s) => s.state === 'pre_queue'));
    for (const b of bases) {
      const early = await call(b, 'POST', `/api/performances/${id}/holds`, { gaAreaId, quantity: 1 });
      assert.ok(early.status === 409 || early.status === 403, `no hold before the on-sale time: ${JSON.stringify(early.json)}`);
    }

    // "Sales open at 9:00": a whole second, three seconds from now.
    const onSaleAt = Math.ceil(Date.now() / 1000) * 1000 + 3000;
    const moved = await call(base, 'PATCH', `/api/admin/performances/${id}`, { onSaleAt: new Date(onSaleAt).toISOString() }, admin);
    assert.equal(moved.status, 200, JSON.stringify(moved.json));

    // Each process's availability (the cached read the pages poll) and its fresh performance read.
    const seen: Record<string, number> = {};
    // Each watcher polls from an address of its own, within the shield's browsing limit.
    const watch = async (name: string, b: string, path: string, from: string) => {
      while (Date.now() < onSaleAt + 5000) {
        const polled = await call(b, 'GET', path, undefined, {}, from);
        if (polled.json.status === 'on_sale') {
          seen[name] = Date.now() - onSaleAt;
          return;
        }
        assert.equal(polled.json.status, 'scheduled', JSON.stringify(polled.json));
        await sleep(40);
      }
    };
    await sleep(onSaleAt - Date.now() - 300);
    await Promise.all(
      bases.flatMap((b, i) => [
        watch(`availability ${'AB'[i]}`, b, `/api/performances/${id}/availability/status`, `127.33.${i}.1`),
        watch(`performance ${'AB'[i]}`, b, `/api/performances/${id}`, `127.33.${i}.2`),
      ]),
    );
    console.log(`# metric on sale after the on-sale time, ms: ${JSON.stringify(seen)}`);
    assert.equal(Object.keys(seen).length, 4, `every process went on sale: ${JSON.stringify(seen)}`);
    for (const [name, ms] of Object.entries(seen)) assert.ok(ms >= 0 && ms < 1000, `${name} on sale ${ms} ms after the on-sale time`);

    // The fans' answers move on: drawn into the line, then admitted, without joining again.
    let admitted: { i: number; accessToken: string }[] = [];
    let drawnAfter: number | undefined;
    for (let round = 1; Date.now() < onSaleAt + 10_000 && admitted.length < 2; round++) {
      const answers = await statuses(round);
      if (drawnAfter === undefined && answers.every((s) => s.state !== 'pre_queue')) drawnAfter = Date.now() - onSaleAt;
      admitted = answers.flatMap((s, i) => (s.state === 'admitted' ? [{ i, accessToken: s.accessToken as string }] : []));
      await sleep(200);
    }
    console.log(`# metric pre-queue drawn (every fan out of it) ${drawnAfter} ms after the on-sale time; ${admitted.length} admitted`);
    assert.ok(drawnAfter !== undefined && drawnAfter < 1500, `fans left the pre-queue ${drawnAfter} ms after the on-sale time`);
    assert.ok(admitted.length >= 2, 'fans were admitted');

    // Holds go through on both processes.
    for (const [n, fan] of admitted.slice(0, 2).entries()) {
      const held = await call(
        bases[n]!,
        'POST',
        `/api/performances/${id}/holds`,
        { gaAreaId, quantity: 1 },
        { 'x-access-token': fan.accessToken },
        fanAddress(fan.i),
      );
      assert.equal(held.status, 201, `hold through process ${'AB'[n]}: ${JSON.stringify(held.json)}`);
    }

    // Exactly once across the processes: one opening by the system, one draw of every fan.
    const entries = await database.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'data'])
      .where('subject_id', '=', id)
      .where('action', 'in', ['catalog.performance.opened', 'waiting_room.opened'])
      .orderBy('id')
      .execute();
    assert.deepEqual(entries, [
      {
        actor: 'system',
        action: 'catalog.performance.opened',
        data: { from: 'scheduled', to: 'on_sale', schedule: 'onSaleAt', at: new Date(onSaleAt).toISOString() },
      },
      { actor: 'system', action: 'waiting_room.opened', data: { entrants: FANS } },
    ]);
  } finally {
    const codes = await Promise.all(processes.map((p) => p.stop()));
    if (codes.some((c) => c !== 0)) console.log(processes.map((p) => p.output).join('\n'));
    await dropRedisKeys(prefix);
    await database.drop();
  }
});

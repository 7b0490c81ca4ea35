import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold } from '../../tests/helpers/fixtures.js';
import { poolCheckouts } from '../platform/metrics.js';
import { holdWith, join, joinMany, roomShow, roomView, status } from './waiting-room.fixtures.js';

describe('waiting room: joining, status and the holds gate', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('waiting room: re-joining with the same device key gives the same ticket and place', async () => {
    const show = await roomShow(t, { maxAdmissionsPerMinute: 1 });
    const [first, second] = await joinMany(t.app, show.performanceId, 2, 'rejoin');
    const again = await join(t.app, show.performanceId, first!.key);
    assert.equal(again.queueTicket, first!.queueTicket);
    assert.equal(again.state, 'waiting');
    const both = await Promise.all([join(t.app, show.performanceId, 'racing-key-1'), join(t.app, show.performanceId, 'racing-key-1')]);
    assert.equal(both[0].queueTicket, both[1].queueTicket, 'two joins at once still get one place');
    assert.equal((await status(t.app, second!.queueTicket)).position, 2);
    assert.equal((await status(t.app, both[0].queueTicket)).position, 3);
    assert.equal((await roomView(t.app, show.performanceId)).joined, 3);
  });

  test('waiting room: a forged or altered queue ticket gets 401 invalid_queue_ticket', async () => {
    const show = await roomShow(t);
    const [, fan] = await joinMany(t.app, show.performanceId, 2, 'honest');
    const [version, kid, payload, mac] = fan!.queueTicket.split('.') as [string, string, string, string];
    const bytes = Buffer.from(payload, 'base64url');
    assert.equal(bytes.readUIntBE(32, 6), 2, 'the second fan');
    bytes.writeUIntBE(1, 32, 6);
    const tries = [
      `Queue ${version}.${kid}.${bytes.toString('base64url')}.${mac}`,
      `Queue ${fan!.queueTicket.slice(0, -2)}AA`,
      `Queue Q1.q1.${'A'.repeat(60)}.${'A'.repeat(43)}`,
      `Bearer ${fan!.queueTicket}`,
      undefined,
    ];
    for (const authorization of tries) {
      const res = await t.app.inject({ url: '/api/queue/status', headers: authorization ? { authorization } : {} });
      assert.equal(res.statusCode, 401, String(authorization));
      assert.equal(res.json().error.code, 'invalid_queue_ticket');
    }
    const badKey = await t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/queue`, headers: { 'x-queue-key': 'short' } });
    assert.equal(badKey.statusCode, 400);
    assert.equal(badKey.json().error.field, 'headers.x-queue-key');
    // Without a key the ticket itself is the identity (the waiting room's contract has no key): a new place each time.
    const keyless = await Promise.all([1, 2].map(() => t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/queue` })));
    for (const res of keyless) assert.equal(res.statusCode, 201, res.body);
    assert.notEqual(keyless[0]!.json().queueTicket, keyless[1]!.json().queueTicket);
    assert.equal((await status(t.app, keyless[1]!.json().queueTicket)).state, 'waiting');
  });

  test('waiting room: a performance without an on-sale time has no room and sells as before', async () => {
    const show = await createShow(t.app);
    const res = await t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/queue`, headers: { 'x-queue-key': 'no-room-fan' } });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'no_waiting_room');
    assert.equal((await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).statusCode, 201);
    const view = await roomView(t.app, show.performanceId);
    assert.equal(view.enabled, false);
    assert.equal(view.state, null);
  });

  test('waiting room: holds without an access token get 403 not_admitted; with one they succeed', async () => {
    const show = await roomShow(t);
    const other = await roomShow(t);
    const fan = await join(t.app, show.performanceId, 'buying-fan-1');
    const refused = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'not_admitted');
    await t.ctx.waitingRoom.tick();
    const admitted = await status(t.app, fan.queueTicket);
    assert.equal(admitted.state, 'admitted');
    assert.ok(admitted.accessToken);
    assert.equal((await join(t.app, show.performanceId, fan.key)).state, 'admitted', 're-joining tells an admitted fan so');
    for (const token of ['A1.q1.nope.nope', `${admitted.accessToken}x`]) {
      assert.equal((await holdWith(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 }, token)).statusCode, 403);
    }
    const elsewhere = await holdWith(t.app, other.performanceId, { gaAreaId: other.gaAreaId, quantity: 1 }, admitted.accessToken);
    assert.equal(elsewhere.statusCode, 403, 'a token is for its own performance only');
    const ok = await holdWith(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 }, admitted.accessToken);
    assert.equal(ok.statusCode, 201, ok.body);
    const view = await roomView(t.app, show.performanceId);
    assert.equal(view.admitted, 1);
    assert.equal(view.conversion, 1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', show.performanceId)
      .where('action', 'like', 'waiting_room.%')
      .execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['waiting_room.created', 'waiting_room.opened']);
  });

  test('waiting room: the status path issues no SQL (1,000 status calls, zero queries)', async () => {
    const show = await roomShow(t, { maxAdmissionsPerMinute: 60 });
    const fans = await joinMany(t.app, show.performanceId, 20, 'nosql');
    await t.ctx.waitingRoom.tick();
    // Every statement Kysely runs first checks a connection out of the pool: count the checkouts.
    const counted = async () => (await poolCheckouts.get()).values[0]?.value ?? 0;
    const before = await counted();
    const answers = [];
    for (let i = 0; i < 1000; i++)
      answers.push(await t.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fans[i % fans.length]!.queueTicket}` } }));
    assert.ok(answers.every((r) => r.statusCode === 200 && r.headers['cache-control'] === 'no-store'));
    assert.ok(answers.some((r) => r.json().state === 'admitted') && answers.some((r) => r.json().state === 'waiting'));
    const summary = await t.app.inject(`/api/performances/${show.performanceId}/queue/summary`);
    assert.equal(summary.headers['cache-control'], 'public, max-age=2');
    assert.equal(summary.json().waiting, 19);
    assert.equal((await counted()) - before, 0, 'status and summary answered from memory');
    await t.app.inject(`/api/performances/${show.performanceId}/availability`);
    assert.ok((await counted()) - before > 0, 'the counter does see queries (availability makes some)');
  });

  test('waiting room: the operator switches a room on and off and changes its bounds', async () => {
    const show = await createShow(t.app);
    const put = (payload: object) => t.app.inject({ method: 'PUT', url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin, payload });
    const on = await put({ enabled: true, maxInCheckout: 50, maxAdmissionsPerMinute: 120 });
    assert.equal(on.statusCode, 200, on.body);
    assert.deepEqual(
      { enabled: on.json().enabled, state: on.json().state, bounds: on.json().bounds },
      { enabled: true, state: 'open', bounds: { maxInCheckout: 50, maxAdmissionsPerMinute: 120, graceSeconds: 60, startLimitSeconds: 120 } },
    );
    assert.equal((await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).statusCode, 403);
    assert.equal((await put({ enabled: false })).json().enabled, false);
    assert.equal((await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).statusCode, 201, 'switched off, it sells as before');
    assert.equal((await put({ maxInCheckout: 0 })).statusCode, 400);
    assert.equal((await put({})).statusCode, 400);
    assert.equal((await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/queue` })).statusCode, 401);
  });
});

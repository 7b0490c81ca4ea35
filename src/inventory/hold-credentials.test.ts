import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { buyer, createShow, hold } from '../../tests/helpers/fixtures.js';

describe('hold credentials', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test("holds: a hold's id alone neither shows, releases nor orders it; its own holdToken does", async () => {
    const show = await createShow(t.app);
    const mine = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 })).json();
    const other = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json();
    assert.match(mine.holdToken, /^[A-Za-z0-9_-]{43}$/);
    const url = `/api/holds/${mine.holdId}`;
    for (const headers of [{}, bearer(other.holdToken), bearer(`${mine.holdToken}x`), { authorization: mine.holdToken }]) {
      const seen = await t.app.inject({ url, headers });
      assert.equal(seen.statusCode, 401, seen.body);
      assert.equal(seen.json().error.code, 'unauthorized');
      assert.doesNotMatch(seen.body, /items|expiresAt/, 'nothing about the hold is shown');
      assert.equal((await t.app.inject({ method: 'DELETE', url, headers })).statusCode, 401);
      const ordered = await t.app.inject({ method: 'POST', url: `${url}/order`, headers: { ...headers, 'idempotency-key': 'thief' }, payload: { buyer } });
      assert.equal(ordered.statusCode, 401);
    }
    // An unknown hold answers like a wrong token: ids cannot be probed.
    const unknown = await t.app.inject({ url: '/api/holds/00000000-0000-4000-8000-000000000000', headers: bearer(mine.holdToken) });
    assert.equal(unknown.statusCode, 401);
    const orders = await t.ctx.db.selectFrom('orders').select('id').where('hold_id', '=', mine.holdId).execute();
    assert.equal(orders.length, 0, 'no order was made from the stolen id');

    const seen = await t.app.inject({ url, headers: bearer(mine.holdToken) });
    assert.equal(seen.statusCode, 200);
    assert.equal(seen.json().status, 'active');
    assert.equal(seen.json().holdToken, undefined, 'the token is shown once, when the hold is made');
    assert.equal((await t.app.inject({ method: 'DELETE', url, headers: bearer(mine.holdToken) })).statusCode, 204);
    const entry = await t.ctx.db.selectFrom('audit_log').selectAll().where('subject_id', '=', mine.holdId).executeTakeFirstOrThrow();
    assert.equal(entry.action, 'inventory.hold.released');
    assert.equal(entry.actor, 'hold_token', 'the audit names the credential, not a "buyer" nobody checked');
  });

  test('holds: the same Idempotency-Key returns the same hold and token, even from retries racing; another request with it is refused', async () => {
    const show = await createShow(t.app);
    const ask = (body: object, key: string) =>
      t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/holds`, headers: { 'idempotency-key': key }, payload: body });
    const body = { categoryId: show.categories.Front, quantity: 2 };
    const answers = await Promise.all(Array.from({ length: 6 }, () => ask(body, 'retry-me')));
    for (const a of answers) assert.equal(a.statusCode, 201, a.body);
    const first = answers[0]!.json();
    for (const a of answers) assert.deepEqual(a.json(), first);
    const holds = await t.ctx.db.selectFrom('holds').select('id').where('idempotency_key', '=', 'retry-me').execute();
    assert.equal(holds.length, 1, 'one hold however many retries');
    const held = await t.ctx.db.selectFrom('performance_seats').select('seat_id').where('hold_id', '=', first.holdId).execute();
    assert.equal(held.length, 2);

    const reused = await ask({ categoryId: show.categories.Front, quantity: 3 }, 'retry-me');
    assert.equal(reused.statusCode, 409);
    assert.equal(reused.json().error.code, 'idempotency_key_reused');
    const elsewhere = await createShow(t.app);
    const otherShow = await t.app.inject({
      method: 'POST',
      url: `/api/performances/${elsewhere.performanceId}/holds`,
      headers: { 'idempotency-key': 'retry-me' },
      payload: { categoryId: elsewhere.categories.Front, quantity: 2 },
    });
    assert.equal(otherShow.statusCode, 409);
    // Without a key every request is a new hold, as before.
    const a = (await ask(body, '')).statusCode;
    assert.equal(a, 400, 'an empty key is refused, not taken as no key');
  });
});

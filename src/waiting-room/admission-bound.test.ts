import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow } from '../../tests/helpers/fixtures.js';
import { join, roomShow, status } from './waiting-room.fixtures.js';

describe('waiting room: what one admission may hold', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  /** A room with an order limit of 4, and one fan admitted: its access token. */
  async function admitted(key: string) {
    const show = await roomShow(t, {}, await createShow(t.app, { rows: 4, perRow: 10, gaCapacity: 100, maxTicketsPerOrder: 4 }));
    const fan = await join(t.app, show.performanceId, key);
    await t.ctx.waitingRoom.tick();
    const { accessToken } = await status(t.app, fan.queueTicket);
    assert.ok(accessToken, 'admitted');
    const holdFrom = (address: string, quantity: number, token = accessToken as string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        remoteAddress: address,
        headers: { 'x-access-token': token },
        payload: { gaAreaId: show.gaAreaId, quantity },
      });
    return { show, fan, accessToken: accessToken as string, holdFrom };
  }

  test("waiting room: one admission holds at most an order's worth across its holds, from any address; refusals are audited", async () => {
    const { show, fan, holdFrom } = await admitted('bound-fan-1');
    const first = await holdFrom('198.51.100.1', 3);
    assert.equal(first.statusCode, 201, first.body);
    const tooMany = await holdFrom('198.51.100.2', 2);
    assert.equal(tooMany.statusCode, 409, tooMany.body);
    assert.equal(tooMany.json().error.code, 'admission_limit_reached');
    assert.equal(tooMany.json().error.limit, 4);
    assert.equal(tooMany.json().error.holding, 3);
    assert.equal((await holdFrom('203.0.113.9', 1)).statusCode, 201, 'up to the limit, from anywhere');
    assert.equal((await holdFrom('203.0.113.10', 1)).statusCode, 409);

    // A released hold no longer counts.
    const released = await t.app.inject({
      method: 'DELETE',
      url: `/api/holds/${first.json().holdId}`,
      headers: { authorization: `Bearer ${first.json().holdToken}` },
    });
    assert.equal(released.statusCode, 204);
    assert.equal((await holdFrom('198.51.100.3', 3)).statusCode, 201);

    const refusals = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'waiting_room.admission.hold_refused')
      .where('subject_id', '=', show.performanceId)
      .execute();
    assert.equal(refusals.length, 2);
    assert.equal(refusals[0]!.actor, `admission:${fan.ticketId}`);
    assert.deepEqual({ ...refusals[0]!.data, place: undefined }, { ticketId: fan.ticketId, holding: 3, requested: 2, limit: 4, place: undefined });
  });

  test('waiting room: 30 holds of 1 sent at once with one access token get exactly an order’s worth', async () => {
    const { show, holdFrom } = await admitted('bound-fan-2');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => holdFrom(`198.51.${i}.1`, 1)));
    const codes = answers.map((a) => a.statusCode).sort();
    assert.equal(codes.filter((c) => c === 201).length, 4, codes.join());
    assert.equal(codes.filter((c) => c === 409).length, 26, codes.join());
    const held = await t.ctx.db
      .selectFrom('holds')
      .select((eb) => eb.fn.sum<number>('quantity').as('n'))
      .where('performance_id', '=', show.performanceId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    assert.equal(Number(held.n), 4);
    // Another fan's admission is counted on its own.
    const other = await join(t.app, show.performanceId, 'bound-fan-3');
    await t.ctx.waitingRoom.tick();
    const token = (await status(t.app, other.queueTicket)).accessToken as string;
    assert.equal((await holdFrom('192.0.2.1', 4, token)).statusCode, 201);
  });

  test("waiting room: a hold's Idempotency-Key replays only to the admission that made it", async () => {
    const { show, accessToken: mine } = await admitted('bound-fan-4');
    const body = { gaAreaId: show.gaAreaId, quantity: 2 };
    const ask = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        headers: { 'idempotency-key': 'fan-4-try', ...headers },
        payload: body,
      });
    const first = await ask({ 'x-access-token': mine });
    assert.equal(first.statusCode, 201, first.body);
    const again = await ask({ 'x-access-token': mine });
    assert.deepEqual(again.json(), first.json(), 'the same admission gets its hold back');
    const other = await join(t.app, show.performanceId, 'bound-fan-5');
    await t.ctx.waitingRoom.tick();
    const theirs = (await status(t.app, other.queueTicket)).accessToken as string;
    for (const headers of [{}, { 'x-access-token': theirs }] as Record<string, string>[]) {
      const stolen = await ask(headers);
      assert.equal(stolen.statusCode, 409, stolen.body);
      assert.equal(stolen.json().error.code, 'idempotency_key_reused');
      assert.ok(!stolen.body.includes(first.json().holdToken));
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../app.js';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order, type Show } from '../../tests/helpers/fixtures.js';
import { queueUnavailable } from './queue-store.js';
import { holdWith, join, joinMany, roomShow, roomView, status } from './waiting-room.fixtures.js';

const DAY = 86_400_000;

describe('waiting room: sell-out and the next performance', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  before(async () => {
    t = await testApp();
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });

  test('waiting room: sell-out reaches every fan in line', async () => {
    const show = await roomShow(t, { maxInCheckout: 1 }, await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 1 }));
    const fans = await joinMany(t.app, show.performanceId, 30, 'soldout');
    await t.ctx.waitingRoom.tick();
    const first = await status(t.app, fans[0]!.queueTicket);
    assert.equal(first.state, 'admitted');
    const long = await status(t.app, fans[29]!.queueTicket);
    assert.equal(long.message, 'There are 28 people ahead of you and 3 tickets left.');
    assert.equal(long.demand, 28, 'the number, for pages in other languages');

    // The first fan buys everything: both seats and the GA place.
    const held = await holdWith(t.app, show.performanceId, { seatIds: show.seats.map((s) => s.id), gaAreaId: show.gaAreaId, quantity: 1 }, first.accessToken);
    assert.equal(held.statusCode, 201, held.body);
    const created = (await order(t.app, held.json().holdId)).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${created.orderId}/payment`,
      payload: { token: await cardToken(payments, created.payment.sessionId) },
    });
    assert.equal(paid.json().status, 'paid', paid.body);

    await t.ctx.waitingRoom.tick();
    for (const fan of fans) assert.equal((await status(t.app, fan.queueTicket)).state, 'sold_out', fan.key);
    const late = await t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/queue`, headers: { 'x-queue-key': 'after-the-end' } });
    assert.deepEqual([late.statusCode, late.json().error.code, late.json().error.state], [409, 'queue_closed', 'sold_out']);
    assert.equal((await roomView(t.app, show.performanceId)).state, 'sold_out');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', show.performanceId)
      .where('action', '=', 'waiting_room.sold_out')
      .execute();
    assert.equal(audit.length, 1);
  });

  /** Another performance of the show's event, `days` from now, with an on-sale time in the future. */
  async function laterPerformance(show: Show, days: number): Promise<string> {
    const venueId = (await t.app.inject(`/api/events/${show.eventId}`)).json().performances[0].venue.id;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/admin/events/${show.eventId}/performances`,
      headers: admin,
      payload: {
        venueId,
        startsAt: new Date(Date.now() + days * DAY).toISOString(),
        onSaleAt: new Date(Date.now() + DAY).toISOString(),
        pricing: [{ categoryId: show.categories.Floor, gaAreaIds: [show.gaAreaId] }],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id;
  }

  test('waiting room: moving the line to the next performance keeps the order', async () => {
    const show = await roomShow(t, { maxInCheckout: 5 });
    const next = await laterPerformance(show, 31);
    const fans = await joinMany(t.app, show.performanceId, 20, 'move');
    await t.ctx.waitingRoom.tick();
    assert.equal((await roomView(t.app, show.performanceId)).served, 5);
    const early = await join(t.app, next, 'pre-queued-for-the-next-show');
    assert.equal(early.state, 'pre_queue');
    await t.ctx.db.updateTable('performances').set({ status: 'sold_out' }).where('id', '=', show.performanceId).execute();
    await t.ctx.waitingRoom.tick();
    assert.equal((await status(t.app, fans[10]!.queueTicket)).state, 'sold_out');

    const res = await t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/queue/move-to-next`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { from: show.performanceId, to: next, moved: 15 });
    assert.equal((await t.ctx.db.selectFrom('performances').select('status').where('id', '=', next).executeTakeFirstOrThrow()).status, 'on_sale');

    // Old tickets answer from the new room: position = old place - 5 served before the move.
    for (const [i, fan] of fans.entries()) {
      const answer = await status(t.app, fan.queueTicket);
      if (i < 5) assert.equal(answer.state, 'sold_out', `place ${i + 1} was served by the sold-out show`);
      else assert.deepEqual([answer.state, answer.performanceId, answer.position], ['waiting', next, i + 1 - 5], `place ${i + 1}`);
    }
    assert.equal((await status(t.app, early.queueTicket)).position, 16, "the next show's own pre-queue comes after the moved line");
    const newcomer = await join(t.app, show.performanceId, 'joined-after-the-move');
    assert.equal(newcomer.performanceId, next, 'joining the sold-out show joins the next one');
    assert.equal((await status(t.app, newcomer.queueTicket)).position, 17);
    assert.equal((await join(t.app, next, fans[7]!.key)).queueTicket, fans[7]!.queueTicket, 'a moved fan keeps one place');
    assert.equal((await join(t.app, show.performanceId, fans[7]!.key)).queueTicket, fans[7]!.queueTicket);

    // The new room admits in the same order, and its access tokens hold on the new performance only.
    await t.ctx.waitingRoom.tick();
    const served = (await roomView(t.app, next)).served;
    assert.equal(served, 10);
    for (const [i, fan] of fans.slice(5).entries()) assert.equal((await status(t.app, fan.queueTicket)).state, i < served ? 'admitted' : 'waiting');
    const token = (await status(t.app, fans[5]!.queueTicket)).accessToken;
    assert.equal((await hold(t.app, next, { gaAreaId: show.gaAreaId, quantity: 1 })).statusCode, 403);
    assert.equal((await holdWith(t.app, next, { gaAreaId: show.gaAreaId, quantity: 1 }, token)).statusCode, 201);
    const moved = await t.ctx.db
      .selectFrom('audit_log')
      .select('data')
      .where('subject_id', '=', show.performanceId)
      .where('action', '=', 'waiting_room.moved')
      .executeTakeFirstOrThrow();
    assert.deepEqual(moved.data, { to: next, moved: 15, shift: -5 });
    const again = await t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/queue/move-to-next`, headers: admin });
    assert.deepEqual([again.statusCode, again.json().error.code], [409, 'already_moved']);
  });

  test('waiting room: a move cut short by a store outage finishes when asked again, on the same performance', async () => {
    const show = await roomShow(t, { maxInCheckout: 2 });
    const next = await laterPerformance(show, 40);
    const later = await laterPerformance(show, 50);
    const fans = await joinMany(t.app, show.performanceId, 6, 'cut-short');
    await t.ctx.waitingRoom.tick();
    await t.ctx.db.updateTable('performances').set({ status: 'sold_out' }).where('id', '=', show.performanceId).execute();
    await t.ctx.waitingRoom.tick();

    // The store goes away after the next performance has opened, before the line moves.
    const store = t.ctx.waitingRoom.store;
    const moveLine = store.moveLine;
    store.moveLine = async () => {
      throw queueUnavailable();
    };
    const url = `/api/admin/performances/${show.performanceId}/queue/move-to-next`;
    let cut: Awaited<ReturnType<typeof t.app.inject>>;
    try {
      cut = await t.app.inject({ method: 'POST', url, headers: admin });
    } finally {
      store.moveLine = moveLine;
    }
    assert.deepEqual([cut.statusCode, cut.json().error.code, cut.headers['retry-after']], [503, 'queue_unavailable', '1'], cut.body);
    const statuses = await t.ctx.db.selectFrom('performances').select(['id', 'status']).where('id', 'in', [next, later]).execute();
    assert.deepEqual(
      Object.fromEntries(statuses.map((p) => [p.id, p.status])),
      { [next]: 'on_sale', [later]: 'scheduled' },
      'the first try opened the next one',
    );

    const retried = await t.app.inject({ method: 'POST', url, headers: admin });
    assert.equal(retried.statusCode, 200, retried.body);
    assert.deepEqual(retried.json(), { from: show.performanceId, to: next, moved: 4 }, 'the same target, not the one after it');
    for (const [i, fan] of fans.slice(2).entries())
      assert.deepEqual([(await status(t.app, fan.queueTicket)).performanceId, (await status(t.app, fan.queueTicket)).position], [next, i + 1]);
    const later2 = await t.ctx.db.selectFrom('performances').select('status').where('id', '=', later).executeTakeFirstOrThrow();
    assert.equal(later2.status, 'scheduled', 'the performance after it stays as it was');
    const opened = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', next)
      .where('action', '=', 'catalog.performance.opened')
      .execute();
    assert.equal(opened.length, 1, 'opened once');
  });
});

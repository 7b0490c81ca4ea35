import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow } from '../../tests/helpers/fixtures.js';
import { fakeClock, holdWith, joinMany, status } from '../waiting-room/waiting-room.fixtures.js';
import { createSalesSchedule } from './sales-schedule.js';

const quiet = { info: () => {}, error: (message: string, error: unknown) => assert.fail(`${message}: ${String(error)}`) };

describe('sales schedule', { skip: !databaseAvailable && skipReason }, () => {
  // Each test gets a database of its own: a pass changes every due performance, not only the test's.
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const patch = (app: TestApp['app'], id: string, payload: object) =>
    app.inject({ method: 'PATCH', url: `/api/admin/performances/${id}`, headers: admin, payload });
  const statusOf = async (app: TestApp, id: string) =>
    (await app.ctx.db.selectFrom('performances').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const audits = (app: TestApp, id: string) =>
    app.ctx.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'data'])
      .where('subject_id', '=', id)
      .where('action', 'like', 'catalog.performance.%')
      .where('action', '!=', 'catalog.performance.updated')
      .orderBy('id')
      .execute();

  test('sales schedule: at the on-sale time the performance opens once, audited as system, and the pre-queue is drawn then', async () => {
    t = await testApp();
    const clock = fakeClock(t);
    const show = await createShow(t.app, { open: false });
    const onSaleAt = new Date(Math.ceil(clock.now / 1000) * 1000 + 60_000);
    const offSaleAt = new Date(onSaleAt.getTime() + 3_600_000);
    assert.equal((await patch(t.app, show.performanceId, { onSaleAt: onSaleAt.toISOString(), offSaleAt: offSaleAt.toISOString() })).statusCode, 200);
    const fans = await joinMany(t.app, show.performanceId, 6, 'schedule');
    assert.ok(fans.every((f) => f.state === 'pre_queue'));

    // Two processes' schedules, as every process runs one: each row goes to exactly one of them.
    const [a, b] = [createSalesSchedule(t.ctx, quiet), createSalesSchedule(t.ctx, quiet)];
    assert.deepEqual(await a.run(onSaleAt.getTime() - 1), [], 'a millisecond early, nothing opens');
    assert.equal(await statusOf(t, show.performanceId), 'scheduled');
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}/availability/status`)).json().status, 'scheduled');
    assert.equal((await status(t.app, fans[0]!.queueTicket)).state, 'pre_queue');

    clock.set(onSaleAt.getTime());
    const [ranA, ranB] = await Promise.all([a.run(), b.run()]);
    assert.deepEqual(
      [...ranA!, ...ranB!],
      [{ performanceId: show.performanceId, action: 'opened', from: 'scheduled', to: 'on_sale', at: onSaleAt.toISOString() }],
    );
    assert.equal(await statusOf(t, show.performanceId), 'on_sale');
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}/availability/status`)).json().status, 'on_sale');
    assert.deepEqual((await audits(t, show.performanceId)).slice(1), [
      { actor: 'system', action: 'catalog.performance.opened', data: { from: 'scheduled', to: 'on_sale', schedule: 'onSaleAt', at: onSaleAt.toISOString() } },
    ]);

    // The draw happened in the pass itself, at the on-sale time, not at the admission tick's next turn.
    const fairness = (await t.app.inject(`/api/performances/${show.performanceId}/queue/fairness`)).json();
    assert.equal(fairness.state, 'open');
    assert.equal(fairness.entrants, 6);
    assert.equal(fairness.drawnAt, onSaleAt.toISOString());
    const drawn = await t.ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('subject_id', '=', show.performanceId)
      .where('action', '=', 'waiting_room.opened')
      .execute();
    assert.equal(drawn.length, 1, 'one draw');
    for (const fan of fans) assert.equal((await status(t.app, fan.queueTicket)).state, 'waiting');

    // The admission tick lets the first in; with its access token, the hold goes through.
    await t.ctx.waitingRoom.tick(clock.advance(1000));
    const answers = [];
    for (const fan of fans) answers.push(await status(t.app, fan.queueTicket));
    const admitted = answers.filter((a) => a.state === 'admitted');
    assert.ok(admitted.length > 0, 'someone was admitted');
    const held = await holdWith(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 }, admitted[0]!.accessToken);
    assert.equal(held.statusCode, 201, held.body);

    // At the off-sale time it closes, once, and the fans still in line are told at once.
    assert.deepEqual(await a.run(offSaleAt.getTime() - 1), []);
    clock.set(offSaleAt.getTime());
    const closing = await Promise.all([a.run(), b.run()]);
    assert.deepEqual(closing.flat(), [{ performanceId: show.performanceId, action: 'closed', from: 'on_sale', to: 'closed', at: offSaleAt.toISOString() }]);
    assert.equal(await statusOf(t, show.performanceId), 'closed');
    assert.deepEqual((await audits(t, show.performanceId)).at(-1), {
      actor: 'system',
      action: 'catalog.performance.closed',
      data: { from: 'on_sale', to: 'closed', schedule: 'offSaleAt', at: offSaleAt.toISOString() },
    });
    for (const fan of fans) assert.equal((await status(t.app, fan.queueTicket)).state, 'closed');
    // This process's availability cache was dropped with the change: pages see it on their next poll.
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}/availability/status`)).json().status, 'closed');
  });

  test('sales schedule: what the operator did by hand stands; a paused sale closes at its off-sale time; nothing opens after the start or the off-sale time', async () => {
    t = await testApp();
    const clock = fakeClock(t);
    const schedule = createSalesSchedule(t.ctx, quiet);
    const action = (id: string, what: string) => t!.app.inject({ method: 'POST', url: `/api/admin/performances/${id}/${what}`, headers: admin });
    const at = (ms: number) => new Date(clock.now + ms).toISOString();
    const minute = 60_000;

    // Opened by hand before its time, then paused: the on-sale time does not reopen it.
    const early = await createShow(t.app, { open: false });
    assert.equal((await patch(t.app, early.performanceId, { onSaleAt: at(minute), offSaleAt: at(10 * minute) })).statusCode, 200);
    assert.equal((await action(early.performanceId, 'open')).statusCode, 200);
    assert.equal((await action(early.performanceId, 'pause')).statusCode, 200);
    // Closed by hand before its time: it stays closed.
    const closed = await createShow(t.app, { open: false });
    assert.equal((await patch(t.app, closed.performanceId, { onSaleAt: at(minute) })).statusCode, 200);
    assert.equal((await action(closed.performanceId, 'close')).statusCode, 200);
    // Both times passed while nothing ran (the service was down): it does not open just to close.
    const missed = await createShow(t.app, { open: false });
    assert.equal((await patch(t.app, missed.performanceId, { onSaleAt: at(minute), offSaleAt: at(2 * minute) })).statusCode, 200);
    // Already started: a sale that never opened is not opened afterwards.
    const started = await createShow(t.app, { open: false });
    assert.equal((await patch(t.app, started.performanceId, { startsAt: at(3 * minute), onSaleAt: at(minute) })).statusCode, 200);

    assert.deepEqual(await schedule.run(clock.now + 5 * minute), []);
    assert.equal(await statusOf(t, early.performanceId), 'paused');
    assert.equal(await statusOf(t, closed.performanceId), 'closed');
    assert.equal(await statusOf(t, missed.performanceId), 'scheduled');
    assert.equal(await statusOf(t, started.performanceId), 'scheduled');

    const ran = await schedule.run(clock.now + 10 * minute);
    assert.deepEqual(
      ran.map((c) => [c.performanceId, c.action, c.from]),
      [[early.performanceId, 'closed', 'paused']],
    );
    assert.deepEqual(
      (await audits(t, early.performanceId)).map((a) => [a.actor, a.action]),
      [
        ['break_glass', 'catalog.performance.created'],
        ['break_glass', 'catalog.performance.opened'],
        ['break_glass', 'catalog.performance.paused'],
        ['system', 'catalog.performance.closed'],
      ],
    );
    assert.deepEqual(
      (await audits(t, closed.performanceId)).map((a) => a.action),
      ['catalog.performance.created', 'catalog.performance.closed'],
    );
    assert.deepEqual(await schedule.run(clock.now + 11 * minute), [], 'a second pass finds nothing left to do');
  });
});

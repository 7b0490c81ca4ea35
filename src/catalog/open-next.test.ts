import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, type Show } from '../../tests/helpers/fixtures.js';

const DAY = 86_400_000;

describe('open next performance', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  /** Another performance of the show's event, in the same hall, `days` from now (the show's own is at 30). */
  async function addPerformance(show: Show, days: number): Promise<string> {
    const venueId = (await t.app.inject(`/api/events/${show.eventId}`)).json().performances[0].venue.id;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/admin/events/${show.eventId}/performances`,
      headers: admin,
      payload: {
        venueId,
        startsAt: new Date(Date.now() + days * DAY).toISOString(),
        pricing: [{ categoryId: show.categories.Floor, gaAreaIds: [show.gaAreaId] }],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id;
  }
  const openNext = (id: string, headers: Record<string, string> = admin) =>
    t.app.inject({ method: 'POST', url: `/api/admin/performances/${id}/open-next`, headers });
  const status = async (id: string) => (await t.ctx.db.selectFrom('performances').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  test('open next: opens the first scheduled performance of the same event after this one', async () => {
    const show = await createShow(t.app);
    const earlier = await addPerformance(show, 29);
    const third = await addPerformance(show, 32);
    const second = await addPerformance(show, 31);
    const otherEvent = await createShow(t.app, { open: false });
    await t.ctx.db
      .updateTable('performances')
      .set({ starts_at: new Date(Date.now() + 30.5 * DAY) })
      .where('id', '=', otherEvent.performanceId)
      .execute();

    const res = await openNext(show.performanceId);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { id: second, status: 'on_sale', previous: { id: show.performanceId, status: 'on_sale' } });
    assert.equal(await status(second), 'on_sale');
    assert.equal(await status(earlier), 'scheduled', 'an earlier performance is not "next"');
    assert.equal(await status(otherEvent.performanceId), 'scheduled', 'another event is never touched');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('subject_id', '=', second)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(audit.action, 'catalog.performance.opened');
    assert.deepEqual(audit.data, { from: 'scheduled', to: 'on_sale' });
    const hold = await t.app.inject({ method: 'POST', url: `/api/performances/${second}/holds`, payload: { gaAreaId: show.gaAreaId, quantity: 1 } });
    assert.equal(hold.statusCode, 201, 'the opened performance sells at once');

    assert.equal((await openNext(second)).json().id, third);
    const none = await openNext(third);
    assert.equal(none.statusCode, 409);
    assert.equal(none.json().error.code, 'no_next_performance');
  });

  test('open next: two operators clicking at once open one performance once', async () => {
    const show = await createShow(t.app);
    const next = await addPerformance(show, 31);
    const results = await Promise.all([openNext(show.performanceId), openNext(show.performanceId)]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409]);
    const opened = await t.ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('subject_id', '=', next)
      .where('action', '=', 'catalog.performance.opened')
      .execute();
    assert.equal(opened.length, 1);
  });

  test('open next: an unknown performance is 404, a missing admin token 401', async () => {
    const missing = await openNext('00000000-0000-4000-8000-000000000000');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'performance_not_found');
    const show = await createShow(t.app, { open: false });
    assert.equal((await openNext(show.performanceId, {})).statusCode, 401);
    assert.equal(await status(show.performanceId), 'scheduled');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, holdAuth, order, type Show } from '../../tests/helpers/fixtures.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import type { App } from '../app.js';

describe('catalog removal', { skip: !databaseAvailable && skipReason }, () => {
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
  const call = (method: 'POST' | 'DELETE' | 'GET', url: string, payload?: object, headers: Record<string, string> = admin) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  async function buy(show: Show) {
    const o = (await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 })).json().holdId)).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    return o.orderId as string;
  }
  const venueOf = async (performanceId: string) =>
    (await t.ctx.db.selectFrom('performances').select('venue_id').where('id', '=', performanceId).executeTakeFirstOrThrow()).venue_id;

  test('catalog removal: a performance, event or venue with nothing behind it is deleted; a released hold does not count', async () => {
    const show = await createShow(t.app);
    const h = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json();
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/holds/${h.holdId}`, headers: holdAuth(h) })).statusCode, 204);
    const res = await call('DELETE', `/api/admin/performances/${show.performanceId}`);
    assert.equal(res.statusCode, 204, res.body);
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}`)).statusCode, 404);
    assert.equal((await call('DELETE', `/api/admin/performances/${show.performanceId}`)).statusCode, 404);

    const venueId = (await t.ctx.db.selectFrom('venues').select('id').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).id;
    assert.equal((await call('DELETE', `/api/admin/events/${show.eventId}`)).statusCode, 204);
    assert.equal((await t.app.inject(`/api/events/${show.eventId}`)).statusCode, 404);
    const categories = await t.ctx.db.selectFrom('price_categories').select('id').where('event_id', '=', show.eventId).execute();
    assert.equal(categories.length, 0);
    assert.equal((await call('DELETE', `/api/admin/venues/${venueId}`)).statusCode, 204);
    assert.equal((await call('GET', `/api/admin/venues/${venueId}`)).statusCode, 404);

    const audits = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', 'in', [show.performanceId, show.eventId, venueId])
      .where('action', 'like', '%.deleted')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audits.map((a) => a.action),
      ['catalog.performance.deleted', 'catalog.event.deleted', 'catalog.venue.deleted'],
    );
  });

  test('catalog removal: DELETE answers 409 naming why once something was sold or is held, and deletes nothing', async () => {
    const sold = await createShow(t.app);
    await buy(sold);
    for (const [url, code] of [
      [`/api/admin/performances/${sold.performanceId}`, 'performance_has_orders'],
      [`/api/admin/events/${sold.eventId}`, 'event_has_orders'],
      [`/api/admin/venues/${await venueOf(sold.performanceId)}`, 'venue_in_use'],
    ] as const) {
      const res = await call('DELETE', url);
      assert.equal(res.statusCode, 409, `${url}: ${res.body}`);
      assert.equal(res.json().error.code, code);
    }
    const refused = (await call('DELETE', `/api/admin/performances/${sold.performanceId}`)).json().error;
    assert.match(refused.message, /^1 order was made for this performance \(1 paid\): cancel it/);
    assert.deepEqual([refused.orders, refused.paid], [1, 1]);

    const held = await createShow(t.app);
    assert.equal((await hold(t.app, held.performanceId, { gaAreaId: held.gaAreaId, quantity: 1 })).statusCode, 201);
    const res = await call('DELETE', `/api/admin/performances/${held.performanceId}`);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'performance_has_holds');
    assert.equal((await t.app.inject(`/api/performances/${held.performanceId}`)).statusCode, 200, 'still there');
  });

  test('catalog removal: archiving hides from the public and the default lists, closes an unsold sale, and is undone', async () => {
    const show = await createShow(t.app);
    const res = await call('POST', `/api/admin/performances/${show.performanceId}/archive`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'closed', 'a performance still selling is closed by archiving');
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}`)).statusCode, 404);
    assert.equal((await t.app.inject(`/api/events/${show.eventId}`)).json().performances.length, 0);
    const adminEvent = (await call('GET', `/api/admin/events/${show.eventId}`)).json();
    assert.ok(adminEvent.performances[0].archivedAt, 'the console still sees it, marked');
    const listed = (await call('GET', '/api/admin/events')).json().find((e: { id: string }) => e.id === show.eventId);
    assert.equal(listed.performances.length, 0);
    const all = (await call('GET', '/api/admin/events?includeArchived=true')).json().find((e: { id: string }) => e.id === show.eventId);
    assert.equal(all.performances.length, 1);

    assert.equal((await call('POST', `/api/admin/events/${show.eventId}/archive`)).statusCode, 200);
    assert.equal((await t.app.inject(`/api/events/${show.eventId}`)).statusCode, 404);
    assert.ok(!(await t.app.inject('/api/events')).json().some((e: { id: string }) => e.id === show.eventId));
    const venueId = await venueOf(show.performanceId);
    assert.equal((await call('POST', `/api/admin/venues/${venueId}/archive`)).statusCode, 200);
    assert.ok(!(await call('GET', '/api/admin/venues')).json().venues.some((v: { id: string }) => v.id === venueId));
    assert.ok((await call('GET', '/api/admin/venues?includeArchived=true')).json().venues.some((v: { id: string }) => v.id === venueId));

    for (const url of [`/api/admin/events/${show.eventId}/unarchive`, `/api/admin/performances/${show.performanceId}/unarchive`]) {
      assert.equal((await call('POST', url)).statusCode, 200, url);
    }
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}`)).json().status, 'closed', 'shown again, still closed');
  });

  test('catalog removal: a performance with sales is archived only once cancelled or closed; a venue only once nothing there sells', async () => {
    const show = await createShow(t.app);
    await buy(show);
    const venueId = await venueOf(show.performanceId);
    const refused = await call('POST', `/api/admin/performances/${show.performanceId}/archive`);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'performance_has_sales');
    assert.equal((await call('POST', `/api/admin/venues/${venueId}/archive`)).json().error.code, 'venue_in_use');
    assert.equal((await call('POST', `/api/admin/performances/${show.performanceId}/close`)).statusCode, 200);
    assert.equal((await call('POST', `/api/admin/performances/${show.performanceId}/archive`)).statusCode, 200);
    assert.equal((await call('POST', `/api/admin/venues/${venueId}/archive`)).statusCode, 200);
  });

  test('catalog removal: cancelling a performance closes sales, releases holds, and refunds every paid order when asked', async () => {
    const show = await createShow(t.app);
    const paid = [await buy(show), await buy(show)];
    const pending = (await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json().holdId)).json().orderId;
    assert.equal((await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 2 })).statusCode, 201);

    const manager = await signedInStaff(t.app, 'event_manager', { eventIds: [show.eventId] });
    const noRefund = await call('POST', `/api/admin/performances/${show.performanceId}/cancel`, { refund: true }, manager.headers);
    assert.equal(noRefund.statusCode, 403, 'refunding everyone needs orders.refund too');
    assert.equal(noRefund.json().error.permission, 'orders.refund');

    const res = await call('POST', `/api/admin/performances/${show.performanceId}/cancel`, {}, manager.headers);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { id: show.performanceId, status: 'cancelled', releasedHolds: 2, paidOrders: 2, refunded: 0, refundFailures: [] });
    const pendingNow = await t.ctx.db.selectFrom('orders').select('status').where('id', '=', pending).executeTakeFirstOrThrow();
    assert.equal(pendingNow.status, 'cancelled');
    const late = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(late.statusCode, 409, late.body);
    assert.equal(late.json().error.code, 'sale_not_open', 'no new hold on a cancelled performance');
    const again = await call('POST', `/api/admin/performances/${show.performanceId}/cancel`);
    assert.equal(again.statusCode, 409, again.body);
    const toRefund = (await call('GET', `/api/admin/orders?performanceId=${show.performanceId}&status=paid`)).json();
    assert.deepEqual(new Set(toRefund.orders.map((o: { id: string }) => o.id)), new Set(paid));

    const refunded = await call('POST', `/api/admin/performances/${show.performanceId}/cancel`, { refund: true });
    assert.equal(refunded.statusCode, 200, refunded.body);
    assert.deepEqual([refunded.json().refunded, refunded.json().paidOrders], [2, 0]);
    const statuses = await t.ctx.db.selectFrom('orders').select('status').where('id', 'in', paid).execute();
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['refunded', 'refunded'],
    );
    const audits = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', show.performanceId)
      .where('action', '=', 'catalog.performance.cancelled')
      .execute();
    assert.equal(audits.length, 1);
  });
});

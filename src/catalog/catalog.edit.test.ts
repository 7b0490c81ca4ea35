import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';

describe('catalog edits', { skip: !databaseAvailable && skipReason }, () => {
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
  const patch = (url: string, payload: object, headers: Record<string, string> = admin) => t.app.inject({ method: 'PATCH', url, headers, payload });
  const lastAudit = (subjectId: string) =>
    t.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('subject_id', '=', subjectId).orderBy('id', 'desc').executeTakeFirstOrThrow();

  test('catalog edits: an event patch changes only the fields given and audits them', async () => {
    const show = await createShow(t.app);
    const res = await patch(`/api/admin/events/${show.eventId}`, { title: 'Renamed', maxTicketsPerOrder: 4 });
    assert.equal(res.statusCode, 200, res.body);
    const { slug, ...edited } = res.json();
    assert.match(slug, /^show-/);
    assert.deepEqual(edited, {
      id: show.eventId,
      title: 'Renamed',
      description: '',
      defaultLanguage: 'en',
      translations: {},
      maxTicketsPerOrder: 4,
      maxTicketsPerCustomer: null,
      producerEmails: [],
    });
    const detail = (await t.app.inject(`/api/events/${show.eventId}`)).json();
    assert.equal(detail.title, 'Renamed');
    assert.equal(detail.maxTicketsPerOrder, 4);
    assert.deepEqual(await lastAudit(show.eventId), {
      action: 'catalog.event.updated',
      data: { changes: { title: { from: 'Test Show', to: 'Renamed' }, maxTicketsPerOrder: { from: 10, to: 4 } } },
    });
    const tooMany = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 5 });
    assert.equal(tooMany.statusCode, 400, 'the new limit applies to holds made afterwards');
    assert.equal(tooMany.json().error.code, 'ticket_limit_exceeded');
  });

  test('catalog edits: an empty, unknown-field or out-of-range patch is 400 naming the field; unknown ids 404; no token 401', async () => {
    const show = await createShow(t.app, { open: false });
    const cases: [string, object, string][] = [
      [`/api/admin/events/${show.eventId}`, {}, 'body'],
      [`/api/admin/events/${show.eventId}`, { slug: 'new-slug' }, 'body.slug'],
      [`/api/admin/events/${show.eventId}`, { maxTicketsPerOrder: 0 }, 'body.maxTicketsPerOrder'],
      [`/api/admin/performances/${show.performanceId}`, {}, 'body'],
      [`/api/admin/performances/${show.performanceId}`, { startsAt: 'soon' }, 'body.startsAt'],
      [`/api/admin/price-categories/${show.categories.Front}`, {}, 'body'],
      [`/api/admin/price-categories/${show.categories.Front}`, { price: -1 }, 'body.price'],
    ];
    for (const [url, payload, field] of cases) {
      const res = await patch(url, payload);
      assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.equal(res.json().error.field, field);
    }
    const nobody = '00000000-0000-4000-8000-000000000000';
    for (const [url, payload] of [
      [`/api/admin/events/${nobody}`, { title: 'X' }],
      [`/api/admin/performances/${nobody}`, { doorsAt: null }],
      [`/api/admin/price-categories/${nobody}`, { price: 1 }],
    ] as const) {
      assert.equal((await patch(url, payload)).statusCode, 404, url);
      assert.equal((await patch(url, payload, {})).statusCode, 401, url);
    }
    const audits = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', '%.updated')
      .where('subject_id', 'in', [show.eventId, show.performanceId])
      .execute();
    assert.equal(audits.length, 0, 'refused patches write nothing');
  });

  test('catalog edits: doors and on-sale time may not be after the start, and the error names the field moved', async () => {
    const show = await createShow(t.app, { open: false });
    const url = `/api/admin/performances/${show.performanceId}`;
    const startsAt = new Date(Date.now() + 10 * 86_400_000);
    const ok = await patch(url, {
      startsAt: startsAt.toISOString(),
      doorsAt: new Date(startsAt.getTime() - 3_600_000).toISOString(),
      onSaleAt: new Date().toISOString(),
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().startsAt, startsAt.toISOString());
    const audit = await lastAudit(show.performanceId);
    assert.equal(audit.action, 'catalog.performance.updated');
    assert.deepEqual(Object.keys((audit.data as { changes: object }).changes).sort(), ['doorsAt', 'onSaleAt', 'startsAt']);

    const later = new Date(startsAt.getTime() + 60_000).toISOString();
    for (const [payload, field] of [
      [{ doorsAt: later }, 'doorsAt'],
      [{ onSaleAt: later }, 'onSaleAt'],
      [{ startsAt: new Date(startsAt.getTime() - 7_200_000).toISOString() }, 'startsAt'],
    ] as const) {
      const res = await patch(url, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error.code, 'invalid_dates');
      assert.equal(res.json().error.field, field);
    }
    const cleared = await patch(url, { doorsAt: null, startsAt: new Date(startsAt.getTime() - 7_200_000).toISOString() });
    assert.equal(cleared.statusCode, 200, cleared.body);
    assert.equal(cleared.json().doorsAt, null);
    assert.equal((await t.app.inject(`/api/events/${show.eventId}`)).json().performances[0].doorsAt, null);
  });

  test('catalog edits: the off-sale time must be after the on-sale time, on create and patch, and the 400 names the field', async () => {
    const show = await createShow(t.app, { open: false });
    const url = `/api/admin/performances/${show.performanceId}`;
    const hour = 3_600_000;
    const onSaleAt = new Date(Date.now() + 2 * 86_400_000);
    const at = (ms: number) => new Date(onSaleAt.getTime() + ms).toISOString();
    const ok = await patch(url, { onSaleAt: onSaleAt.toISOString(), offSaleAt: at(hour) });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().offSaleAt, at(hour));
    assert.deepEqual((await lastAudit(show.performanceId)).data, {
      changes: { onSaleAt: { from: null, to: onSaleAt.toISOString() }, offSaleAt: { from: null, to: at(hour) } },
    });
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}`)).json().offSaleAt, at(hour));
    assert.equal((await t.app.inject(`/api/events/${show.eventId}`)).json().performances[0].offSaleAt, at(hour));

    for (const [payload, field] of [
      [{ offSaleAt: at(0) }, 'offSaleAt'],
      [{ offSaleAt: at(-hour) }, 'offSaleAt'],
      [{ onSaleAt: at(2 * hour) }, 'onSaleAt'],
      [{ onSaleAt: at(2 * hour), offSaleAt: at(hour) }, 'offSaleAt'],
    ] as const) {
      const res = await patch(url, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error.code, 'invalid_dates');
      assert.equal(res.json().error.field, field, JSON.stringify(payload));
    }
    // Without an on-sale time, an off-sale time alone is fine (sales opened by hand close by themselves).
    const alone = await patch(url, { onSaleAt: null, offSaleAt: at(-hour) });
    assert.equal(alone.statusCode, 200, alone.body);
    assert.deepEqual([alone.json().onSaleAt, alone.json().offSaleAt], [null, at(-hour)]);

    const venue = (await t.app.inject(`/api/events/${show.eventId}`)).json().performances[0].venue.id;
    const create = (offSaleAt: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/admin/events/${show.eventId}/performances`,
        headers: admin,
        payload: {
          venueId: venue,
          startsAt: at(86_400_000),
          onSaleAt: at(0),
          offSaleAt,
          pricing: [{ categoryId: show.categories.Floor, gaAreaIds: [show.gaAreaId] }],
        },
      });
    const refused = await create(at(0));
    assert.equal(refused.statusCode, 400, refused.body);
    assert.deepEqual([refused.json().error.code, refused.json().error.field], ['invalid_dates', 'offSaleAt']);
    const created = await create(at(hour));
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await t.app.inject(`/api/performances/${created.json().id}`)).json().offSaleAt, at(hour));
  });

  test('catalog edits: a new price applies to holds made afterwards; paid orders and their tickets keep theirs', async () => {
    const show = await createShow(t.app);
    const before = (await order(t.app, (await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 2 })).json().holdId)).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${before.orderId}/payment`,
      payload: { token: await cardToken(payments, before.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);

    const res = await patch(`/api/admin/price-categories/${show.categories.Front}`, { price: 6500, name: 'Front row' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { id: show.categories.Front, eventId: show.eventId, name: 'Front row', price: 6500, currency: 'EUR' });
    assert.deepEqual(await lastAudit(show.categories.Front!), {
      action: 'catalog.price_category.updated',
      data: { changes: { name: { from: 'Front', to: 'Front row' }, price: { from: 5000, to: 6500 } } },
    });

    const view = (await t.app.inject({ url: `/api/orders/${before.orderId}`, headers: { authorization: `Bearer ${before.accessToken}` } })).json();
    assert.equal(view.total, 10000);
    assert.deepEqual(
      view.tickets.map((x: { price: number }) => x.price),
      [5000, 5000],
    );
    const after = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    assert.equal(after.json().items[0].price, 6500);
    const newOrder = (await order(t.app, after.json().holdId)).json();
    const newView = (await t.app.inject({ url: `/api/orders/${newOrder.orderId}`, headers: { authorization: `Bearer ${newOrder.accessToken}` } })).json();
    assert.equal(newView.total, 6500);

    const clash = await patch(`/api/admin/price-categories/${show.categories.Floor}`, { name: 'Front row' });
    assert.equal(clash.statusCode, 409);
    assert.equal(clash.json().error.code, 'duplicate');
  });

  test('catalog edits: a patch that repeats the current values changes nothing and writes no audit entry', async () => {
    const show = await createShow(t.app, { open: false });
    const res = await patch(`/api/admin/price-categories/${show.categories.Floor}`, { price: 3000 });
    assert.equal(res.statusCode, 200);
    const entries = await t.ctx.db.selectFrom('audit_log').select('id').where('subject_id', '=', show.categories.Floor!).execute();
    assert.equal(entries.length, 0);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason, testDatabase } from '../../tests/helpers/database.js';
import { availability } from '../inventory/availability.js';
import { createShow } from '../../tests/helpers/fixtures.js';
import { demoVenue, seedDemo } from './demo-seed.js';
import { gaBuckets } from './catalog.service.js';

describe('catalog', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });
  const adminPost = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: admin, payload });

  test('catalog: operator routes refuse a missing or wrong admin token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: admin.authorization.slice(7) }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/admin/events', headers, payload: {} });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'unauthorized');
    }
  });

  test('catalog: GET /api/events lists events with their performances in the contract shape', async () => {
    const show = await createShow(t.app, { slug: 'contract-show' });
    const events = (await t.app.inject('/api/events')).json();
    const event = events.find((e: { slug: string }) => e.slug === 'contract-show');
    assert.deepEqual(Object.keys(event).sort(), ['id', 'language', 'performances', 'slug', 'title']);
    assert.equal(event.id, show.eventId);
    assert.deepEqual(Object.keys(event.performances[0]).sort(), ['id', 'startsAt', 'status', 'timeZone']);
    assert.equal(event.performances[0].status, 'on_sale');
    const detail = await t.app.inject('/api/events/contract-show');
    assert.equal(detail.statusCode, 200);
    assert.equal(detail.json().priceCategories.length, 2);
    assert.equal((await t.app.inject('/api/events/no-such-show')).statusCode, 404);
  });

  test('catalog: availability has the contract shape', async () => {
    const show = await createShow(t.app, { rows: 2, perRow: 3, gaCapacity: 40 });
    const res = await t.app.inject(`/api/performances/${show.performanceId}/availability`);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, 'on_sale');
    assert.deepEqual(Object.keys(body.categories[0]).sort(), ['available', 'currency', 'id', 'name', 'price']);
    assert.deepEqual(Object.keys(body.seats[0]).sort(), ['categoryId', 'id', 'label', 'number', 'row', 'section', 'status', 'x', 'y']);
    assert.deepEqual(Object.keys(body.gaAreas[0]).sort(), ['available', 'capacity', 'categoryId', 'id', 'name']);
    assert.equal(body.seats.length, 6);
    assert.equal(body.gaAreas[0].capacity, 40);
    assert.equal((await t.app.inject('/api/performances/00000000-0000-4000-8000-000000000000/availability')).statusCode, 404);
    assert.equal((await t.app.inject('/api/performances/not-a-uuid/availability')).statusCode, 400);
  });

  test('catalog: bad venues, events and performances get 400 naming the field', async () => {
    const seat = { section: 'A', row: '1', number: 1, x: 0, y: 0 };
    const venueCases: [object, string][] = [
      [{ seats: [], gaAreas: [] }, 'body.name'],
      [{ name: 'V', seats: [seat, seat], gaAreas: [] }, 'seats.1'],
      [{ name: 'V', seats: [], gaAreas: [] }, 'seats'],
      [{ name: 'V', seats: [{ ...seat, x: 'left' }], gaAreas: [] }, 'body.seats.0.x'],
      [{ name: 'V', seats: [], gaAreas: [{ name: 'G', capacity: 0 }] }, 'body.gaAreas.0.capacity'],
    ];
    for (const [payload, field] of venueCases) {
      const res = await adminPost('/api/admin/venues', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error.field, field, res.body);
    }
    const eventCases: [object, string][] = [
      [{ slug: 'Bad Slug', title: 'T', priceCategories: [{ name: 'A', price: 1, currency: 'EUR' }] }, 'body.slug'],
      [{ slug: 'ok', title: 'T', priceCategories: [] }, 'body.priceCategories'],
      [{ slug: 'ok', title: 'T', priceCategories: [{ name: 'A', price: -1, currency: 'EUR' }] }, 'body.priceCategories.0.price'],
      [{ slug: 'ok', title: 'T', priceCategories: [{ name: 'A', price: 1, currency: 'euro' }] }, 'body.priceCategories.0.currency'],
    ];
    for (const [payload, field] of eventCases) {
      const res = await adminPost('/api/admin/events', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error.field, field, res.body);
    }
    const show = await createShow(t.app, { open: false });
    const venueId = (await adminPost('/api/admin/venues', { name: 'V2', seats: [seat], gaAreas: [] })).json().id;
    const perfCases: [object, number, string][] = [
      [{ venueId, startsAt: 'tomorrow', pricing: [{ categoryId: show.categories.Front, sections: ['A'] }] }, 400, 'body.startsAt'],
      [{ venueId, startsAt: new Date().toISOString(), pricing: [{ categoryId: show.categories.Front, sections: ['Z'] }] }, 400, 'pricing.0.sections'],
      [{ venueId, startsAt: new Date().toISOString(), pricing: [{ categoryId: venueId, sections: ['A'] }] }, 400, 'pricing.0.categoryId'],
      [
        {
          venueId,
          startsAt: new Date().toISOString(),
          pricing: [
            { categoryId: show.categories.Front, sections: ['A'] },
            { categoryId: show.categories.Floor, sections: ['A'] },
          ],
        },
        400,
        'pricing.1.sections',
      ],
      [{ venueId: show.categories.Front, startsAt: new Date().toISOString(), pricing: [{ categoryId: show.categories.Front }] }, 400, 'venueId'],
    ];
    for (const [payload, status, field] of perfCases) {
      const res = await adminPost(`/api/admin/events/${show.eventId}/performances`, payload);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json().error.field, field, res.body);
    }
    const performances = await t.ctx.db.selectFrom('performances').select('id').where('event_id', '=', show.eventId).execute();
    assert.equal(performances.length, 1, 'nothing half-written by the refused requests');
  });

  test('catalog: a duplicate event slug is a 409', async () => {
    const body = { slug: 'twice', title: 'T', priceCategories: [{ name: 'A', price: 100, currency: 'EUR' }] };
    assert.equal((await adminPost('/api/admin/events', body)).statusCode, 201);
    const again = await adminPost('/api/admin/events', body);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'duplicate');
  });

  test('catalog: sales open, pause, resume and close only from the states that allow it', async () => {
    const show = await createShow(t.app, { open: false });
    const act = (action: string) => adminPost(`/api/admin/performances/${show.performanceId}/${action}`, {});
    const expect: [string, number, string?][] = [
      ['resume', 409],
      ['open', 200, 'on_sale'],
      ['open', 409],
      ['pause', 200, 'paused'],
      ['pause', 409],
      ['resume', 200, 'on_sale'],
      ['close', 200, 'closed'],
      ['open', 409],
      ['fly', 400],
    ];
    for (const [action, status, to] of expect) {
      const res = await act(action);
      assert.equal(res.statusCode, status, `${action}: ${res.body}`);
      if (to) assert.equal(res.json().status, to);
      if (status === 409) assert.equal(res.json().error.code, 'invalid_transition');
    }
    const missing = await adminPost('/api/admin/performances/00000000-0000-4000-8000-000000000000/open', {});
    assert.equal(missing.statusCode, 404);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('subject_id', '=', show.performanceId).orderBy('id').execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['catalog.performance.created', 'catalog.performance.opened', 'catalog.performance.paused', 'catalog.performance.resumed', 'catalog.performance.closed'],
    );
  });

  test('catalog: a paused sale refuses holds and says so', async () => {
    const show = await createShow(t.app);
    await adminPost(`/api/admin/performances/${show.performanceId}/pause`, {});
    const res = await t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/holds`, payload: { gaAreaId: show.gaAreaId, quantity: 1 } });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'sale_not_open');
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json().status, 'paused');
  });

  test('catalog: the demo seed makes a 5,000-place hall and three performances, the first on sale', async () => {
    const venue = demoVenue();
    assert.equal(venue.seats.length + venue.gaAreas.reduce((n, a) => n + a.capacity, 0), 5000);
    const fresh = await testDatabase(2);
    const db = fresh.db;
    const seeded = await seedDemo(db);
    assert.ok(seeded, 'an empty database gets the demo');
    assert.equal(await seedDemo(db), undefined, 'seeding twice adds nothing');
    const statuses = await db.selectFrom('performances').select('status').where('event_id', '=', seeded.eventId).orderBy('starts_at').execute();
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['on_sale', 'scheduled', 'scheduled'],
    );
    const avail = await availability(db, seeded.performanceIds[0]!);
    assert.equal(
      avail.categories.reduce((n, c) => n + c.available, 0),
      5000,
    );
    await fresh.drop();
  });

  test('catalog: GA buckets split capacity exactly', () => {
    for (const capacity of [1, 24, 25, 101, 2000, 99_999]) {
      const buckets = gaBuckets(capacity);
      assert.equal(
        buckets.reduce((a, b) => a + b, 0),
        capacity,
      );
      assert.ok(buckets.length >= 1 && buckets.length <= 8);
      assert.ok(Math.max(...buckets) - Math.min(...buckets) <= 1);
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';

describe('api', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('api: health says ok and which database', async () => {
    const res = await t.app.inject('/api/health');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: t.database.kind });
  });

  test('api: the OpenAPI document describes every contract route', async () => {
    const res = await t.app.inject('/api/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.match(doc.openapi, /^3\./);
    const expected: [string, string][] = [
      ['/api/health', 'get'],
      ['/api/events', 'get'],
      ['/api/performances/{id}/availability', 'get'],
      ['/api/performances/{id}/holds', 'post'],
      ['/api/holds/{id}', 'delete'],
      ['/api/holds/{id}/order', 'post'],
      ['/api/orders/{id}/payment', 'post'],
      ['/api/orders/{id}', 'get'],
      ['/api/checkin', 'post'],
      ['/api/admin/events', 'post'],
      ['/api/admin/orders/{id}/refund', 'post'],
      ['/api/admin/performances/{id}/sales', 'get'],
    ];
    for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} documented`);
    const holdBody = doc.paths['/api/performances/{id}/holds'].post.requestBody.content['application/json'].schema;
    assert.ok(holdBody.properties.seatIds && holdBody.properties.gaAreaId && holdBody.properties.categoryId);
  });

  test('api: unknown routes, wrong content types and oversized bodies get clear 4xx errors', async () => {
    const missing = await t.app.inject('/api/nothing-here');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'route_not_found');
    // Check-in needs a door credential (checked before the body is read): these send one.
    const text = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: { ...admin, 'content-type': 'application/xml' }, payload: '<code/>' });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error.code, 'unsupported_media_type');
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/checkin',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ code: 'x'.repeat(300_000) }),
    });
    assert.equal(big.statusCode, 413);
    const broken = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"code":' });
    assert.equal(broken.statusCode, 400);
    assert.ok(broken.json().error.code);
  });
});

describe('api: pages and payloads', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('api: availability is gzipped for clients that accept it, and the status view lists only taken seats', async () => {
    const { createShow, hold } = await import('./helpers/fixtures.js');
    const { gunzipSync } = await import('node:zlib');
    const show = await createShow(t.app, { rows: 4, perRow: 10 });
    const held = show.seats.slice(0, 3).map((s) => s.id);
    assert.equal((await hold(t.app, show.performanceId, { seatIds: held })).statusCode, 201);
    const plain = await t.app.inject(`/api/performances/${show.performanceId}/availability`);
    const zipped = await t.app.inject({ url: `/api/performances/${show.performanceId}/availability`, headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(gunzipSync(zipped.rawPayload).toString()), plain.json());
    const status = (await t.app.inject(`/api/performances/${show.performanceId}/availability/status`)).json();
    assert.deepEqual(status.unavailableSeatIds.sort(), [...held].sort());
    assert.equal(status.categories.find((c: { id: string }) => c.id === show.categories.Front).available, 37);
    assert.equal(status.status, 'on_sale');
  });

  test('api: a performance can be read on its own with its event and venue', async () => {
    const { createShow } = await import('./helpers/fixtures.js');
    const show = await createShow(t.app, { slug: 'single-perf', maxTicketsPerOrder: 6 });
    const res = await t.app.inject(`/api/performances/${show.performanceId}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().event.slug, 'single-perf');
    assert.equal(res.json().event.maxTicketsPerOrder, 6);
    assert.equal(res.json().venue.name, 'Test Hall');
    assert.equal((await t.app.inject('/api/performances/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  });

  test('api: an unknown page address gets the page 404 for browsers and JSON for programs', async () => {
    const page = await t.app.inject({ url: '/no/such/page', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.headers['content-security-policy'] as string, /script-src 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
    const json = await t.app.inject({ url: '/no/such/page', headers: { accept: 'application/json' } });
    assert.equal(json.statusCode, 404);
    assert.equal(json.json().error.code, 'route_not_found');
  });
});

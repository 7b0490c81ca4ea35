import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';

describe('api', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });
  after(async () => { await t?.close(); });

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
      ['/api/health', 'get'], ['/api/events', 'get'], ['/api/performances/{id}/availability', 'get'],
      ['/api/performances/{id}/holds', 'post'], ['/api/holds/{id}', 'delete'], ['/api/holds/{id}/order', 'post'],
      ['/api/orders/{id}/payment', 'post'], ['/api/orders/{id}', 'get'], ['/api/checkin', 'post'],
      ['/api/admin/events', 'post'], ['/api/admin/orders/{id}/refund', 'post'], ['/api/admin/performances/{id}/sales', 'get'],
    ];
    for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} documented`);
    const holdBody = doc.paths['/api/performances/{id}/holds'].post.requestBody.content['application/json'].schema;
    assert.ok(holdBody.properties.seatIds && holdBody.properties.gaAreaId && holdBody.properties.categoryId);
  });

  test('api: unknown routes, wrong content types and oversized bodies get clear 4xx errors', async () => {
    const missing = await t.app.inject('/api/nothing-here');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'route_not_found');
    const text = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: { 'content-type': 'application/xml' }, payload: '<code/>' });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error.code, 'unsupported_media_type');
    const big = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ code: 'x'.repeat(300_000) }) });
    assert.equal(big.statusCode, 413);
    const broken = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: { 'content-type': 'application/json' }, payload: '{"code":' });
    assert.equal(broken.statusCode, 400);
    assert.ok(broken.json().error.code);
  });
});

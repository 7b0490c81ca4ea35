import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow } from '../../tests/helpers/fixtures.js';

describe('catalog admin list', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('catalog admin list: every event with its categories and performances of any status, venue named', async () => {
    const onSale = await createShow(t.app, { slug: 'listed-on-sale' });
    const scheduled = await createShow(t.app, { slug: 'listed-scheduled', open: false });
    const res = await t.app.inject({ url: '/api/admin/events', headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    const events = res.json();
    assert.deepEqual(
      events.map((e: { slug: string }) => e.slug),
      ['listed-on-sale', 'listed-scheduled'],
      'oldest first',
    );
    const [first, second] = events;
    assert.deepEqual(Object.keys(first).sort(), [
      'archivedAt',
      'id',
      'maxTicketsPerOrder',
      'performances',
      'priceCategories',
      'producerEmails',
      'slug',
      'title',
    ]);
    assert.equal(first.id, onSale.eventId);
    assert.equal(first.maxTicketsPerOrder, 10);
    assert.deepEqual(first.priceCategories, [
      { id: onSale.categories.Front, name: 'Front', price: 5000, currency: 'EUR' },
      { id: onSale.categories.Floor, name: 'Floor', price: 3000, currency: 'EUR' },
    ]);
    assert.deepEqual(Object.keys(first.performances[0]).sort(), ['archivedAt', 'id', 'startsAt', 'status', 'timeZone', 'venueId', 'venueName']);
    assert.equal(first.performances[0].status, 'on_sale');
    assert.equal(first.performances[0].venueName, 'Test Hall');
    assert.equal(second.performances[0].id, scheduled.performanceId);
    assert.equal(second.performances[0].status, 'scheduled');
    assert.equal((await t.app.inject({ url: '/api/admin/events' })).statusCode, 401);
  });

  test('catalog admin list: the console and ticket routes are in the OpenAPI document with their security and errors', async () => {
    const spec = (await t.app.inject('/api/openapi.json')).json();
    // Operator routes take an API key or the console's session, and may answer 401 and 403 (the permission guard); every route may answer 429 (the shield).
    const operator = [{ admin: [] }, { staffSession: [] }];
    const routes: [string, string, unknown, string[]][] = [
      ['/api/admin/events', 'get', operator, ['200', '401', '403', '429']],
      ['/api/admin/events/{id}', 'patch', operator, ['200', '400', '401', '403', '404', '429']],
      ['/api/admin/performances/{id}', 'patch', operator, ['200', '400', '401', '403', '404', '429']],
      ['/api/admin/price-categories/{id}', 'patch', operator, ['200', '400', '401', '403', '404', '409', '429']],
      ['/api/admin/performances/{id}/open-next', 'post', operator, ['200', '400', '401', '403', '404', '409', '429']],
      ['/api/admin/performances/{id}/sales/timeline', 'get', operator, ['200', '400', '401', '403', '404', '429']],
      ['/api/orders/{id}/tickets.pdf', 'get', [{ orderAccess: [] }], ['200', '400', '401', '404', '409', '429']],
    ];
    for (const [path, method, security, codes] of routes) {
      const op = spec.paths[path]?.[method];
      assert.ok(op, `${method.toUpperCase()} ${path} is documented`);
      assert.deepEqual(op.security, security, path);
      assert.ok(op.tags?.length, path);
      assert.deepEqual(Object.keys(op.responses).sort(), codes, path);
    }
    assert.ok(spec.paths['/api/orders/{id}/tickets.pdf'].get.responses['200'].content['application/pdf']);
  });
});

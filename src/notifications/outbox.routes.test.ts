import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin as auth, testApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import { confirmation, fakeMailer, insertOrder } from './outbox.fixtures.js';
import { deliverOutbox, enqueueOrderConfirmation } from './outbox.service.js';

// The whole app, so the permission guard answers as it does in production.
test('outbox routes: the operator lists and reads messages; no credential is 401, a role without outbox.read 403', {
  skip: !databaseAvailable && skipReason,
}, async () => {
  const t = await testApp();
  const app = t.app;
  try {
    const db = t.ctx.db;
    const orderId = await insertOrder(db);
    const first = await enqueueOrderConfirmation(db, confirmation(orderId, { buyerEmail: 'Ana@Example.com', locale: 'fr' }));
    await deliverOutbox(db, fakeMailer());
    await enqueueOrderConfirmation(db, confirmation(orderId, { buyerEmail: 'luis@example.com', buyerName: '<b>Luis</b>' }));

    assert.equal((await app.inject({ url: '/api/admin/outbox' })).statusCode, 401);
    const wrong = await app.inject({ url: '/api/admin/outbox', headers: { authorization: `Bearer ${'y'.repeat(32)}` } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'unauthorized');

    const all = await app.inject({ url: '/api/admin/outbox', headers: auth });
    assert.equal(all.statusCode, 200);
    const body = all.json();
    assert.equal(body.total, 2);
    assert.equal(body.messages.length, 2);
    assert.deepEqual(Object.keys(body.messages[0]).sort(), [
      'attempts',
      'bodyText',
      'createdAt',
      'id',
      'kind',
      'locale',
      'recipient',
      'sentAt',
      'status',
      'subject',
    ]);

    const sent = (await app.inject({ url: '/api/admin/outbox?status=sent&recipient=ana@example.COM', headers: auth })).json();
    assert.equal(sent.total, 1);
    assert.equal(sent.messages[0].id, first);
    assert.equal(sent.messages[0].locale, 'fr');
    assert.match(sent.messages[0].sentAt, /^\d{4}-\d\d-\d\dT/);

    const paged = (await app.inject({ url: '/api/admin/outbox?limit=1&offset=1', headers: auth })).json();
    assert.deepEqual([paged.messages.length, paged.total], [1, 2]);

    const zero = await app.inject({ url: '/api/admin/outbox?limit=0', headers: auth });
    assert.equal(zero.statusCode, 400);
    assert.equal(zero.json().error.code, 'invalid_request');
    assert.equal((await app.inject({ url: '/api/admin/outbox?limit=201', headers: auth })).statusCode, 400);
    assert.equal((await app.inject({ url: '/api/admin/outbox?status=lost', headers: auth })).statusCode, 400);

    const one = await app.inject({ url: `/api/admin/outbox/${first}`, headers: auth });
    assert.equal(one.statusCode, 200);
    assert.match(one.json().bodyHtml, /Voir vos billets/);
    assert.equal(one.json().orderId, orderId);

    const missing = await app.inject({ url: '/api/admin/outbox/00000000-0000-4000-8000-000000000000', headers: auth });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'message_not_found');
    assert.equal((await app.inject({ url: '/api/admin/outbox/not-a-uuid', headers: auth })).statusCode, 400);
    assert.equal((await app.inject({ url: `/api/admin/outbox/${first}` })).statusCode, 401);

    // Last: the invitation it takes sends an email of its own.
    const door = await signedInStaff(app, 'door');
    const refused = await app.inject({ url: '/api/admin/outbox', headers: door.headers });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual([refused.json().error.code, refused.json().error.permission], ['forbidden', 'outbox.read']);
  } finally {
    await t.close();
  }
});

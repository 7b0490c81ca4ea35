import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { databaseAvailable, skipReason, testDatabase } from '../../tests/helpers/database.js';
import type { AppContext } from '../platform/context.js';
import { registerErrorHandler } from '../platform/http/error-handler.js';
import { confirmation, fakeMailer, insertOrder } from './outbox.fixtures.js';
import { outboxRoutes } from './outbox.routes.js';
import { deliverOutbox, enqueueOrderConfirmation } from './outbox.service.js';

const adminToken = 'x'.repeat(32);
const auth = { authorization: `Bearer ${adminToken}` };

// Only the outbox routes, so this file does not depend on the parts still being written.
test('outbox routes: the operator lists and reads messages behind the admin token', { skip: !databaseAvailable && skipReason }, async () => {
  const database = await testDatabase(5);
  const app = Fastify({ ajv: { customOptions: { allErrors: false, removeAdditional: false } } }).withTypeProvider<TypeBoxTypeProvider>();
  try {
    const { db } = database;
    registerErrorHandler(app);
    await app.register(outboxRoutes, { config: { adminToken }, db } as unknown as AppContext);
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
  } finally {
    await app.close();
    await database.drop();
  }
});

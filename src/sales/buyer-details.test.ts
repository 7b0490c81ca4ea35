import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { buyer, CARDS, cardToken, createShow, hold, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';

describe('buyer details', { skip: !databaseAvailable && skipReason }, () => {
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

  async function pendingOrder(quantity = 2) {
    const show = await createShow(t.app, { rows: 2, perRow: 5 });
    const h = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity });
    assert.equal(h.statusCode, 201, h.body);
    const o = await order(t.app, h.json());
    assert.equal(o.statusCode, 201, o.body);
    return { show, holdId: h.json().holdId as string, ...(o.json() as { orderId: string; accessToken: string; payment: { sessionId: string } }) };
  }
  const patch = (orderId: string, token: string | null, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/orders/${orderId}/buyer`, headers: token ? { authorization: `Bearer ${token}` } : {}, payload });
  const corrected = { name: 'Ana María Rivera', email: 'ana@gmail.com', locale: 'fr' };

  test('buyer details: a pending order takes corrected details, audited, and the paid order and its email carry them', async () => {
    const o = await pendingOrder();
    const changed = await patch(o.orderId, o.accessToken, { buyer: corrected });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json().buyer, corrected);
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'sales.order.buyer_changed')
      .where('subject_id', '=', o.orderId)
      .executeTakeFirstOrThrow();
    assert.deepEqual((entry.data as { changed: string[] }).changed, ['name', 'email', 'locale']);
    assert.equal((entry.data as { previous: { email: string } }).previous.email, buyer.email);
    const record = await t.ctx.db.selectFrom('checkout_records').select('buyer_email').where('order_id', '=', o.orderId).executeTakeFirstOrThrow();
    assert.equal(record.buyer_email, corrected.email, 'the checkout record names the buyer who pays');

    // Sending the same details again changes nothing and writes no second entry.
    assert.equal((await patch(o.orderId, o.accessToken, { buyer: corrected })).statusCode, 200);
    const entries = await t.ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'sales.order.buyer_changed')
      .where('subject_id', '=', o.orderId)
      .execute();
    assert.equal(entries.length, 1);

    const token = await cardToken(payments, o.payment.sessionId, CARDS.ok);
    const paid = await t.app.inject({ method: 'POST', url: `/api/orders/${o.orderId}/payment`, payload: { token } });
    assert.equal(paid.statusCode, 200, paid.body);
    const mail = await t.ctx.db.selectFrom('outbox').selectAll().where('order_id', '=', o.orderId).executeTakeFirstOrThrow();
    assert.equal(mail.recipient, corrected.email);
    assert.equal(mail.locale, 'fr');

    const late = await patch(o.orderId, o.accessToken, { buyer: { ...corrected, email: 'ana@example.org' } });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().error.code, 'order_not_editable');
  });

  test('buyer details: the order access token is needed, and bad details are refused naming the field', async () => {
    const o = await pendingOrder();
    assert.equal((await patch(o.orderId, null, { buyer: corrected })).statusCode, 401);
    assert.equal((await patch(o.orderId, 'not-the-token', { buyer: corrected })).statusCode, 401);
    for (const [payload, field] of [
      [{ buyer: { ...corrected, email: 'ana@' } }, 'email'],
      [{ buyer: { ...corrected, name: '' } }, 'name'],
      [{ buyer: { name: 'Ana', email: 'ana@example.com' } }, 'locale'],
    ] as const) {
      const refused = await patch(o.orderId, o.accessToken, payload);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(JSON.stringify(refused.json().error), new RegExp(field));
    }
    const view = await t.app.inject({ url: `/api/orders/${o.orderId}`, headers: { authorization: `Bearer ${o.accessToken}` } });
    assert.deepEqual(view.json().buyer, buyer, 'nothing changed');
  });

  test('buyer details: a released hold or a new email over the per-customer limit is refused', async () => {
    const o = await pendingOrder(2);
    const limited = await t.app.inject({ method: 'PATCH', url: `/api/admin/events/${o.show.eventId}`, headers: admin, payload: { maxTicketsPerCustomer: 3 } });
    assert.equal(limited.statusCode, 200, limited.body);
    // Someone else, as ana@gmail.com, already has two tickets of this performance: two more would pass three.
    const other = await hold(t.app, o.show.performanceId, { categoryId: o.show.categories.Front, quantity: 2 });
    const otherOrder = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${other.json().holdId}/order`,
      headers: { 'idempotency-key': `k-${other.json().holdId}`, authorization: `Bearer ${other.json().holdToken}` },
      payload: { buyer: { ...buyer, email: 'ana@gmail.com' } },
    });
    assert.equal(otherOrder.statusCode, 201, otherOrder.body);
    const over = await patch(o.orderId, o.accessToken, { buyer: corrected });
    assert.equal(over.statusCode, 409);
    assert.equal(over.json().error.code, 'customer_limit_reached');
    assert.equal((await patch(o.orderId, o.accessToken, { buyer: { ...buyer, name: 'Ana R.' } })).statusCode, 200, 'the same email stays fine');

    const released = await t.app.inject({
      method: 'DELETE',
      url: `/api/holds/${o.holdId}`,
      headers: { authorization: `Bearer ${t.ctx.holdAccess.tokenFor(o.holdId)}` },
    });
    assert.equal(released.statusCode, 204, released.body);
    const gone = await patch(o.orderId, o.accessToken, { buyer: { ...buyer, name: 'Ana' } });
    assert.equal(gone.statusCode, 409);
    assert.equal(gone.json().error.code, 'hold_expired');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, testPayments, admin, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { buyer, CARDS, cardToken, createShow, hold, holdAuth, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { expireHolds } from '../inventory/holds.service.js';

describe('checkout', { skip: !databaseAvailable && skipReason }, () => {
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

  async function heldOrder(body?: object) {
    const show = await createShow(t.app, { rows: 2, perRow: 5, gaCapacity: 10 });
    const h = await hold(t.app, show.performanceId, body ?? { categoryId: show.categories.Front, quantity: 2 });
    assert.equal(h.statusCode, 201, h.body);
    const o = await order(t.app, h.json().holdId);
    assert.equal(o.statusCode, 201, o.body);
    return {
      show,
      holdId: h.json().holdId as string,
      ...(o.json() as { orderId: string; accessToken: string; payment: { provider: string; sessionId: string; url: string } }),
    };
  }
  const pay = (orderId: string, token: string) => t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/payment`, payload: { token } });

  test('checkout: hold, order, pay with a good card and get signed tickets that the order page shows', async () => {
    const o = await heldOrder();
    assert.equal(o.payment.provider, 'test');
    assert.ok(o.payment.url.startsWith(t.ctx.config.paymentOrigin), 'card form on the provider origin');
    const paid = await pay(o.orderId, await cardToken(payments, o.payment.sessionId));
    assert.equal(paid.statusCode, 200, paid.body);
    assert.equal(paid.json().status, 'paid');
    assert.equal(paid.json().tickets.length, 2);
    for (const ticket of paid.json().tickets) assert.ok(t.ctx.tickets.verify(ticket.code)?.ticketId === ticket.id);
    const view = await t.app.inject({ url: `/api/orders/${o.orderId}`, headers: { authorization: `Bearer ${o.accessToken}` } });
    assert.equal(view.statusCode, 200);
    assert.equal(view.json().status, 'paid');
    assert.equal(view.json().total, 10000);
    assert.deepEqual(
      view
        .json()
        .tickets.map((x: { id: string }) => x.id)
        .sort(),
      paid
        .json()
        .tickets.map((x: { id: string }) => x.id)
        .sort(),
    );
    const avail = (await t.app.inject(`/api/performances/${o.show.performanceId}/availability`)).json();
    assert.equal(avail.seats.filter((s: { status: string }) => s.status === 'sold').length, 2);
    const mail = await t.ctx.db.selectFrom('outbox').selectAll().where('order_id', '=', o.orderId).execute();
    assert.equal(mail.length, 1, 'one confirmation queued with the order');
    assert.equal(mail[0]!.recipient, buyer.email);
    assert.match(mail[0]!.body_text, new RegExp(o.orderId));
  });

  test('checkout: the order page needs the order access token', async () => {
    const o = await heldOrder();
    for (const authorization of [undefined, 'Bearer nope', `Bearer ${o.accessToken}x`]) {
      const res = await t.app.inject({ url: `/api/orders/${o.orderId}`, headers: authorization ? { authorization } : {} });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'unauthorized');
    }
  });

  test('checkout: the same Idempotency-Key returns the same order; reusing it for another request is refused', async () => {
    const show = await createShow(t.app);
    const h = (await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 1 })).json();
    const [a, b] = await Promise.all([order(t.app, h.holdId, 'same-key'), order(t.app, h.holdId, 'same-key')]);
    assert.equal(a.statusCode, 201);
    assert.equal(b.statusCode, 201);
    assert.deepEqual(a.json(), b.json());
    const c = await order(t.app, h.holdId, 'same-key');
    assert.deepEqual(c.json(), a.json());
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${h.holdId}/order`,
      headers: { 'idempotency-key': 'same-key', ...holdAuth(h) },
      payload: { buyer: { ...buyer, name: 'Someone Else' } },
    });
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().error.code, 'idempotency_key_reused');
    const second = await order(t.app, h.holdId, 'another-key');
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().error.code, 'hold_already_ordered');
    const count = await t.ctx.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('hold_id', '=', h.holdId)
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 1);
    const records = await t.ctx.db.selectFrom('checkout_records').selectAll().where('order_id', '=', a.json().orderId).execute();
    assert.equal(records.length, 1);
    assert.equal(records[0]!.build_id, t.ctx.buildId);
  });

  test('checkout: order requests with bad input name the field', async () => {
    const show = await createShow(t.app);
    const h = (await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 1 })).json();
    const cases: [Record<string, string>, object, string][] = [
      [{}, { buyer }, 'headers.idempotency-key'],
      [{ 'idempotency-key': 'k1' }, { buyer: { ...buyer, email: 'not-an-email' } }, 'body.buyer.email'],
      [{ 'idempotency-key': 'k2' }, { buyer: { name: 'A', email: 'a@b.co' } }, 'body.buyer.locale'],
      [{ 'idempotency-key': 'k3' }, { buyer: { ...buyer, name: '' } }, 'body.buyer.name'],
    ];
    for (const [headers, payload, field] of cases) {
      const res = await t.app.inject({ method: 'POST', url: `/api/holds/${h.holdId}/order`, headers, payload });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.field, field);
    }
    const missing = await order(t.app, '00000000-0000-4000-8000-000000000000');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'hold_not_found');
  });

  test('checkout: a declined card then a good one; the hold stays while the buyer retries', async () => {
    const o = await heldOrder();
    const declined = await pay(o.orderId, await cardToken(payments, o.payment.sessionId, CARDS.declined));
    assert.equal(declined.statusCode, 402);
    assert.equal(declined.json().error.code, 'payment_declined');
    assert.equal(declined.json().error.reason, 'card_declined');
    const poor = await pay(o.orderId, await cardToken(payments, o.payment.sessionId, CARDS.insufficient));
    assert.equal(poor.statusCode, 402);
    assert.equal(poor.json().error.reason, 'insufficient_funds');
    assert.equal((await t.app.inject({ url: `/api/holds/${o.holdId}`, headers: holdAuth(o.holdId) })).json().status, 'active');
    const good = await pay(o.orderId, await cardToken(payments, o.payment.sessionId));
    assert.equal(good.statusCode, 200, good.body);
    assert.equal(good.json().tickets.length, 2);
    const attempts = await t.ctx.db.selectFrom('payment_attempts').select('outcome').where('order_id', '=', o.orderId).execute();
    assert.deepEqual(attempts.map((a) => a.outcome).sort(), ['declined', 'declined', 'succeeded']);
  });

  test('checkout: a token made for another order is declined and reusing a token is refused', async () => {
    const a = await heldOrder();
    const b = await heldOrder();
    const tokenA = await cardToken(payments, a.payment.sessionId);
    const wrong = await pay(b.orderId, tokenA);
    assert.equal(wrong.statusCode, 402);
    assert.equal(wrong.json().error.reason, 'token_mismatch');
    assert.equal((await pay(a.orderId, tokenA)).statusCode, 200);
    const garbage = await pay(b.orderId, 'tok_garbage');
    assert.equal(garbage.statusCode, 402);
    assert.equal(garbage.json().error.reason, 'invalid_token');
    const declinedToken = await cardToken(payments, b.payment.sessionId, CARDS.declined);
    assert.equal((await pay(b.orderId, declinedToken)).statusCode, 402);
    const reused = await pay(b.orderId, declinedToken);
    assert.equal(reused.statusCode, 409);
    assert.equal(reused.json().error.code, 'token_used');
  });

  test('checkout: confirming the same payment twice at once issues one set of tickets', async () => {
    const o = await heldOrder();
    const token = await cardToken(payments, o.payment.sessionId);
    const results = await Promise.all(Array.from({ length: 5 }, () => pay(o.orderId, token)));
    assert.ok(
      results.every((r) => r.statusCode === 200),
      results.map((r) => r.body).join('\n'),
    );
    const ids = results.map((r) =>
      r
        .json()
        .tickets.map((x: { id: string }) => x.id)
        .sort()
        .join(),
    );
    assert.equal(new Set(ids).size, 1, 'every answer names the same tickets');
    const tickets = await t.ctx.db.selectFrom('tickets').select('id').where('order_id', '=', o.orderId).execute();
    assert.equal(tickets.length, 2);
    const later = await pay(o.orderId, await cardToken(payments, o.payment.sessionId));
    assert.equal(later.statusCode, 200, 'a later confirmation sees the paid order');
    assert.equal((await t.ctx.db.selectFrom('tickets').select('id').where('order_id', '=', o.orderId).execute()).length, 2);
    const mail = await t.ctx.db.selectFrom('outbox').select('id').where('order_id', '=', o.orderId).execute();
    assert.equal(mail.length, 1);
  });

  test('checkout: an expired hold cannot be ordered or paid, and its stock is back', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 4 });
    const h = (await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 2 })).json();
    const o = (await order(t.app, h.holdId)).json();
    const late = (await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 2 })).json();
    await t.ctx.db
      .updateTable('holds')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', 'in', [h.holdId, late.holdId])
      .execute();
    const paid = await pay(o.orderId, await cardToken(payments, o.payment.sessionId));
    assert.equal(paid.statusCode, 409);
    assert.equal(paid.json().error.code, 'hold_expired');
    const ordered = await order(t.app, late.holdId);
    assert.equal(ordered.statusCode, 409);
    assert.equal(ordered.json().error.code, 'hold_expired');
    await expireHolds(t.ctx.db);
    t.ctx.availability.invalidate(show.performanceId);
    const avail = (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
    assert.equal(avail.seats.filter((s: { status: string }) => s.status === 'available').length, 4);
    const view = await t.app.inject({ url: `/api/orders/${o.orderId}`, headers: { authorization: `Bearer ${o.accessToken}` } });
    assert.equal(view.json().status, 'expired');
  });

  test('checkout: a refund voids the tickets and puts the seats back on sale', async () => {
    const o = await heldOrder();
    const tickets = (await pay(o.orderId, await cardToken(payments, o.payment.sessionId))).json().tickets;
    const refund = await t.app.inject({ method: 'POST', url: `/api/admin/orders/${o.orderId}/refund`, headers: admin });
    assert.equal(refund.statusCode, 200, refund.body);
    assert.equal(refund.json().status, 'refunded');
    assert.match(refund.json().refundId, /^re_/);
    const again = await t.app.inject({ method: 'POST', url: `/api/admin/orders/${o.orderId}/refund`, headers: admin });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'order_not_refundable');
    const scan = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: admin, payload: { code: tickets[0].code } });
    assert.equal(scan.statusCode, 400);
    assert.equal(scan.json().result, 'invalid');
    const avail = (await t.app.inject(`/api/performances/${o.show.performanceId}/availability`)).json();
    assert.equal(avail.seats.filter((s: { status: string }) => s.status === 'available').length, 10);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('subject_id', '=', o.orderId).execute();
    assert.ok(audit.some((a) => a.action === 'sales.order.refunded'));
  });

  test('checkout: cancelling a paid GA order returns its places; cancelling a pending one releases the hold', async () => {
    const show = await createShow(t.app, { gaCapacity: 10 });
    const paidHold = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 3 })).json();
    const paidOrder = (await order(t.app, paidHold.holdId)).json();
    assert.equal((await pay(paidOrder.orderId, await cardToken(payments, paidOrder.payment.sessionId))).statusCode, 200);
    const pendingHold = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 })).json();
    const pendingOrder = (await order(t.app, pendingHold.holdId)).json();
    const sales = async () => (await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/sales`, headers: admin })).json();
    const before = await sales();
    assert.equal(before.sold, 3);
    assert.equal(before.held, 2);
    for (const id of [paidOrder.orderId, pendingOrder.orderId]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/admin/orders/${id}/cancel`, headers: admin });
      assert.equal(res.statusCode, 200, res.body);
    }
    const afterwards = await sales();
    assert.equal(afterwards.sold, 0);
    assert.equal(afterwards.held, 0);
    assert.equal(afterwards.available, before.capacity);
    assert.equal(afterwards.orders.cancelled, 2);
  });

  test('checkout: selling the last place marks the performance sold out; a refund reopens it', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 1, gaCapacity: 1 });
    const ids: string[] = [];
    for (const body of [
      { categoryId: show.categories.Front, quantity: 1 },
      { gaAreaId: show.gaAreaId, quantity: 1 },
    ]) {
      const h = (await hold(t.app, show.performanceId, body)).json();
      const o = (await order(t.app, h.holdId)).json();
      assert.equal((await pay(o.orderId, await cardToken(payments, o.payment.sessionId))).statusCode, 200);
      ids.push(o.orderId);
    }
    const status = async () => (await t.app.inject(`/api/events/${show.eventId}`)).json().performances[0].status;
    assert.equal(await status(), 'sold_out');
    await t.app.inject({ method: 'POST', url: `/api/admin/orders/${ids[0]}/refund`, headers: admin });
    assert.equal(await status(), 'on_sale');
  });

  test('checkout: a signed webhook confirms the payment once, even racing the API', async () => {
    const o = await heldOrder();
    const token = await cardToken(payments, o.payment.sessionId);
    const body = JSON.stringify({ type: 'payment.succeeded', sessionId: o.payment.sessionId, token });
    const signature = (t.ctx.payments as unknown as { signWebhook(b: string): string }).signWebhook(body);
    const webhook = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/payments/webhooks/test',
        headers: { 'content-type': 'application/json', 'taquilla-test-signature': signature },
        payload: body,
      });
    const [hook, api] = await Promise.all([webhook(), pay(o.orderId, token)]);
    assert.equal(hook.statusCode, 200, hook.body);
    assert.equal(api.statusCode, 200, api.body);
    assert.equal((await t.ctx.db.selectFrom('tickets').select('id').where('order_id', '=', o.orderId).execute()).length, 2);
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/payments/webhooks/test',
      headers: { 'content-type': 'application/json', 'taquilla-test-signature': 't=1,v1=00' },
      payload: body,
    });
    assert.equal(forged.statusCode, 400);
    assert.equal(forged.json().error.code, 'invalid_webhook');
  });
  test('checkout: a price change between order and payment does not change what the tickets say was paid', async () => {
    const o = await heldOrder();
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/price-categories/${o.show.categories.Front}`,
      headers: admin,
      payload: { price: 9900 },
    });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal((await pay(o.orderId, await cardToken(payments, o.payment.sessionId))).statusCode, 200);
    const view = (await t.app.inject({ url: `/api/orders/${o.orderId}`, headers: { authorization: `Bearer ${o.accessToken}` } })).json();
    assert.equal(view.total, 10000);
    assert.deepEqual(
      view.tickets.map((x: { price: number }) => x.price),
      [5000, 5000],
    );
  });
});

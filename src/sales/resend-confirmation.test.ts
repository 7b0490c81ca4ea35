import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, type TestApp, testApp, testPayments } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, holdAuth, order } from '../../tests/helpers/fixtures.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import type { App } from '../app.js';

describe('resend confirmation', { skip: !databaseAvailable && skipReason }, () => {
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

  const resend = (orderId: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: `/api/admin/orders/${orderId}/resend-confirmation`, headers });
  const confirmations = async (orderId: string) =>
    t.ctx.db.selectFrom('outbox').select(['recipient', 'body_text']).where('order_id', '=', orderId).where('kind', '=', 'order_confirmation').execute();

  test('orders: support sends a paid order’s confirmation again; a door account may not; an unpaid order has none to send', async () => {
    const show = await createShow(t.app, { rows: 2, perRow: 5, gaCapacity: 20 });
    const o = (await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 })).json())).json();
    const pending = (await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json())).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    assert.equal((await confirmations(o.orderId)).length, 1);

    const support = await signedInStaff(t.app, 'support');
    const again = await resend(o.orderId, support.headers);
    assert.equal(again.statusCode, 202, again.body);
    assert.equal(again.json().tickets, 2);
    const sent = await confirmations(o.orderId);
    assert.equal(sent.length, 2);
    assert.equal(sent[1]!.recipient, sent[0]!.recipient, "to the order's own address");
    const audited = await t.ctx.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'sales.order.confirmation_resent')
      .where('subject_id', '=', o.orderId)
      .executeTakeFirst();
    assert.equal(audited?.actor, `staff:${support.id}`);

    const door = await signedInStaff(t.app, 'door');
    const refused = await resend(o.orderId, door.headers);
    assert.deepEqual([refused.statusCode, refused.json().error.permission], [403, 'orders.resend']);
    const unpaid = await resend(pending.orderId, admin);
    assert.deepEqual([unpaid.statusCode, unpaid.json().error.code], [409, 'order_not_paid']);
    assert.equal((await resend('00000000-0000-4000-8000-000000000000', admin)).statusCode, 404);
  });

  test('orders: the confirmation goes again in the buyer’s language, with only the tickets still valid after a partial refund', async () => {
    const show = await createShow(t.app, { gaCapacity: 20 });
    const h = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 3 })).json();
    const made = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${h.holdId}/order`,
      headers: { 'idempotency-key': `resend-${h.holdId}`, ...holdAuth(h) },
      payload: { buyer: { name: 'Kari Nordmann', email: 'kari@example.com', locale: 'nb-NO' } },
    });
    const o = made.json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    const refunded = await t.app.inject({
      method: 'POST',
      url: `/api/admin/orders/${o.orderId}/refund`,
      headers: admin,
      payload: { ticketIds: [paid.json().tickets[0].id] },
    });
    assert.equal(refunded.statusCode, 200, refunded.body);

    const again = await resend(o.orderId, admin);
    assert.deepEqual([again.statusCode, again.json().tickets], [202, 2]);
    const message = await t.ctx.db.selectFrom('outbox').selectAll().where('id', '=', again.json().messageId).executeTakeFirstOrThrow();
    assert.deepEqual([message.recipient, message.locale, message.subject], ['kari@example.com', 'nb', 'Bestillingen er bekreftet: Test Show']);
    assert.match(message.body_text, /^Hei Kari Nordmann,/);
    assert.match(message.body_text, /Se billettene dine: /);
    assert.equal(message.body_text.match(/^- Floor/gm)?.length, 2, 'the refunded ticket is left out');
    assert.match(message.body_text, /Totalt: 60,00\s€/, 'the total of the valid tickets');
  });
});

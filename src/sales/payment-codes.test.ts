import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { REPLAY_CODES_MS } from './payment.service.js';

describe('ticket codes after payment', { skip: !databaseAvailable && skipReason }, () => {
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

  test("checkout: a paid order's codes are never returned without its access token or the token that just paid it", async () => {
    const show = await createShow(t.app);
    const created = (await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 })).json())).json();
    const pay = (token: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: `/api/orders/${created.orderId}/payment`, headers, payload: { token } });
    const paying = await cardToken(payments, created.payment.sessionId);
    const paid = await pay(paying);
    assert.equal(paid.statusCode, 200, paid.body);
    const codes = paid.json().tickets.map((x: { code: string }) => x.code);
    assert.equal(codes.length, 2, 'the paying answer carries the codes');

    // Anyone else who knows the order id (it is in the email, the payment session, log paths).
    const another = await cardToken(payments, created.payment.sessionId);
    for (const [token, headers] of [
      [another, {}],
      ['tok_forged', {}],
      [another, { authorization: 'Bearer not-the-access-token' }],
    ] as [string, Record<string, string>][]) {
      const answer = await pay(token, headers);
      assert.equal(answer.statusCode, 200, answer.body);
      assert.deepEqual(answer.json(), { status: 'paid', tickets: [], ticketsWithheld: true });
      for (const code of codes) assert.ok(!answer.body.includes(code), 'no code in the answer');
    }

    // The token that paid, asking again (its answer was lost): the codes, for a few minutes.
    assert.deepEqual(
      (await pay(paying)).json().tickets.map((x: { code: string }) => x.code),
      codes,
    );
    // The order's access token, any time.
    const withAccess = await pay(another, { authorization: `Bearer ${created.accessToken}` });
    assert.deepEqual(
      withAccess.json().tickets.map((x: { code: string }) => x.code),
      codes,
    );

    // Later, the paying token alone no longer shows them.
    await t.ctx.db
      .updateTable('payment_attempts')
      .set({ created_at: new Date(Date.now() - REPLAY_CODES_MS - 1000) } as never)
      .where('order_id', '=', created.orderId)
      .execute();
    assert.deepEqual((await pay(paying)).json(), { status: 'paid', tickets: [], ticketsWithheld: true });

    const tickets = await t.ctx.db.selectFrom('tickets').select('id').where('order_id', '=', created.orderId).execute();
    assert.equal(tickets.length, 2, 'asking again issued nothing more');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../app.js';
import { testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order, type Show } from '../../tests/helpers/fixtures.js';
import { flipIfSoldOut } from './sold-out.js';

describe('sold out: the last payments', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  before(async () => {
    t = await testApp({ LOG_LEVEL: 'error' });
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });

  const statusOf = async (performanceId: string) =>
    (await t.ctx.db.selectFrom('performances').select('status').where('id', '=', performanceId).executeTakeFirstOrThrow()).status;
  const soldOutEntries = async (performanceId: string) =>
    (await t.ctx.db.selectFrom('audit_log').select('id').where('subject_id', '=', performanceId).where('action', '=', 'catalog.performance.sold_out').execute())
      .length;

  /** Holds and orders for each of `bodies` (one fan each), with a card token ready for each order. */
  async function ordersFor(show: Show, bodies: object[]) {
    const ready = [];
    for (const body of bodies) {
      const held = await hold(t.app, show.performanceId, body);
      assert.equal(held.statusCode, 201, held.body);
      const made = await order(t.app, held.json());
      assert.equal(made.statusCode, 201, made.body);
      const { orderId, accessToken, payment } = made.json();
      ready.push({ orderId, accessToken, token: await cardToken(payments, payment.sessionId) });
    }
    return ready;
  }

  test('sold out: the last payments side by side flip the performance once, though each saw the others still held', async () => {
    // Each payment charges the card between its lock and its sale; holding every charge until all
    // have arrived sends the sales to the database together, so each statement sees the others'
    // holds still active. Before payments settled after committing, most rounds stayed on sale.
    const confirm = t.ctx.payments.confirm.bind(t.ctx.payments);
    let waiting: (() => void)[] = [];
    let expected = 0;
    t.ctx.payments.confirm = async (input) => {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === expected) for (const go of waiting.splice(0)) go();
      });
      return confirm(input);
    };
    try {
      for (let round = 0; round < 6; round++) {
        const show = await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 1 });
        const ready = await ordersFor(show, [{ seatIds: [show.seats[0]!.id] }, { seatIds: [show.seats[1]!.id] }, { gaAreaId: show.gaAreaId, quantity: 1 }]);
        expected = ready.length;
        waiting = [];
        const paid = await Promise.all(
          ready.map((r) =>
            t.app.inject({
              method: 'POST',
              url: `/api/orders/${r.orderId}/payment`,
              headers: { authorization: `Bearer ${r.accessToken}` },
              payload: { token: r.token },
            }),
          ),
        );
        for (const res of paid) assert.equal(res.json().status, 'paid', res.body);
        assert.equal(await statusOf(show.performanceId), 'sold_out', `round ${round + 1}: every place paid, and the performance is still on sale`);
        assert.equal(await soldOutEntries(show.performanceId), 1, `round ${round + 1}: one audit entry for the flip`);
      }
    } finally {
      t.ctx.payments.confirm = confirm;
    }
  });

  test('sold out: the sweep flips what has nothing left and leaves a performance with stock or an active hold on sale', async () => {
    const paidOut = await createShow(t.app, { rows: 1, perRow: 1, gaCapacity: 1 });
    const ready = await ordersFor(paidOut, [{ seatIds: [paidOut.seats[0]!.id], gaAreaId: paidOut.gaAreaId, quantity: 1 }]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${ready[0]!.orderId}/payment`,
      headers: { authorization: `Bearer ${ready[0]!.accessToken}` },
      payload: { token: ready[0]!.token },
    });
    assert.equal(res.json().status, 'paid', res.body);
    assert.equal(await statusOf(paidOut.performanceId), 'sold_out');
    // As if the payment's own flip had been lost: everything sold, still on sale.
    await t.ctx.db.updateTable('performances').set({ status: 'on_sale' }).where('id', '=', paidOut.performanceId).execute();

    const withStock = await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 1 });
    const withHold = await createShow(t.app, { rows: 1, perRow: 1, gaCapacity: 1 });
    const held = await hold(t.app, withHold.performanceId, { seatIds: [withHold.seats[0]!.id], gaAreaId: withHold.gaAreaId, quantity: 1 });
    assert.equal(held.statusCode, 201, held.body);

    assert.ok((await flipIfSoldOut(t.ctx.db)) >= 1);
    assert.equal(await statusOf(paidOut.performanceId), 'sold_out');
    assert.equal(await soldOutEntries(paidOut.performanceId), 2, 'the payment flip and the sweep flip, each audited');
    assert.equal(await statusOf(withStock.performanceId), 'on_sale');
    assert.equal(await statusOf(withHold.performanceId), 'on_sale', 'a fan still holds the last places');
    assert.equal(await flipIfSoldOut(t.ctx.db, paidOut.performanceId), 0, 'a sold-out performance is not flipped again');
  });
});

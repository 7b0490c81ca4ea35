import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { buyer, cardToken, holdAuth } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { join, roomShow } from '../waiting-room/waiting-room.fixtures.js';
import { SHED_AT, type RouteClass } from './route-classes.js';
import { createShedder } from './shedding.js';
import { SHIELD_ON } from './shield.fixtures.js';

describe('load shedding', () => {
  test('gives classes up in priority order as pressure rises; checkout never', () => {
    const order: RouteClass[] = ['browse', 'queue_join', 'queue_status', 'hold', 'checkout'];
    let pressure = 0;
    const shedder = createShedder({ pressure: () => pressure });
    for (pressure = 0; pressure <= 50; pressure += 0.05) {
      const shed = order.map((cls) => shedder.sheds(cls));
      // Once a class is shed, every class before it in the order is shed too.
      for (let i = 1; i < shed.length; i++) if (shed[i]) assert.ok(shed[i - 1], `${order[i]} shed before ${order[i - 1]} at ${pressure}`);
      assert.equal(shedder.sheds('checkout'), false);
      assert.equal(shedder.sheds('operator'), false);
    }
    assert.ok(SHED_AT.browse < SHED_AT.queue_join && SHED_AT.queue_join < SHED_AT.queue_status && SHED_AT.queue_status < SHED_AT.hold);
  });

  describe('over HTTP', () => {
    let t: TestApp;
    let payments: App;
    let pressure = 0;
    before(async () => {
      t = await testApp(SHIELD_ON, 20, { shield: { pressure: () => pressure } });
      payments = await testPayments(t.ctx);
    });
    after(async () => {
      await payments.close();
      await t.close();
    });

    test('an admitted buyer holds and pays while browsing, joins and status polls get 503 with Retry-After', async () => {
      const show = await roomShow(t, { maxInCheckout: 10, maxAdmissionsPerMinute: 600 });
      const fan = await join(t.app, show.performanceId, 'fan-shed');
      await t.ctx.waitingRoom.tick(Date.now());
      const status = (await t.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fan.queueTicket}` } })).json();
      assert.equal(status.state, 'admitted');

      pressure = 3; // past status polls' mark, short of holds'
      const refused: [string, Promise<any>][] = [
        ['browse', t.app.inject({ url: '/api/events' })],
        ['queue join', t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/queue`, headers: { 'x-queue-key': 'late-fan' } })],
        ['queue status', t.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fan.queueTicket}` } })],
      ];
      for (const [what, pending] of refused) {
        const res = await pending;
        assert.equal(res.statusCode, 503, `${what}: ${res.body}`);
        assert.equal(res.json().error.code, 'overloaded');
        assert.ok(Number(res.headers['retry-after']) >= 1, `${what} says when to come back`);
      }

      const held = await t.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        headers: { 'x-access-token': status.accessToken },
        payload: { gaAreaId: show.gaAreaId, quantity: 2 },
      });
      assert.equal(held.statusCode, 201, held.body);
      pressure = 40; // far past every mark: new holds are refused, the buyer's checkout is not
      const another = await t.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        headers: { 'x-access-token': status.accessToken },
        payload: { gaAreaId: show.gaAreaId, quantity: 1 },
      });
      assert.equal(another.statusCode, 503);
      const ordered = await t.app.inject({
        method: 'POST',
        url: `/api/holds/${held.json().holdId}/order`,
        headers: { 'idempotency-key': 'shed-1', ...holdAuth(held.json()) },
        payload: { buyer },
      });
      assert.equal(ordered.statusCode, 201, ordered.body);
      const token = await cardToken(payments, ordered.json().payment.sessionId);
      const paid = await t.app.inject({ method: 'POST', url: `/api/orders/${ordered.json().orderId}/payment`, payload: { token } });
      assert.equal(paid.statusCode, 200, paid.body);
      assert.equal(paid.json().status, 'paid');
      pressure = 0;
      assert.equal((await t.app.inject({ url: '/api/events' })).statusCode, 200, 'browsing is served again once pressure falls');
    });
  });
});

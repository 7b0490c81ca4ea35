import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';

interface Point {
  minute: string;
  tickets: number;
  revenue: number;
}

describe('sales timeline', { skip: !databaseAvailable && skipReason }, () => {
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

  /** A paid order, its payment moved to 10 s into the minute `minutesAgo` before `base` (the same base for a whole test). */
  async function paid(performanceId: string, body: object, base: Date, minutesAgo: number): Promise<{ orderId: string; minute: string }> {
    const o = (await order(t.app, (await hold(t.app, performanceId, body)).json().holdId)).json();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(res.statusCode, 200, res.body);
    const minute = new Date(base.getTime() - minutesAgo * 60_000);
    await t.ctx.db
      .updateTable('orders')
      .set({ paid_at: new Date(minute.getTime() + 10_000) })
      .where('id', '=', o.orderId)
      .execute();
    return { orderId: o.orderId, minute: minute.toISOString() };
  }
  const currentMinute = async () => (await sql<{ m: Date }>`SELECT date_trunc('minute', now()) AS m`.execute(t.ctx.db)).rows[0]!.m;
  const timeline = (performanceId: string, query = '', headers: Record<string, string> = admin) =>
    t.app.inject({ url: `/api/admin/performances/${performanceId}/sales/timeline${query}`, headers });

  test('sales timeline: paid orders count per minute of payment, zero-filled; refunded ones drop out', async () => {
    const show = await createShow(t.app, { rows: 2, perRow: 5, gaCapacity: 20 });
    const base = await currentMinute();
    const seats = await paid(show.performanceId, { categoryId: show.categories.Front, quantity: 2 }, base, 5);
    await paid(show.performanceId, { gaAreaId: show.gaAreaId, quantity: 3 }, base, 5);
    const refunded = await paid(show.performanceId, { categoryId: show.categories.Front, quantity: 1 }, base, 2);
    const old = await paid(show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 }, base, 90);
    await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 4 })).json().holdId); // pending: not sold
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/orders/${refunded.orderId}/refund`, headers: admin })).statusCode, 200);

    const res = await timeline(show.performanceId);
    assert.equal(res.statusCode, 200, res.body);
    const points: Point[] = res.json().points;
    assert.equal(points.length, 60, 'default: the last 60 minutes');
    for (let i = 1; i < points.length; i++) assert.equal(Date.parse(points[i]!.minute) - Date.parse(points[i - 1]!.minute), 60_000);
    assert.ok(Math.abs(Date.parse(points.at(-1)!.minute) - Date.now()) < 120_000, 'ends at the current minute');
    const at = points.find((p) => p.minute === seats.minute);
    assert.deepEqual(at, { minute: seats.minute, tickets: 5, revenue: 2 * 5000 + 3 * 3000 });
    assert.ok(
      points.every((p) => p === at || (p.tickets === 0 && p.revenue === 0)),
      'every other minute is zero, the refunded order too',
    );

    const longer: Point[] = (await timeline(show.performanceId, '?minutes=120')).json().points;
    assert.equal(longer.length, 120);
    assert.deepEqual(
      longer.find((p) => p.minute === old.minute),
      { minute: old.minute, tickets: 1, revenue: 3000 },
    );
    assert.equal(
      longer.reduce((n, p) => n + p.tickets, 0),
      6,
    );
  });

  test('sales timeline: minutes outside 1..1440, an unknown performance and a missing admin token are refused', async () => {
    const show = await createShow(t.app, { open: false });
    assert.equal((await timeline(show.performanceId, '?minutes=1')).json().points.length, 1);
    assert.equal((await timeline(show.performanceId, '?minutes=1440')).json().points.length, 1440);
    for (const query of ['?minutes=0', '?minutes=1441', '?minutes=ten']) {
      const res = await timeline(show.performanceId, query);
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json().error.field, 'querystring.minutes');
    }
    const missing = await timeline('00000000-0000-4000-8000-000000000000');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'performance_not_found');
    assert.equal((await timeline(show.performanceId, '', {})).statusCode, 401);
  });
});

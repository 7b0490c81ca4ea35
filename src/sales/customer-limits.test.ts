import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { fromPage, signedInFan } from '../../tests/helpers/customers.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { buyer, createShow, hold, holdAuth, type Show } from '../../tests/helpers/fixtures.js';

describe('per-customer ticket limits', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  const setLimit = (show: Show, maxTicketsPerCustomer: number | null) =>
    t.app.inject({ method: 'PATCH', url: `/api/admin/events/${show.eventId}`, headers: admin, payload: { maxTicketsPerCustomer } });

  async function limitedShow(limit: number | null) {
    const show = await createShow(t.app, { rows: 2, perRow: 10, gaCapacity: 200 });
    assert.equal((await setLimit(show, limit)).statusCode, 200);
    return show;
  }

  async function holdPlaces(show: Show, quantity: number) {
    const h = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity });
    assert.equal(h.statusCode, 201, h.body);
    return h.json() as { holdId: string; holdToken: string };
  }

  function orderOn(h: { holdId: string; holdToken: string }, email: string, cookie?: string) {
    return t.app.inject({
      method: 'POST',
      url: `/api/holds/${h.holdId}/order`,
      headers: { 'idempotency-key': `k-${h.holdId}`, ...holdAuth(h), ...fromPage },
      cookies: cookie ? { tq_customer: cookie } : {},
      payload: { buyer: { ...buyer, email } },
    });
  }
  const order = async (show: Show, quantity: number, email: string, cookie?: string) => orderOn(await holdPlaces(show, quantity), email, cookie);

  test('per-customer limits: the event sets, shows and clears maxTicketsPerCustomer; a bad value names the field', async () => {
    const show = await createShow(t.app);
    const slug = (await t.app.inject({ url: `/api/events/${show.eventId}` })).json().slug;
    assert.equal((await t.app.inject({ url: `/api/events/${slug}` })).json().maxTicketsPerCustomer, null, 'no limit by default');
    const set = await setLimit(show, 6);
    assert.equal(set.json().maxTicketsPerCustomer, 6);
    assert.equal((await t.app.inject({ url: `/api/events/${slug}` })).json().maxTicketsPerCustomer, 6, 'the public detail shows it');
    const bad = await setLimit(show, 0);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.field, /^body\.maxTicketsPerCustomer/);
    assert.equal((await setLimit(show, null)).json().maxTicketsPerCustomer, null);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/admin/events',
      headers: admin,
      payload: { slug: `limited-${process.pid}`, title: 'Limited', maxTicketsPerCustomer: 2, priceCategories: [{ name: 'A', price: 100, currency: 'EUR' }] },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await t.app.inject({ url: `/api/events/limited-${process.pid}` })).json().maxTicketsPerCustomer, 2);
  });

  test('per-customer limits: a guest email is counted across orders, whatever its case; the order past the limit gets 409 customer_limit_reached', async () => {
    const show = await limitedShow(4);
    assert.equal((await order(show, 2, 'guest@example.com')).statusCode, 201);
    assert.equal((await order(show, 2, 'Guest@Example.com')).statusCode, 201);
    const refused = await order(show, 1, 'GUEST@example.com');
    assert.equal(refused.statusCode, 409, refused.body);
    assert.deepEqual(
      { ...refused.json().error, message: undefined },
      { code: 'customer_limit_reached', limit: 4, already: 4, requested: 1, message: undefined },
    );
    assert.equal((await order(show, 4, 'someone-else@example.com')).statusCode, 201, 'another buyer is counted alone');
    const other = await limitedShow(4);
    assert.equal((await order(other, 4, 'guest@example.com')).statusCode, 201, 'and another performance too');
  });

  test('per-customer limits: a signed-in fan is counted by account, whatever email each order names', async () => {
    const show = await limitedShow(4);
    const fan = await signedInFan(t.app, t.ctx.db);
    assert.equal((await order(show, 3, 'gift-one@example.com', fan.cookie)).statusCode, 201);
    const refused = await order(show, 2, 'gift-two@example.com', fan.cookie);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.already, 3);
    assert.equal((await order(show, 1, 'gift-two@example.com', fan.cookie)).statusCode, 201);
    // Guest orders made with the account's own email count for it too.
    const second = await limitedShow(4);
    assert.equal((await order(second, 3, fan.email)).statusCode, 201);
    assert.equal((await order(second, 2, 'gift@example.com', fan.cookie)).statusCode, 409);
  });

  test('per-customer limits: an order whose hold has lapsed no longer counts; with no limit nothing is refused', async () => {
    const show = await limitedShow(3);
    const first = await order(show, 3, 'lapsed@example.com');
    assert.equal(first.statusCode, 201);
    assert.equal((await order(show, 1, 'lapsed@example.com')).statusCode, 409);
    const orderRow = await t.ctx.db.selectFrom('orders').select('hold_id').where('id', '=', first.json().orderId).executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('holds')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', orderRow.hold_id)
      .execute();
    assert.equal((await order(show, 3, 'lapsed@example.com')).statusCode, 201, 'the unpaid, lapsed order is not counted');
    const open = await limitedShow(null);
    for (let i = 0; i < 3; i++) assert.equal((await order(open, 5, 'lots@example.com')).statusCode, 201);
  });

  test('per-customer limits: 12 orders of one ticket sent at once for one email get exactly 4 through', async () => {
    const show = await limitedShow(4);
    const holds = [];
    for (let i = 0; i < 12; i++) holds.push(await holdPlaces(show, 1));
    const answers = await Promise.all(holds.map((h, i) => orderOn(h, i % 2 ? 'racer@example.com' : 'RACER@example.com')));
    const statuses = answers.map((a) => a.statusCode).sort();
    console.log(`# metric customer limit race: ${statuses.filter((s) => s === 201).length} of 12 concurrent orders accepted at limit 4`);
    assert.deepEqual(statuses, [...Array(4).fill(201), ...Array(8).fill(409)]);
    const counted = await t.ctx.db
      .selectFrom('orders')
      .innerJoin('holds', 'holds.id', 'orders.hold_id')
      .select((eb) => eb.fn.sum<number>('holds.quantity').as('n'))
      .where('orders.performance_id', '=', show.performanceId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(counted.n), 4);
  });
});

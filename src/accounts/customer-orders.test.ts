import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { emailedToken, fromPage, get, PASSWORD, post, signedInFan, signIn, uniqueEmail, waitFor } from '../../tests/helpers/customers.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { buyer, createShow, hold, holdAuth, type Show } from '../../tests/helpers/fixtures.js';

describe('customer accounts: orders', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let show: Show;
  before(async () => {
    t = await testApp();
    show = await createShow(t.app, { rows: 4, perRow: 10, gaCapacity: 100 });
  });
  after(async () => {
    await t?.close();
  });

  /** An order of `quantity` standing places, as a guest or (with a cookie, from our pages) signed in. */
  async function orderAs(email: string, opts: { cookie?: string; headers?: Record<string, string> } = {}) {
    const h = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(h.statusCode, 201, h.body);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${h.json().holdId}/order`,
      headers: { 'idempotency-key': `k-${h.json().holdId}`, ...holdAuth(h.json()), ...(opts.headers ?? fromPage) },
      cookies: opts.cookie ? { tq_customer: opts.cookie } : {},
      payload: { buyer: { ...buyer, email } },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().orderId as string;
  }
  const customerOf = async (orderId: string) =>
    (await t.ctx.db.selectFrom('orders').select('customer_id').where('id', '=', orderId).executeTakeFirstOrThrow()).customer_id;

  test('customer accounts: an order made signed in belongs to the account and shows on another device, with a token that opens it', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const orderId = await orderAs('a-gift-for-a-friend@example.com', { cookie: fan.cookie });
    assert.equal(await customerOf(orderId), fan.id);
    const phone = await signIn(t.app, fan.email, fan.password);
    const list = await get(t.app, '/api/account/orders', phone);
    assert.equal(list.statusCode, 200, list.body);
    const [listed] = list.json().orders;
    assert.equal(listed.id, orderId);
    assert.equal(listed.tickets, 1);
    assert.equal(listed.performance.id, show.performanceId);
    const view = await t.app.inject({ url: `/api/orders/${orderId}`, headers: { authorization: `Bearer ${listed.accessToken}` } });
    assert.equal(view.statusCode, 200, 'the listed token opens the order page');
    // Another fan sees nothing of it.
    const other = await signedInFan(t.app, t.ctx.db);
    assert.deepEqual((await get(t.app, '/api/account/orders', other.cookie)).json().orders, []);
  });

  test("customer accounts: a cookie riding on another site's order request does not put the order in the account", async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const orderId = await orderAs(uniqueEmail(), { cookie: fan.cookie, headers: { origin: 'https://evil.example' } });
    assert.equal(await customerOf(orderId), null);
  });

  test('customer accounts: past guest orders are claimed only with the confirmed email, explicitly, and audited', async () => {
    const email = uniqueEmail('guest');
    const mine = [await orderAs(email), await orderAs(email.toUpperCase())];
    const someoneElse = await orderAs(uniqueEmail('other'));

    // Someone who signs up with this address but cannot read its mail never gets in, so never sees them;
    // the owner of the inbox takes the account over by resetting its password.
    const squatter = 'the squatter chose this passphrase';
    await post(t.app, '/api/account/sign-up', { email: email.toUpperCase(), password: squatter });
    assert.equal((await post(t.app, '/api/account/sign-in', { email, password: squatter })).json().error.code, 'email_unverified');
    await post(t.app, '/api/account/password/reset-request', { email });
    const token = await waitFor(() => emailedToken(t.ctx.db, email, 'customer_reset_password'));
    assert.equal((await post(t.app, '/api/account/password/reset', { token, password: PASSWORD })).statusCode, 200);
    assert.equal((await post(t.app, '/api/account/sign-in', { email, password: squatter })).statusCode, 401);
    const fan = {
      id: (await t.ctx.db.selectFrom('customers').select('id').where('email', 'ilike', email).executeTakeFirstOrThrow()).id,
      cookie: await signIn(t.app, email, PASSWORD),
    };
    const before = (await get(t.app, '/api/account/orders', fan.cookie)).json();
    assert.deepEqual([before.orders.length, before.claimable], [0, 2], 'nothing is claimed by itself');

    // The claim route checks the confirmation itself too.
    await t.ctx.db.updateTable('customers').set({ email_verified_at: null }).where('id', '=', fan.id).execute();
    const unconfirmed = await post(t.app, '/api/account/orders/claim', {}, fan.cookie);
    assert.equal(unconfirmed.statusCode, 403);
    assert.equal(unconfirmed.json().error.code, 'email_unverified');
    await t.ctx.db.updateTable('customers').set({ email_verified_at: new Date() }).where('id', '=', fan.id).execute();

    const claimed = await post(t.app, '/api/account/orders/claim', {}, fan.cookie);
    assert.equal(claimed.statusCode, 200, claimed.body);
    assert.deepEqual(claimed.json(), { claimed: 2 });
    const after = (await get(t.app, '/api/account/orders', fan.cookie)).json();
    assert.deepEqual(after.orders.map((o: { id: string }) => o.id).sort(), [...mine].sort());
    assert.equal(after.claimable, 0);
    assert.equal(await customerOf(someoneElse), null);
    assert.deepEqual((await post(t.app, '/api/account/orders/claim', {}, fan.cookie)).json(), { claimed: 0 });
    const audits = await t.ctx.db.selectFrom('audit_log').select(['actor', 'subject_id']).where('action', '=', 'sales.order.claimed').execute();
    assert.deepEqual(audits.map((a) => a.subject_id).sort(), [...mine].sort());
    assert.ok(audits.every((a) => a.actor === `customer:${fan.id}`));
  });

  test('customer accounts: checkout can fill in the name and the email of the signed-in fan', async () => {
    const fan = await signedInFan(t.app, t.ctx.db, { name: 'Ana Rivera', locale: 'nl' });
    const me = (await get(t.app, '/api/account/me', fan.cookie)).json();
    assert.deepEqual([me.name, me.email, me.emailVerified, me.locale, me.totp], ['Ana Rivera', fan.email, true, 'nl', false]);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/account/me',
      headers: fromPage,
      cookies: { tq_customer: fan.cookie },
      payload: { name: 'Ana R.', locale: 'es' },
    });
    assert.equal(patched.statusCode, 204);
    assert.deepEqual((await get(t.app, '/api/account/me', fan.cookie)).json().name, 'Ana R.');
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/account/me',
      headers: fromPage,
      cookies: { tq_customer: fan.cookie },
      payload: { locale: 'de' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'body.locale');
  });
});

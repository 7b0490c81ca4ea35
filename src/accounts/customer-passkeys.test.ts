import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { type Fan, get, post, signedInFan } from '../../tests/helpers/customers.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { SoftAuthenticator } from '../../tests/helpers/soft-authenticator.js';
import { cookieOf, ORIGIN } from '../../tests/helpers/staff.js';

describe('customer accounts: passkeys', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  /** Adds a passkey on `device` to the signed-in fan's account; answers the stored passkey. */
  async function addPasskey(fan: Fan, device: SoftAuthenticator, name?: string) {
    const options = await post(t.app, '/api/account/passkeys/options', {}, fan.cookie);
    assert.equal(options.statusCode, 200, options.body);
    const added = await post(t.app, '/api/account/passkeys', { response: device.register(options.json()), ...(name ? { name } : {}) }, fan.cookie);
    assert.equal(added.statusCode, 201, added.body);
    return added.json();
  }

  /** A passkey sign-in with `device`, as the sign-in page makes it. */
  async function passkeySignIn(device: SoftAuthenticator, claim: { origin?: string; rpId?: string } = {}) {
    const options = await post(t.app, '/api/account/passkey/options', {});
    assert.equal(options.statusCode, 200, options.body);
    const response = device.assert(options.json(), claim);
    return { res: await post(t.app, '/api/account/passkey', { response }), response };
  }

  const refusedAlike = (res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }) => {
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), { error: { code: 'passkey_refused', message: 'The passkey could not be verified; try again' } });
    assert.equal(cookieOf(res, 'tq_customer'), undefined, 'no session');
  };

  const auditOf = (customerId: string) =>
    t.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('subject_id', '=', customerId).orderBy('id').execute();

  test('customer passkeys: a fan adds a passkey, signs out, and signs in with it alone', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const phone = new SoftAuthenticator();
    assert.equal((await get(t.app, '/api/account/me', fan.cookie)).json().passkey, false);
    const added = await addPasskey(fan, phone, '  My phone ');
    assert.equal(added.name, 'My phone');
    assert.equal(added.lastUsedAt, null);

    assert.equal((await post(t.app, '/api/account/sign-out', {}, fan.cookie)).statusCode, 204);
    assert.equal((await get(t.app, '/api/account/me', fan.cookie)).statusCode, 401, 'signed out');

    const { res } = await passkeySignIn(phone);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { state: 'signed_in' });
    const cookie = cookieOf(res, 'tq_customer')!;
    assert.ok(cookieOf(res, 'tq_device'), 'the browser is remembered, as after a password sign-in');
    const me = await get(t.app, '/api/account/me', cookie);
    assert.equal(me.statusCode, 200, me.body);
    assert.deepEqual([me.json().id, me.json().passkey], [fan.id, true]);

    const list = (await get(t.app, '/api/account/passkeys', cookie)).json().passkeys;
    assert.deepEqual(
      list.map((p: { id: string; name: string }) => [p.id, p.name]),
      [[added.id, 'My phone']],
    );
    assert.ok(list[0].lastUsedAt, 'last use recorded');
    const stored = await t.ctx.db.selectFrom('customer_passkeys').select('counter').where('id', '=', added.id).executeTakeFirstOrThrow();
    assert.equal(Number(stored.counter), 1, 'the signature counter moved on');
    const actions = (await auditOf(fan.id)).map((a) => [a.action, (a.data as { method?: string }).method]);
    assert.deepEqual(actions.slice(-2), [
      ['accounts.customer.passkey_added', undefined],
      ['accounts.customer.signed_in', 'passkey'],
    ]);
  });

  test('customer passkeys: a replayed assertion, an unknown passkey, and a staff challenge are refused alike', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const phone = new SoftAuthenticator();
    await addPasskey(fan, phone);
    const { res, response } = await passkeySignIn(phone);
    assert.equal(res.statusCode, 200, res.body);
    refusedAlike(await post(t.app, '/api/account/passkey', { response }));

    const stranger = new SoftAuthenticator();
    stranger.register({ challenge: 'c2lnbi11cA', user: { id: 'c3RyYW5nZXI', name: 'x', displayName: 'x' } } as never);
    refusedAlike((await passkeySignIn(stranger)).res);

    // A challenge made for a staff sign-in does not open a fan's account.
    const staffOptions = await t.app.inject({ method: 'POST', url: '/api/auth/staff/passkey/options', headers: { origin: ORIGIN } });
    refusedAlike(await post(t.app, '/api/account/passkey', { response: phone.assert(staffOptions.json()) }));
  });

  test("customer passkeys: another relying party's passkey is refused, at registration and at sign-in", async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const phishing = { origin: 'https://taquil1a.example', rpId: 'taquil1a.example' };
    const options = await post(t.app, '/api/account/passkeys/options', {}, fan.cookie);
    const elsewhere = await post(t.app, '/api/account/passkeys', { response: new SoftAuthenticator(phishing).register(options.json()) }, fan.cookie);
    assert.equal(elsewhere.statusCode, 401);
    assert.equal(elsewhere.json().error.code, 'passkey_refused');
    assert.equal((await get(t.app, '/api/account/passkeys', fan.cookie)).json().passkeys.length, 0);

    const phone = new SoftAuthenticator();
    await addPasskey(fan, phone);
    refusedAlike((await passkeySignIn(phone, phishing)).res);
    refusedAlike((await passkeySignIn(phone, { origin: phishing.origin })).res);
    refusedAlike((await passkeySignIn(phone, { rpId: phishing.rpId })).res);
    assert.equal((await passkeySignIn(phone)).res.statusCode, 200, 'the real site still works');
  });

  test('customer passkeys: an unverified account or one with a forced reset pending is refused like an unknown passkey', async () => {
    const unverified = await signedInFan(t.app, t.ctx.db);
    const phone = new SoftAuthenticator();
    await addPasskey(unverified, phone);
    await t.ctx.db.updateTable('customers').set({ email_verified_at: null }).where('id', '=', unverified.id).execute();
    refusedAlike((await passkeySignIn(phone)).res);

    const reset = await signedInFan(t.app, t.ctx.db);
    const laptop = new SoftAuthenticator();
    await addPasskey(reset, laptop);
    const forced = await t.app.inject({ method: 'POST', url: '/api/admin/customers/force-reset', headers: admin, payload: { emails: [reset.email] } });
    assert.equal(forced.statusCode, 200, forced.body);
    refusedAlike((await passkeySignIn(laptop)).res);
    const refusals = (await auditOf(reset.id)).filter((a) => a.action === 'accounts.customer.sign_in_refused');
    assert.deepEqual(
      refusals.map((a) => a.data),
      [{ reason: 'password_reset_required', method: 'passkey' }],
    );
  });

  test('customer passkeys: a removed passkey opens nothing, and a fan cannot remove another fan’s', async () => {
    const ana = await signedInFan(t.app, t.ctx.db);
    const bo = await signedInFan(t.app, t.ctx.db);
    const anaPhone = new SoftAuthenticator();
    const anaKey = await addPasskey(ana, anaPhone);

    const del = (id: string, cookie?: string) =>
      t.app.inject({ method: 'DELETE', url: `/api/account/passkeys/${id}`, headers: { origin: ORIGIN }, cookies: cookie ? { tq_customer: cookie } : {} });
    const notBos = await del(anaKey.id, bo.cookie);
    assert.equal(notBos.statusCode, 404);
    assert.equal(notBos.json().error.code, 'passkey_not_found');
    assert.equal((await del(anaKey.id)).statusCode, 401, 'signed out');
    assert.equal((await del('not-a-uuid', ana.cookie)).statusCode, 400);
    const crossSite = await t.app.inject({ method: 'DELETE', url: `/api/account/passkeys/${anaKey.id}`, cookies: { tq_customer: ana.cookie } });
    assert.equal(crossSite.statusCode, 403, 'not from our pages');
    assert.equal((await passkeySignIn(anaPhone)).res.statusCode, 200, 'still works');

    assert.equal((await del(anaKey.id, ana.cookie)).statusCode, 204);
    assert.equal((await del(anaKey.id, ana.cookie)).statusCode, 404, 'gone');
    assert.deepEqual((await get(t.app, '/api/account/passkeys', ana.cookie)).json(), { passkeys: [] });
    assert.equal((await get(t.app, '/api/account/me', ana.cookie)).json().passkey, false);
    refusedAlike((await passkeySignIn(anaPhone)).res);
    assert.ok((await auditOf(ana.id)).some((a) => a.action === 'accounts.customer.passkey_removed'));
  });

  test("customer passkeys: one fan's registration challenge does not register a passkey for another", async () => {
    const ana = await signedInFan(t.app, t.ctx.db);
    const bo = await signedInFan(t.app, t.ctx.db);
    const options = await post(t.app, '/api/account/passkeys/options', {}, ana.cookie);
    const stolen = await post(t.app, '/api/account/passkeys', { response: new SoftAuthenticator().register(options.json()) }, bo.cookie);
    assert.equal(stolen.statusCode, 401);
    assert.equal((await get(t.app, '/api/account/passkeys', bo.cookie)).json().passkeys.length, 0);
    assert.equal((await post(t.app, '/api/account/passkeys/options', {}, undefined)).statusCode, 401, 'options need a signed-in fan');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { emailedToken, emailsTo, get, PASSWORD, post, signedInFan, signIn, uniqueEmail, waitFor } from '../../tests/helpers/customers.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cookieOf, nextCode } from '../../tests/helpers/staff.js';
import { totpCode } from './totp.js';

describe('customer accounts: signing up and in', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('customer accounts: sign-up refuses a weak password saying why, and bad input naming the field', async () => {
    const email = uniqueEmail();
    const refused = async (payload: object) => {
      const res = await post(t.app, '/api/account/sign-up', payload);
      assert.equal(res.statusCode, 400, res.body);
      return res.json().error;
    };
    const short = await refused({ email, password: 'fourteen chars' });
    assert.deepEqual([short.code, short.reason, short.field], ['weak_password', 'too_short', 'body.password']);
    assert.match(short.message, /15 characters/);
    assert.equal((await refused({ email, password: '1qaz2wsx3edc4rfv' })).reason, 'common', 'a 16-character password from the breached list');
    assert.equal((await refused({ email: 'Fan.Name.Long@example.com', password: 'fan.name.long@example.com' })).reason, 'context');
    assert.equal((await refused({ email: 'not-an-email', password: PASSWORD })).field, 'body.email');
    assert.equal((await refused({ password: PASSWORD })).field, 'body.email');
    assert.equal((await refused({ email, password: PASSWORD, locale: 'x' })).field, 'body.locale');
    assert.equal((await refused({ email, password: PASSWORD, role: 'owner' })).field, 'body.role');
    assert.deepEqual(await emailsTo(t.ctx.db, email), [], 'nothing was sent for a refused sign-up');
    const count = await t.ctx.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  test('customer accounts: sign-up answers alike for a new and a taken email; the owner of the address is the one told', async () => {
    const email = uniqueEmail();
    const first = await post(t.app, '/api/account/sign-up', { email, password: PASSWORD, locale: 'es-ES' });
    const again = await post(t.app, '/api/account/sign-up', { email: email.toUpperCase(), password: 'another passphrase entirely' });
    assert.equal(first.statusCode, 202);
    assert.deepEqual([again.statusCode, again.body, again.headers['set-cookie']], [first.statusCode, first.body, undefined], 'same answer, no session');
    // Unconfirmed and asked again within minutes: the first link stands, no second email.
    let mail = await emailsTo(t.ctx.db, email);
    assert.deepEqual(
      mail.map((m) => [m.kind, m.locale]),
      [['customer_verify_email', 'es']],
    );
    assert.match(mail[0]!.subject, /Confirma tu correo/);
    await post(t.app, '/api/account/verify', { token: await emailedToken(t.ctx.db, email, 'customer_verify_email'), password: PASSWORD });
    await post(t.app, '/api/account/sign-up', { email, password: 'another passphrase entirely' });
    mail = await emailsTo(t.ctx.db, email);
    assert.equal(mail.at(-1)!.kind, 'customer_account_exists', 'a confirmed owner hears someone tried');
    assert.match(mail.at(-1)!.subject, /Ya tienes una cuenta/);
    const customers = await t.ctx.db.selectFrom('customers').select(['email', 'locale']).where('email', 'ilike', email).execute();
    assert.deepEqual(customers, [{ email, locale: 'es' }], 'one account, the first password');
    await signIn(t.app, email, PASSWORD);
  });

  test('customer accounts: the email link works once and only with the password chosen at sign-up; before it, sign-in says to confirm the email', async () => {
    const email = uniqueEmail();
    await post(t.app, '/api/account/sign-up', { email, password: PASSWORD });
    const early = await post(t.app, '/api/account/sign-in', { email, password: PASSWORD });
    assert.equal(early.statusCode, 403);
    assert.equal(early.json().error.code, 'email_unverified');
    assert.equal(early.headers['set-cookie'], undefined);
    const token = await emailedToken(t.ctx.db, email, 'customer_verify_email');
    // Someone who signed up with another person's address: that person's click, without the password, confirms nothing.
    const notTheirs = await post(t.app, '/api/account/verify', { token, password: 'the owner of the inbox types theirs' });
    assert.equal(notTheirs.statusCode, 401);
    assert.equal(notTheirs.json().error.code, 'invalid_credentials');
    const verified = await post(t.app, '/api/account/verify', { token, password: PASSWORD });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.deepEqual(verified.json(), { state: 'signed_in', email });
    assert.equal((await get(t.app, '/api/account/me', cookieOf(verified, 'tq_customer'))).statusCode, 200, 'and signed in');
    const replay = await post(t.app, '/api/account/verify', { token, password: PASSWORD });
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().error.code, 'link_invalid');
    assert.equal((await post(t.app, '/api/account/verify', { token: `${token.slice(0, -2)}xx`, password: PASSWORD })).statusCode, 401);
    const stored = await t.ctx.db.selectFrom('customer_tokens').select('token_hash').execute();
    assert.ok(
      stored.every((row) => row.token_hash !== token && /^[0-9a-f]{64}$/.test(row.token_hash)),
      'only hashes are stored',
    );
    await signIn(t.app, email, PASSWORD);
  });

  test('customer accounts: the session cookie is HttpOnly, SameSite=Lax, Path=/api; sign-out ends it; a request from another site is refused', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const res = await post(t.app, '/api/account/sign-in', { email: fan.email, password: fan.password });
    const set = String(res.headers['set-cookie']);
    assert.match(set, /^tq_customer=/);
    assert.match(set, /HttpOnly/i);
    assert.match(set, /SameSite=Lax/i);
    assert.match(set, /Path=\/api/);
    assert.doesNotMatch(set, /Secure/i, 'http base URL: no Secure flag');
    const cookie = cookieOf(res, 'tq_customer')!;
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/api/account/sign-out',
      headers: { origin: 'https://evil.example' },
      cookies: { tq_customer: cookie },
    });
    assert.equal(crossSite.statusCode, 403);
    assert.equal(crossSite.json().error.code, 'csrf_refused');
    assert.equal((await get(t.app, '/api/account/me', cookie)).statusCode, 200);
    assert.equal((await post(t.app, '/api/account/sign-out', {}, cookie)).statusCode, 204);
    assert.equal((await get(t.app, '/api/account/me', cookie)).statusCode, 401);
  });

  test('customer accounts: an unknown email and a wrong password get the same answer, in about the same time', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const time = async (email: string) => {
      const started = performance.now();
      const res = await post(t.app, '/api/account/sign-in', { email, password: 'not the right passphrase at all' });
      return { ms: performance.now() - started, status: res.statusCode, body: res.body, cookie: res.headers['set-cookie'] };
    };
    const wrong = [];
    const unknown = [];
    for (let i = 0; i < 9; i++) {
      wrong.push(await time(fan.email));
      unknown.push(await time(`nobody-${i}-${fan.email}`));
    }
    for (const r of [...wrong, ...unknown]) {
      assert.equal(r.status, 401);
      assert.equal(r.body, wrong[0]!.body, 'byte for byte the same answer');
      assert.equal(r.cookie, undefined);
    }
    const median = (rs: { ms: number }[]) => rs.map((r) => r.ms).sort((a, b) => a - b)[4]!;
    const [a, b] = [median(wrong), median(unknown)];
    console.log(`# metric customer sign-in refusal: wrong password ${a.toFixed(1)} ms, unknown account ${b.toFixed(1)} ms (medians of 9)`);
    // Both pay one argon2id verification; without the dummy hash the unknown one would be ~10x faster.
    assert.ok(b > a / 2 && b < a * 2, `${a} vs ${b}`);
    const failures = await t.ctx.db.selectFrom('audit_log').select('subject_id').where('action', '=', 'accounts.customer.sign_in_failed').execute();
    assert.equal(failures.filter((f) => f.subject_id === fan.id).length, 9, 'failures are audited');
  });

  test('customer accounts: with TOTP, the password alone opens nothing; a code signs in once, the same code again is refused; a recovery code works once', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const setup = await post(t.app, '/api/account/totp/setup', {}, fan.cookie);
    assert.equal(setup.statusCode, 200, setup.body);
    const { secret, uri } = setup.json();
    assert.match(uri, /^otpauth:\/\/totp\//);
    const enrolled = await post(t.app, '/api/account/totp', { secret, code: totpCode(secret) }, fan.cookie);
    assert.equal(enrolled.statusCode, 200, enrolled.body);
    const recoveryCodes: string[] = enrolled.json().recoveryCodes;
    assert.equal(recoveryCodes.length, 10);

    const partialOf = async () => {
      const res = await post(t.app, '/api/account/sign-in', { email: fan.email, password: fan.password });
      assert.deepEqual(res.json(), { state: 'second_factor', methods: ['totp', 'recovery_code'] });
      return cookieOf(res, 'tq_customer')!;
    };
    const partial = await partialOf();
    assert.equal((await get(t.app, '/api/account/me', partial)).statusCode, 401, 'half signed in opens nothing');
    assert.equal((await get(t.app, '/api/account/orders', partial)).statusCode, 401);
    const code = nextCode(secret);
    const second = await post(t.app, '/api/account/second-factor', { totp: code }, partial);
    assert.equal(second.statusCode, 200, second.body);
    const full = cookieOf(second, 'tq_customer')!;
    assert.notEqual(full, partial, 'a new secret after the second factor');
    assert.equal((await get(t.app, '/api/account/me', full)).json().totp, true);

    const replay = await post(t.app, '/api/account/second-factor', { totp: code }, await partialOf());
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().error.code, 'invalid_code');
    const spend = async () => post(t.app, '/api/account/second-factor', { recoveryCode: recoveryCodes[0]!.toUpperCase() }, await partialOf());
    assert.equal((await spend()).statusCode, 200);
    assert.equal((await spend()).statusCode, 401, 'a recovery code works once');
    const failed = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', fan.id)
      .where('action', '=', 'accounts.customer.second_factor_failed')
      .execute();
    assert.equal(failed.length, 2);

    // With a second factor the password may be 8 characters; turning it off then needs a 15-character one.
    assert.equal((await post(t.app, '/api/account/password/change', { currentPassword: fan.password, newPassword: 'tangerine42' }, full)).statusCode, 200);
    const off = await post(t.app, '/api/account/totp/remove', { password: 'tangerine42', recoveryCode: recoveryCodes[1]! }, full);
    assert.equal(off.statusCode, 409);
    assert.equal(off.json().error.code, 'password_too_short');
  });

  test('customer accounts: a reset link sets a new password once and ends every session; a weak password leaves the link usable', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const other = await signIn(t.app, fan.email, fan.password);
    const asked = await post(t.app, '/api/account/password/reset-request', { email: fan.email.toUpperCase() });
    const unknown = await post(t.app, '/api/account/password/reset-request', { email: uniqueEmail('nobody') });
    assert.deepEqual([asked.statusCode, asked.body], [unknown.statusCode, unknown.body], 'the same answer for an unknown address');
    assert.equal(asked.statusCode, 202);
    const token = await waitFor(() => emailedToken(t.ctx.db, fan.email, 'customer_reset_password'));
    const expiry = await t.ctx.db
      .selectFrom('customer_tokens')
      .select(['created_at', 'expires_at'])
      .where('purpose', '=', 'reset_password')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(Math.round((expiry.expires_at.getTime() - expiry.created_at.getTime()) / 60_000), 60, 'good for one hour');

    const weak = await post(t.app, '/api/account/password/reset', { token, password: 'too short' });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().error.reason, 'too_short');
    const newPassword = 'a brand new passphrase for this fan';
    const reset = await post(t.app, '/api/account/password/reset', { token, password: newPassword });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal(reset.json().sessionsEnded, 2);
    for (const cookie of [fan.cookie, other]) assert.equal((await get(t.app, '/api/account/me', cookie)).statusCode, 401, 'every session ended');
    assert.equal((await post(t.app, '/api/account/password/reset', { token, password: 'yet another long passphrase' })).statusCode, 401, 'the link works once');
    assert.equal((await post(t.app, '/api/account/sign-in', { email: fan.email, password: fan.password })).statusCode, 401);
    await signIn(t.app, fan.email, newPassword);
  });

  test('customer accounts: changing the password ends the other sessions, not this one; sessions can be listed and revoked', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const phone = await signIn(t.app, fan.email, fan.password);
    const laptop = await signIn(t.app, fan.email, fan.password);
    const list = (await get(t.app, '/api/account/sessions', fan.cookie)).json().sessions as { id: string; current: boolean }[];
    assert.equal(list.length, 3);
    assert.equal(list.filter((s) => s.current).length, 1);
    const phoneId = (await get(t.app, '/api/account/sessions', phone)).json().sessions.find((s: { current: boolean }) => s.current).id;
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/account/sessions/${phoneId}`,
      headers: { origin: 'http://localhost:3900' },
      cookies: { tq_customer: fan.cookie },
    });
    assert.equal(revoke.statusCode, 204);
    assert.equal((await get(t.app, '/api/account/me', phone)).statusCode, 401);

    const wrong = await post(
      t.app,
      '/api/account/password/change',
      { currentPassword: 'not it at all, sorry', newPassword: 'a different passphrase now' },
      fan.cookie,
    );
    assert.equal(wrong.statusCode, 401);
    const changed = await post(t.app, '/api/account/password/change', { currentPassword: fan.password, newPassword: 'a different passphrase now' }, fan.cookie);
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().sessionsEnded, 1);
    assert.equal((await get(t.app, '/api/account/me', laptop)).statusCode, 401);
    assert.equal((await get(t.app, '/api/account/me', fan.cookie)).statusCode, 200, 'the session that changed it stays');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, type TestApp, testApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cookieOf, nextCode, ORIGIN, signedInStaff } from '../../tests/helpers/staff.js';
import { LOGIN_LIMITS } from './login-throttle.js';

// The real limits (the test app's default widens them): 20 attempts a minute per address, 10
// attempts per account in 15 minutes, given back by a full sign-in.
describe('login throttling under the shield', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ LOGIN_LIMITS: '', SHIELD_ENABLED: 'true' });
  });
  after(async () => t?.close());

  test('accounts: in shield mode a sign-in needs a proof of work, except from a browser that signed in here before', async () => {
    const staff = await signedInStaff(t.app, 'support');
    const signIn = (cookies: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/password',
        remoteAddress: '198.51.100.40',
        headers: { origin: ORIGIN },
        cookies,
        payload: { email: staff.email, password: staff.password },
      });
    const device = t.ctx.loginThrottle.deviceCookie(`staff:${staff.email}`);
    const on = await t.app.inject({ method: 'PUT', url: '/api/admin/shield', headers: admin, payload: { mode: 'on' } });
    assert.equal(on.json().mode, 'on');
    assert.equal((await signIn()).json().error.code, 'challenge_required');
    assert.equal((await signIn({ tq_device: `${device.split('.')[0]}.${'x'.repeat(32)}.${'y'.repeat(32)}` })).json().error.code, 'challenge_required');
    // A forged cookie of multi-byte characters (sent percent-escaped, read decoded) is merely unknown, not an error.
    const odd = `${device.split('.')[0]}.${'é'.repeat(32)}.${'y'.repeat(32)}`;
    assert.equal((await signIn({ tq_device: odd })).json().error.code, 'challenge_required');
    const known = await signIn({ tq_device: device });
    assert.equal(known.statusCode, 200, known.body);
    assert.equal(known.json().state, 'second_factor');
  });
});

// Only the process's budget of password checks is widened here (these tests sign in faster than
// 20 a second); its own test is at the end.
describe('login throttling', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ LOGIN_LIMITS: JSON.stringify({ hashes: { points: 100_000, seconds: 1 } }) });
  });
  after(async () => t?.close());

  const signIn = (remoteAddress: string, email: string, password: string, cookies: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/staff/password', remoteAddress, headers: { origin: ORIGIN }, cookies, payload: { email, password } });
  /** Password verifications the server did: each is audited, refused or not. */
  const verifications = async () => {
    const row = await t.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', 'in', ['accounts.staff.sign_in_failed', 'accounts.staff.password_verified'])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  test('accounts: one address gets 20 attempts a minute; the next is 429 with Retry-After and costs no hashing', async () => {
    assert.equal(LOGIN_LIMITS.address.points, 20);
    const before = await verifications();
    for (let i = 0; i < 20; i++) assert.equal((await signIn('198.51.100.7', `nobody-${i}@example.com`, 'wrong password')).statusCode, 401);
    const refused = await signIn('198.51.100.7', 'nobody-else@example.com', 'wrong password');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error.code, 'too_many_attempts');
    assert.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60);
    assert.equal((await verifications()) - before, 20, 'the refused attempt was not hashed');
    // Another address is not affected.
    assert.equal((await signIn('198.51.100.8', 'nobody-else@example.com', 'wrong password')).statusCode, 401);
  });

  test('accounts: an account gets 10 attempts from any number of addresses; an unknown email is refused the same way', async () => {
    const staff = await signedInStaff(t.app, 'support');
    const attack = async (email: string, first: number) => {
      const answers = [];
      for (let i = 0; i < 11; i++) answers.push(await signIn(`203.0.113.${first + i}`, email, `guess number ${i}`));
      return answers;
    };
    const known = await attack(staff.email, 1);
    const unknown = await attack('nobody-at-all@example.com', 101);
    for (const answers of [known, unknown]) {
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        [...Array(10).fill(401), 429],
      );
    }
    // The same refusal: nothing tells the accounts apart (the seconds to wait may differ by one: a clock tick between them).
    const [k, u] = [known[10]!.json().error, unknown[10]!.json().error];
    assert.equal(k.code, u.code);
    assert.ok(Math.abs(k.retryAfter - u.retryAfter) <= 1, `${k.retryAfter} vs ${u.retryAfter}`);
    assert.equal(k.message.replace(/\d+/, 'N'), u.message.replace(/\d+/, 'N'));
    // Even the right password waits now, from a browser the account has not signed in from.
    assert.equal((await signIn('203.0.113.50', staff.email, staff.password)).statusCode, 429);
  });

  test('accounts: a browser that signed in before keeps its own budget while the account is under attack', async () => {
    const staff = await signedInStaff(t.app, 'box_office');
    // The owner signs in once from their browser: the full sign-in leaves a device cookie.
    const first = await signIn('192.0.2.10', staff.email, staff.password);
    assert.equal(first.statusCode, 200);
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/auth/staff/second-factor',
      remoteAddress: '192.0.2.10',
      headers: { origin: ORIGIN },
      cookies: { tq_staff: cookieOf(first)! },
      payload: { totp: nextCode(staff.totpSecret) },
    });
    assert.equal(second.statusCode, 200, second.body);
    const device = cookieOf(second, 'tq_device');
    assert.ok(device, 'a device cookie after a full sign-in');
    assert.match(String(second.headers['set-cookie']), /tq_device=[^;]+;.*HttpOnly/);

    for (let i = 0; i < 11; i++) await signIn(`203.0.113.${150 + i}`, staff.email, `guess ${i}`);
    assert.equal((await signIn('203.0.113.200', staff.email, staff.password)).statusCode, 429, 'the attack spent the account budget');
    // The owner's browser still gets in; the same cookie for another account opens no budget there.
    assert.equal((await signIn('192.0.2.10', staff.email, staff.password, { tq_device: device })).statusCode, 200);
    const other = await signedInStaff(t.app, 'door');
    for (let i = 0; i < 10; i++) await signIn(`203.0.113.${210 + (i % 40)}`, other.email, `guess ${i}`);
    assert.equal((await signIn('192.0.2.10', other.email, other.password, { tq_device: device })).statusCode, 429);
    assert.equal((await signIn('192.0.2.10', other.email, other.password, { tq_device: `${device!.split('.')[0]}.forged` })).statusCode, 429);
  });

  test('accounts: colleagues behind one office address: their known browsers are not held back by that address', async () => {
    const office = '192.0.2.77';
    const staff = await signedInStaff(t.app, 'door');
    const first = await signIn(office, staff.email, staff.password);
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/auth/staff/second-factor',
      remoteAddress: office,
      headers: { origin: ORIGIN },
      cookies: { tq_staff: cookieOf(first)! },
      payload: { totp: nextCode(staff.totpSecret) },
    });
    const device = cookieOf(second, 'tq_device')!;
    // New browsers at the office spend the address's 20 attempts (a stuffing bot would too)...
    for (let i = 0; i < 20; i++) await signIn(office, `newcomer-${i}@example.com`, 'wrong password');
    assert.equal((await signIn(office, 'newcomer-x@example.com', 'wrong password')).statusCode, 429);
    // ...while a browser that signed in here before still gets in.
    assert.equal((await signIn(office, staff.email, staff.password, { tq_device: device })).statusCode, 200);
  });

  test('accounts: the right password does not buy more guesses at the second factor', async () => {
    const staff = await signedInStaff(t.app, 'security');
    let codes = 0;
    let refusedAt = -1;
    for (let i = 0; i < 12 && refusedAt < 0; i++) {
      const partial = await signIn(`198.51.100.${100 + i}`, staff.email, staff.password);
      if (partial.statusCode === 429) {
        refusedAt = i;
        break;
      }
      const guess = await t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/second-factor',
        remoteAddress: `198.51.100.${100 + i}`,
        headers: { origin: ORIGIN },
        cookies: { tq_staff: cookieOf(partial)! },
        payload: { totp: '000000' === nextCode(staff.totpSecret) ? '111111' : '000000' },
      });
      if (guess.statusCode === 429) {
        refusedAt = i;
        break;
      }
      assert.equal(guess.statusCode, 401);
      codes++;
    }
    // Each round is a password attempt and a code attempt on the same budget of 10.
    assert.equal(codes, 5);
    assert.equal(refusedAt, 5);
  });
});

describe('login throttling: the process budget of password checks', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ LOGIN_LIMITS: JSON.stringify({ hashes: { points: 5, seconds: 60 } }) });
  });
  after(async () => t?.close());

  test('accounts: an attack spread over many addresses and accounts is held to the budget of checks; known browsers pass', async () => {
    const staff = await signedInStaff(t.app, 'owner');
    const device = t.ctx.loginThrottle.deviceCookie(`staff:${staff.email}`);
    const signIn = (remoteAddress: string, email: string, password: string, cookies: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/api/auth/staff/password', remoteAddress, headers: { origin: ORIGIN }, cookies, payload: { email, password } });
    const answers = [];
    // One guess per account, each from its own network: under every address and account limit.
    for (let i = 0; i < 8; i++) answers.push((await signIn(`10.${i}.0.1`, `victim-${i}@example.com`, 'Summer2024!')).statusCode);
    assert.deepEqual(answers, [401, 401, 401, 401, 401, 429, 429, 429]);
    const refused = await signIn('10.99.0.1', 'victim-99@example.com', 'Summer2024!');
    assert.equal(refused.json().error.code, 'too_many_attempts');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    const checks = await t.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', 'accounts.staff.sign_in_failed')
      .executeTakeFirstOrThrow();
    assert.equal(Number(checks.n), 5, 'only the budget was hashed');
    // The owner's browser, known to the account, is not held back by the attack.
    assert.equal((await signIn('10.200.0.1', staff.email, staff.password, { tq_device: device })).statusCode, 200);
  });
});

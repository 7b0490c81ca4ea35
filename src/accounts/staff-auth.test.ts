import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cookieOf, nextCode, ORIGIN, secondInstance, signedInStaff } from '../../tests/helpers/staff.js';

describe('staff sign-in', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  const post = (url: string, payload: object, cookie?: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload, headers: { origin: ORIGIN, ...headers }, cookies: cookie ? { tq_staff: cookie } : {} });

  test('accounts: a password then a TOTP code signs in; the same code is refused a second time; nothing is open before the second factor', async () => {
    const staff = await signedInStaff(t.app, 'support');
    const first = await post('/api/auth/staff/password', { email: staff.email, password: staff.password });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { state: 'second_factor', methods: ['totp', 'recovery_code'] });
    const partial = cookieOf(first)!;
    assert.match(String(first.headers['set-cookie']), /HttpOnly/i);
    assert.match(String(first.headers['set-cookie']), /SameSite=Strict/i);
    assert.match(String(first.headers['set-cookie']), /Path=\/api/);

    // Half signed in opens nothing.
    const early = await t.app.inject({ url: '/api/admin/orders', cookies: { tq_staff: partial } });
    assert.equal(early.statusCode, 401);

    const code = nextCode(staff.totpSecret);
    const second = await post('/api/auth/staff/second-factor', { totp: code }, partial);
    assert.equal(second.statusCode, 200, second.body);
    const full = cookieOf(second)!;
    assert.notEqual(full, partial, 'a new secret after the second factor');
    assert.equal((await t.app.inject({ url: '/api/admin/outbox', cookies: { tq_staff: full } })).statusCode, 200);
    assert.equal((await t.app.inject({ url: '/api/admin/outbox', cookies: { tq_staff: partial } })).statusCode, 401, 'the half session is over');

    // The same code again, in a fresh sign-in: refused (one use per time step).
    const again = cookieOf(await post('/api/auth/staff/password', { email: staff.email, password: staff.password }))!;
    const replay = await post('/api/auth/staff/second-factor', { totp: code }, again);
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().error.code, 'invalid_code');
    const failures = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', staff.id)
      .where('action', '=', 'accounts.staff.second_factor_failed')
      .execute();
    assert.equal(failures.length, 1, 'the failure is audited');
  });

  test('accounts: a recovery code signs in once', async () => {
    const staff = await signedInStaff(t.app, 'support');
    const code = staff.recoveryCodes[0]!;
    const signIn = async () => {
      const partial = cookieOf(await post('/api/auth/staff/password', { email: staff.email, password: staff.password }))!;
      return post('/api/auth/staff/second-factor', { recoveryCode: code.toUpperCase() }, partial);
    };
    assert.equal((await signIn()).statusCode, 200);
    assert.equal((await signIn()).statusCode, 401, 'a recovery code works once');
    assert.equal(staff.recoveryCodes.length, 10);
    assert.equal(new Set(staff.recoveryCodes).size, 10);
  });

  test('accounts: an unknown email and a wrong password get the same answer, in about the same time', async () => {
    const staff = await signedInStaff(t.app, 'support');
    const time = async (email: string, password: string) => {
      const started = performance.now();
      const res = await post('/api/auth/staff/password', { email, password });
      return { ms: performance.now() - started, status: res.statusCode, body: res.json() };
    };
    const wrong = [];
    const unknown = [];
    for (let i = 0; i < 7; i++) {
      wrong.push(await time(staff.email, 'not the right password at all'));
      unknown.push(await time(`nobody-${i}@example.com`, 'not the right password at all'));
    }
    for (const r of [...wrong, ...unknown]) {
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, wrong[0]!.body, 'the same answer');
    }
    const median = (rs: { ms: number }[]) => rs.map((r) => r.ms).sort((a, b) => a - b)[3]!;
    const [a, b] = [median(wrong), median(unknown)];
    console.log(`# metric sign-in refusal: wrong password ${a.toFixed(1)} ms, unknown account ${b.toFixed(1)} ms (medians of 7)`);
    // Both pay one argon2id verification; without the dummy hash the unknown one would be ~10x faster.
    assert.ok(b > a / 3 && b < a * 3, `${a} vs ${b}`);
  });

  test('accounts: a request a cookie authorises must come from the console itself', async () => {
    const staff = await signedInStaff(t.app, 'owner');
    const patch = (headers: Record<string, string>) =>
      t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${staff.id}`, headers, cookies: { tq_staff: staff.cookie }, payload: { name: 'Renamed' } });
    for (const headers of [{}, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      const refused = await patch(headers);
      assert.equal(refused.statusCode, 403, JSON.stringify(headers));
      assert.equal(refused.json().error.code, 'csrf_refused');
    }
    assert.equal((await patch({ origin: ORIGIN })).statusCode, 200);
    assert.equal((await patch({ 'sec-fetch-site': 'same-origin' })).statusCode, 200);
    // Reading is not a state change.
    assert.equal((await t.app.inject({ url: '/api/admin/staff', cookies: { tq_staff: staff.cookie } })).statusCode, 200);
  });

  test('accounts: sudo: a second factor older than five minutes must be shown again for a role change', async () => {
    const owner = await signedInStaff(t.app, 'owner');
    const other = await signedInStaff(t.app, 'support');
    await t.ctx.db
      .updateTable('sessions')
      .set({ second_factor_at: new Date(Date.now() - 6 * 60_000) })
      .where('subject_id', '=', owner.id)
      .execute();
    const change = () =>
      t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${other.id}`, headers: owner.headers, payload: { role: 'box_office', refundLimit: 5000 } });
    const refused = await change();
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'sudo_required');
    const sudo = await t.app.inject({ method: 'POST', url: '/api/auth/staff/sudo', headers: owner.headers, payload: { totp: nextCode(owner.totpSecret) } });
    assert.equal(sudo.statusCode, 204, sudo.body);
    const changed = await change();
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().role, 'box_office');
    // The changed person's sessions ended: their access changes now, not at their next sign-in.
    assert.equal((await t.app.inject({ url: '/api/admin/outbox', cookies: { tq_staff: other.cookie } })).statusCode, 401);
  });

  test('accounts: an invitation works once, with a password that is not a common one', async () => {
    const invited = await t.app.inject({ method: 'POST', url: '/api/admin/staff', headers: admin, payload: { email: 'once@example.com', role: 'door' } });
    const token = decodeURIComponent(new URL(invited.json().invitationUrl).hash.replace('#token=', ''));
    const weak = await post('/api/auth/staff/invitation', { token, password: 'password1' });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().error.reason, 'common');
    assert.equal((await post('/api/auth/staff/invitation', { token, password: 'short' })).json().error.reason, 'too_short');
    assert.equal((await post('/api/auth/staff/invitation', { token, password: 'a fine long passphrase' })).statusCode, 200);
    assert.equal((await post('/api/auth/staff/invitation', { token, password: 'a fine long passphrase' })).statusCode, 401, 'used once');
  });
});

describe('the last owner', { skip: !databaseAvailable && skipReason }, () => {
  test('accounts: the last active owner can be neither disabled nor demoted; with a second one, they can', async () => {
    const t = await testApp();
    try {
      const first = await signedInStaff(t.app, 'owner');
      for (const payload of [{ status: 'disabled' }, { role: 'admin' }]) {
        const refused = await t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${first.id}`, headers: admin, payload });
        assert.equal(refused.statusCode, 409, JSON.stringify(payload));
        assert.equal(refused.json().error.code, 'last_owner');
      }
      await signedInStaff(t.app, 'owner');
      const disabled = await t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${first.id}`, headers: admin, payload: { status: 'disabled' } });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal((await t.app.inject({ url: '/api/admin/staff', cookies: { tq_staff: first.cookie } })).statusCode, 401, 'their session ended with it');
    } finally {
      await t.close();
    }
  });
});

describe('two app instances', { skip: !databaseAvailable && skipReason }, () => {
  test('accounts: disabling an account on one instance ends its session on the other at once', async () => {
    const a = await testApp();
    const b = await secondInstance(a);
    try {
      const door = await signedInStaff(a.app, 'door');
      const read = (app: typeof a.app) => app.inject({ url: '/api/admin/events', cookies: { tq_staff: door.cookie } });
      assert.equal((await read(b)).statusCode, 200, 'the session works on the other instance');
      const disabled = await a.app.inject({ method: 'PATCH', url: `/api/admin/staff/${door.id}`, headers: admin, payload: { status: 'disabled' } });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal((await read(b)).statusCode, 401, 'and is refused there the next instant');
      assert.equal((await read(a.app)).statusCode, 401);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('break-glass token', { skip: !databaseAvailable && skipReason }, () => {
  test('accounts: with TAQUILLA_BREAK_GLASS=false the admin token opens nothing; while allowed, every use is audited', async () => {
    const off = await testApp({ TAQUILLA_BREAK_GLASS: 'false' });
    try {
      const refused = await off.app.inject({ url: '/api/admin/events', headers: admin });
      assert.equal(refused.statusCode, 401);
    } finally {
      await off.close();
    }
    const on = await testApp();
    try {
      assert.equal((await on.app.inject({ url: '/api/admin/events', headers: admin })).statusCode, 200);
      const uses = await on.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'accounts.break_glass.used').execute();
      assert.equal(uses.length, 1);
      assert.equal(uses[0]!.actor, 'break_glass');
      assert.equal(uses[0]!.subject_id, 'GET /api/admin/events');
    } finally {
      await on.close();
    }
  });
});

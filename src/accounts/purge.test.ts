import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { apiKey, type TestKey } from '../../tests/helpers/api-keys.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cookieOf, ORIGIN, type SignedIn, signedInStaff } from '../../tests/helpers/staff.js';
import { parsePurgeArgs, runAccessPurge } from '../cli/access-purge.js';
import { totpCode } from './totp.js';

const tokenOf = (url: string) => decodeURIComponent(new URL(url).hash.replace('#token=', ''));

describe('access purge', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let people: SignedIn[];
  let keys: TestKey[];
  let pendingInvitation: string;
  before(async () => {
    t = await testApp();
    people = [
      await signedInStaff(t.app, 'owner'),
      await signedInStaff(t.app, 'owner'),
      await signedInStaff(t.app, 'admin'),
      await signedInStaff(t.app, 'door'),
    ];
    keys = [await apiKey(t.app, ['orders.read']), await apiKey(t.app, ['checkin.scan'])];
    const invited = await t.app.inject({ method: 'POST', url: '/api/admin/staff', headers: admin, payload: { email: 'pending@example.com', role: 'support' } });
    pendingInvitation = tokenOf(invited.json().invitationUrl);
  });
  after(async () => {
    await t?.close();
  });

  const purge = (args: string[]) => {
    const lines: string[] = [];
    return runAccessPurge(t.ctx.db, t.ctx.config, parsePurgeArgs(args), (line) => lines.push(line)).then((result) => ({ result, lines }));
  };
  const acceptAndEnrol = async (token: string, password: string) => {
    const accepted = await t.app.inject({ method: 'POST', url: '/api/auth/staff/invitation', headers: { origin: ORIGIN }, payload: { token, password } });
    if (accepted.statusCode !== 200) return accepted;
    const enrol = cookieOf(accepted)!;
    const { secret } = (
      await t.app.inject({ method: 'POST', url: '/api/auth/staff/totp/setup', headers: { origin: ORIGIN }, cookies: { tq_staff: enrol } })
    ).json();
    return t.app.inject({
      method: 'POST',
      url: '/api/auth/staff/totp',
      headers: { origin: ORIGIN },
      cookies: { tq_staff: enrol },
      payload: { secret, code: totpCode(secret) },
    });
  };

  test('access purge: naming someone who is not an owner is refused and changes nothing', async () => {
    await assert.rejects(purge(['--keep-owner', people[2]!.email]), /is not an owner/);
    await assert.rejects(purge(['--keep-owner', 'nobody@example.com']), /is not an owner/);
    assert.equal((await t.app.inject({ url: '/api/admin/staff', headers: people[2]!.headers })).statusCode, 200);
    assert.throws(() => parsePurgeArgs(['--keep-owner']), /takes the email/);
    assert.throws(() => parsePurgeArgs(['--everyone']), /unknown argument/);
  });

  test("access purge: afterwards no staff session, key, password, factor or invitation works, and the kept owner's new invitation does", async () => {
    const [first, second] = people as [SignedIn, SignedIn];
    const { result, lines } = await purge(['--keep-owner', second.email]);
    assert.equal(result.keptOwner.email, second.email);
    assert.deepEqual(
      { staff: result.staff, passwords: result.passwordsReset, totp: result.totpReset, keys: result.apiKeysRevoked, invitations: result.invitationsCancelled },
      { staff: 5, passwords: 4, totp: 4, keys: 2, invitations: 1 },
    );
    assert.ok(result.sessionsEnded >= 4);
    assert.equal(result.recoveryCodesRemoved, 40);
    assert.match(lines.join('\n'), /API keys revoked: +2/);
    assert.match(lines.join('\n'), new RegExp(`kept owner ${second.email.replace(/[.+]/g, '\\$&')}`));

    for (const person of people) {
      assert.equal((await t.app.inject({ url: '/api/auth/staff/me', headers: person.headers })).statusCode, 401, `${person.email}'s session`);
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/password',
        headers: { origin: ORIGIN },
        payload: { email: person.email, password: person.password },
      });
      assert.equal(signIn.statusCode, 401, `${person.email}'s password`);
    }
    for (const key of keys) assert.equal((await t.app.inject({ url: '/api/admin/orders', headers: key.headers })).statusCode, 401);
    assert.equal(
      (await acceptAndEnrol(pendingInvitation, 'a pending person chooses a password')).statusCode,
      401,
      'an invitation from before the purge is void',
    );
    const left = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM staff_passkeys) + (SELECT count(*) FROM staff_recovery_codes)
        + (SELECT count(*) FROM staff WHERE password_hash IS NOT NULL OR totp_secret IS NOT NULL OR status = 'active')
        + (SELECT count(*) FROM sessions WHERE kind = 'staff' AND revoked_at IS NULL AND absolute_expires_at > now())
        + (SELECT count(*) FROM api_keys WHERE revoked_at IS NULL) AS n`.execute(t.ctx.db);
    assert.equal(Number(left.rows[0]!.n), 0);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['actor', 'data']).where('action', '=', 'accounts.access.purged').executeTakeFirstOrThrow();
    assert.match(audit.actor, /^cli:/);
    assert.deepEqual([audit.data.apiKeysRevoked, audit.data.keptOwner], [2, second.id]);

    // The kept owner comes back in with a new password and factor, and rebuilds access.
    const back = await acceptAndEnrol(tokenOf(result.keptOwner.invitationUrl), 'the owner chooses a new passphrase');
    assert.equal(back.statusCode, 200, back.body);
    const headers = { origin: ORIGIN, cookie: `tq_staff=${cookieOf(back)}` };
    const reinvite = await t.app.inject({ method: 'POST', url: `/api/admin/staff/${first.id}/invitation`, headers });
    assert.equal(reinvite.statusCode, 201, reinvite.body);
    assert.equal((await acceptAndEnrol(tokenOf(reinvite.json().invitationUrl), 'the other owner too, anew')).statusCode, 200);
  });

  test('access purge: without --keep-owner it keeps the oldest active owner', async () => {
    const { result } = await purge([]);
    const oldest = await t.ctx.db.selectFrom('staff').select('email').where('role', '=', 'owner').orderBy('created_at').limit(1).executeTakeFirstOrThrow();
    // After the last purge both owners came back: the oldest is the first one made.
    assert.equal(result.keptOwner.email, oldest.email);
    assert.equal(result.keptOwner.email, people[0]!.email);
  });

  test('access purge: 2,000 staff accounts with 20,000 sessions, 20,000 recovery codes and 1,000 keys take seconds', { timeout: 120_000 }, async () => {
    await sql`
      INSERT INTO staff (email, role, status, password_hash, totp_secret, created_by)
        SELECT 'bulk' || g || '@example.com', 'box_office', 'active', '$argon2id$v=19$m=19456,t=2,p=1$x$y', 'v1.sealed', 'test' FROM generate_series(1, 2000) g;
      INSERT INTO staff_recovery_codes (staff_id, code_hash) SELECT s.id, md5(s.id::text || g) FROM staff s, generate_series(1, 10) g WHERE s.email LIKE 'bulk%';
      INSERT INTO staff_passkeys (staff_id, credential_id, public_key) SELECT id, 'cred-' || id, '\\x00' FROM staff WHERE email LIKE 'bulk%';
      INSERT INTO sessions (id, kind, subject_id, state, idle_expires_at, absolute_expires_at)
        SELECT md5(s.id::text || g), 'staff', s.id, 'signed_in', now() + interval '30 minutes', now() + interval '12 hours' FROM staff s, generate_series(1, 10) g WHERE s.email LIKE 'bulk%';
      INSERT INTO api_keys (public_id, secret_hash, name, permissions, created_by, expires_at)
        SELECT lpad(g::text, 12, '0'), md5(g::text) || md5(g::text), 'bulk', '{orders.read}', 'test', now() + interval '90 days' FROM generate_series(1, 1000) g;
    `.execute(t.ctx.db);
    const { result, lines } = await purge(['--keep-owner', people[1]!.email]);
    console.log(
      `# metric access purge: ${result.staff} accounts, ${result.sessionsEnded} sessions, ${result.recoveryCodesRemoved} recovery codes, ${result.passkeysRemoved} passkeys, ${result.apiKeysRevoked} keys in ${result.ms} ms`,
    );
    assert.equal(result.sessionsEnded, 20_000);
    assert.equal(result.apiKeysRevoked, 1000);
    assert.equal(result.passkeysRemoved, 2000);
    assert.equal(result.recoveryCodesRemoved, 20_000);
    assert.match(lines[0]!, /^access purged in \d+\.\d\d s:/);
  });
});

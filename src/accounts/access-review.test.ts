import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { ageKey, ageStaff } from '../../tests/helpers/access.js';
import { apiKey } from '../../tests/helpers/api-keys.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import { runAccessReview } from '../cli/access-review.js';
import type { AccessReport } from './access-review.service.js';

describe('access review', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ STAFF_DORMANT_DAYS: '45' });
  });
  after(async () => {
    await t?.close();
  });

  test('access review: every account and key with role, factors, last use and flags; break-glass uses; the command prints the same', async () => {
    const owner = await signedInStaff(t.app, 'owner');
    const security = await signedInStaff(t.app, 'security');
    const soon = await signedInStaff(t.app, 'door');
    const dormant = await signedInStaff(t.app, 'support');
    const invited = await t.app.inject({
      method: 'POST',
      url: '/api/admin/staff',
      headers: admin,
      payload: { email: 'not-yet@example.com', role: 'box_office', refundLimit: 2000 },
    });
    assert.equal(invited.statusCode, 201);
    const unused = await apiKey(t.app, ['orders.read'], { name: 'never used', expiresInDays: 10 });
    const old = await apiKey(t.app, ['checkin.scan'], { name: 'old scanner' });
    assert.equal((await t.app.inject({ url: '/api/admin/staff', headers: owner.headers })).statusCode, 200, 'the owner uses the console');
    await ageStaff(t.ctx.db, soon.id, 40);
    await ageStaff(t.ctx.db, dormant.id, 46);
    await ageKey(t.ctx.db, old.id, 50);

    const res = await t.app.inject({ url: '/api/admin/access-review', headers: security.headers });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json() as AccessReport;
    const person = (id: string) => report.staff.find((s) => s.id === id)!;
    assert.equal(report.staff[0]!.role, 'owner', 'owners first');
    assert.deepEqual(person(owner.id).factors, { totp: true, passkeys: 0, recoveryCodesLeft: 10 });
    assert.deepEqual(person(owner.id).flags, ['no_passkey']);
    assert.ok(person(owner.id).permissions.includes('access.purge'));
    assert.ok(person(owner.id).lastUsedAt);
    assert.deepEqual(person(soon.id).flags, ['no_passkey', 'dormant_soon']);
    assert.deepEqual(person(dormant.id).flags, ['no_passkey', 'dormant']);
    assert.ok(Date.parse(person(soon.id).dormantAt!) - Date.now() < 6 * 86_400_000);
    const notYet = person(invited.json().staff.id);
    assert.deepEqual([notYet.status, notYet.flags, notYet.refundLimit, notYet.lastUsedAt], ['invited', ['invited_not_enrolled'], 2000, null]);

    const key = (id: string) => report.apiKeys.find((k) => k.id === id)!;
    assert.deepEqual(key(unused.id).flags, ['never_used', 'expires_soon']);
    assert.deepEqual(key(old.id).flags, ['dormant']);
    assert.deepEqual(key(old.id).permissions, ['checkin.scan']);

    assert.equal(report.summary.owners, 1);
    assert.deepEqual(report.warnings, ['single_owner', 'break_glass_on', 'break_glass_used']);
    assert.equal(report.breakGlass.enabled, true);
    assert.ok(report.breakGlass.usesLast30Days >= 6, `${report.breakGlass.usesLast30Days} uses`);
    assert.ok(Date.now() - Date.parse(report.breakGlass.lastUsedAt!) < 60_000);
    assert.equal(report.dormantDays, 45);

    const lines: string[] = [];
    await runAccessReview(t.ctx.db, t.ctx.config, { json: false }, (line) => lines.push(line));
    const text = lines.join('\n');
    for (const s of report.staff) assert.match(text, new RegExp(s.email.replace(/[.+]/g, '\\$&')));
    assert.match(text, /owner +active +staff-owner\S+ +all +totp, 10 codes +\d{4}-\d\d-\d\d \d\d:\d\d +no_passkey/);
    assert.match(text, /box_office +invited +not-yet@example.com +refunds <= 2000 +0 codes +never +invited_not_enrolled/);
    assert.match(text, /tqk_[a-z0-9]{12} +old scanner +active +checkin.scan +any .* dormant$/m);
    assert.match(text, /BREAK-GLASS TOKEN: on; used \d+ times in the last 30 days, last \d{4}/);
    assert.match(text, /warnings: single_owner, break_glass_on, break_glass_used/);
    const json: string[] = [];
    await runAccessReview(t.ctx.db, t.ctx.config, { json: true }, (line) => json.push(line));
    assert.equal(JSON.parse(json.join('\n')).staff.length, report.staff.length);
  });

  test('access review: only roles with access.review see it', async () => {
    const support = await signedInStaff(t.app, 'support');
    const res = await t.app.inject({ url: '/api/admin/access-review', headers: support.headers });
    assert.deepEqual([res.statusCode, res.json().error.permission], [403, 'access.review']);
    assert.equal((await t.app.inject({ url: '/api/admin/access-review' })).statusCode, 401);
  });
});

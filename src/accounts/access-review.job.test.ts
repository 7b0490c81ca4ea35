import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { ageKey, ageStaff, forgetReviewRuns } from '../../tests/helpers/access.js';
import { apiKey } from '../../tests/helpers/api-keys.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import { disableDormantAccess } from './access-review.job.js';
import type { AccessReport } from './access-review.service.js';

describe('dormant access', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ STAFF_DORMANT_DAYS: '45' });
  });
  after(async () => {
    await t?.close();
  });
  const run = () => disableDormantAccess(t.ctx.db, t.ctx.config);
  const status = async (id: string) =>
    (await t.ctx.db.selectFrom('staff').select(['status', 'disabled_reason']).where('id', '=', id).executeTakeFirstOrThrow()).status;

  test('dormant access: accounts and keys unused for 45 days are disabled, their sessions end, each is audited, and owners and security officers are told', async () => {
    const owner = await signedInStaff(t.app, 'owner');
    const security = await signedInStaff(t.app, 'security');
    const door = await signedInStaff(t.app, 'door');
    const support = await signedInStaff(t.app, 'support');
    const invited = (
      await t.app.inject({ method: 'POST', url: '/api/admin/staff', headers: admin, payload: { email: 'never-came@example.com', role: 'admin' } })
    ).json().staff.id;
    const [oldKey, unusedKey, liveKey] = [await apiKey(t.app, ['orders.read']), await apiKey(t.app, ['checkin.scan']), await apiKey(t.app, ['orders.read'])];
    await ageStaff(t.ctx.db, door.id, 46);
    await ageStaff(t.ctx.db, support.id, 44);
    await ageStaff(t.ctx.db, invited, 50, false);
    await ageKey(t.ctx.db, oldKey.id, 46);
    await ageKey(t.ctx.db, unusedKey.id, 46, false);
    await ageKey(t.ctx.db, liveKey.id, 60);
    await t.ctx.db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', liveKey.id).execute();

    const started = performance.now();
    const result = await run();
    console.log(`# metric dormant job: ${result.disabled.length} disabled in ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(result.ran, true);
    assert.deepEqual(result.disabled.map((d) => d.id).sort(), [door.id, invited, oldKey.id, unusedKey.id].sort());
    assert.equal(await status(door.id), 'disabled');
    assert.equal(await status(invited), 'disabled');
    assert.equal(await status(support.id), 'active', '44 days is not dormant yet');
    assert.equal(
      (await t.app.inject({ method: 'POST', url: '/api/checkin', headers: door.headers, payload: { code: 'x' } })).statusCode,
      401,
      "the door's session ended",
    );
    assert.equal((await t.app.inject({ url: '/api/admin/orders', headers: oldKey.headers })).statusCode, 401);
    assert.equal((await t.app.inject({ url: '/api/admin/orders', headers: liveKey.headers })).statusCode, 200);
    const live = await t.ctx.db.selectFrom('sessions').select('id').where('subject_id', '=', door.id).where('revoked_at', 'is', null).execute();
    assert.equal(live.length, 0);

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'actor', 'data'])
      .where('action', 'in', ['accounts.staff.disabled', 'accounts.api_key.revoked'])
      .execute();
    assert.deepEqual(audit.map((a) => a.subject_id).sort(), [door.id, invited, oldKey.id, unusedKey.id].sort());
    for (const a of audit) assert.deepEqual([a.actor, a.data.reason, a.data.dormantDays], ['system', 'dormant', 45]);

    const mail = await t.ctx.db.selectFrom('outbox').select(['recipient', 'subject', 'body_text']).where('kind', '=', 'access_review_dormant').execute();
    assert.deepEqual(mail.map((m) => m.recipient).sort(), [owner.email, security.email].sort());
    assert.match(mail[0]!.subject, /4 unused credentials disabled/);
    assert.match(mail[0]!.body_text, new RegExp(door.email));
    assert.match(mail[0]!.body_text, /never-came@example.com \(admin\), never used/);
    assert.match(mail[0]!.body_text, /\/console\/access-review/);

    const review = (await t.app.inject({ url: '/api/admin/access-review', headers: security.headers })).json() as AccessReport;
    assert.equal(review.dormantRuns.length, 1);
    assert.deepEqual(review.dormantRuns[0]!.disabled.map((d) => d.id).sort(), result.disabled.map((d) => d.id).sort());

    // Once a day: a second run today, from this process or another, does nothing.
    assert.deepEqual(await run(), { ran: false, disabled: [] });
    assert.equal((await t.ctx.db.selectFrom('outbox').select('id').where('kind', '=', 'access_review_dormant').execute()).length, 2);
  });

  test('dormant access: five processes trying at once run it once', async () => {
    await forgetReviewRuns(t.ctx.db);
    const spare = await signedInStaff(t.app, 'box_office');
    await ageStaff(t.ctx.db, spare.id, 100);
    const results = await Promise.all(Array.from({ length: 5 }, run));
    assert.equal(results.filter((r) => r.ran).length, 1);
    assert.deepEqual(
      results.flatMap((r) => r.disabled.map((d) => d.id)),
      [spare.id],
    );
    const disabled = await t.ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'accounts.staff.disabled')
      .where('subject_id', '=', spare.id)
      .execute();
    assert.equal(disabled.length, 1);
  });

  test('dormant access: the last active owner stays even when dormant, the most recently active one', async () => {
    await forgetReviewRuns(t.ctx.db);
    const owners = await t.ctx.db.selectFrom('staff').select('id').where('role', '=', 'owner').where('status', '=', 'active').execute();
    const second = await signedInStaff(t.app, 'owner');
    for (const o of owners) await ageStaff(t.ctx.db, o.id, 90);
    await ageStaff(t.ctx.db, second.id, 60);
    const result = await run();
    assert.equal(result.keptOwner, second.id);
    for (const o of owners) assert.equal(await status(o.id), 'disabled');
    assert.equal(await status(second.id), 'active');
    assert.equal((await t.app.inject({ url: '/api/admin/staff', headers: second.headers })).statusCode, 200);
  });
});

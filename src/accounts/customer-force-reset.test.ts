import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, admin, TEST_SECRET, testApp, type TestApp } from '../../tests/helpers/app.js';
import { emailedToken, emailsTo, get, post, signedInFan, signIn, uniqueEmail } from '../../tests/helpers/customers.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { signedInStaff } from '../../tests/helpers/staff.js';

describe('customer accounts: forced password reset', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  const forceReset = (emails: string[], headers: Record<string, string> = admin) =>
    t.app.inject({ method: 'POST', url: '/api/admin/customers/force-reset', headers, payload: { emails } });

  test('customer accounts: a forced reset ends the sessions, emails each in their language, and a second run sends nothing twice', async () => {
    const ana = await signedInFan(t.app, t.ctx.db, { locale: 'fr' });
    const bo = await signedInFan(t.app, t.ctx.db, { locale: 'nb' });
    const anaPhone = await signIn(t.app, ana.email, ana.password);
    const nobody = uniqueEmail('nobody');

    const first = await forceReset([ana.email.toUpperCase(), bo.email, nobody, ana.email]);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { requested: 3, marked: 2, alreadyPending: 0, unknown: 1, sessionsEnded: 3 });
    for (const cookie of [ana.cookie, anaPhone, bo.cookie])
      assert.equal((await get(t.app, '/api/account/me', cookie)).statusCode, 401, 'signed out everywhere');
    const anaMail = (await emailsTo(t.ctx.db, ana.email)).filter((m) => m.kind === 'customer_forced_reset');
    assert.deepEqual(
      anaMail.map((m) => m.locale),
      ['fr'],
    );
    assert.match(anaMail[0]!.subject, /Action requise/);
    assert.match((await emailsTo(t.ctx.db, bo.email)).at(-1)!.subject, /Handling kreves/);
    assert.deepEqual(await emailsTo(t.ctx.db, nobody), []);

    const second = await forceReset([ana.email, bo.email, nobody]);
    assert.deepEqual(second.json(), { requested: 3, marked: 0, alreadyPending: 2, unknown: 1, sessionsEnded: 0 });
    assert.equal((await emailsTo(t.ctx.db, ana.email)).filter((m) => m.kind === 'customer_forced_reset').length, 1, 'nothing sent twice');

    // The right password alone no longer signs in; the emailed link sets a new one and ends the mark.
    const refused = await post(t.app, '/api/account/sign-in', { email: ana.email, password: ana.password });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'password_reset_required');
    assert.equal(refused.headers['set-cookie'], undefined);
    const wrong = await post(t.app, '/api/account/sign-in', { email: ana.email, password: 'not the password she had' });
    assert.equal(wrong.statusCode, 401, 'a wrong password learns nothing about the reset');
    const token = await emailedToken(t.ctx.db, ana.email, 'customer_forced_reset');
    const reset = await post(t.app, '/api/account/password/reset', { token, password: 'her new and much better passphrase' });
    assert.equal(reset.statusCode, 200, reset.body);
    await signIn(t.app, ana.email, 'her new and much better passphrase');

    // Reset since: a later run marks her again.
    const third = await forceReset([ana.email, bo.email]);
    assert.deepEqual(third.json(), { requested: 2, marked: 1, alreadyPending: 1, unknown: 0, sessionsEnded: 1 });

    const audits = await t.ctx.db.selectFrom('audit_log').select(['actor', 'subject_id']).where('action', '=', 'accounts.customer.reset_forced').execute();
    assert.deepEqual(audits.map((a) => a.subject_id).sort(), [ana.id, ana.id, bo.id].sort());
    assert.ok(audits.every((a) => a.actor === 'break_glass'));
  });

  test('customer accounts: the forced reset needs customers.manage (security may, support may not) and names a bad email', async () => {
    const security = await signedInStaff(t.app, 'security');
    const support = await signedInStaff(t.app, 'support');
    const fan = await signedInFan(t.app, t.ctx.db);
    const refused = await forceReset([fan.email], support.headers);
    assert.equal(refused.statusCode, 403);
    assert.deepEqual([refused.json().error.code, refused.json().error.permission], ['forbidden', 'customers.manage']);
    const ok = await forceReset([fan.email], security.headers);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().marked, 1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'accounts.customer.reset_forced')
      .where('subject_id', '=', fan.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor, `staff:${security.id}`);
    const bad = await forceReset(['fine@example.com', 'not an email'], security.headers);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'body.emails.1');
  });

  test('taquilla customers force-reset --emails FILE: reports counts, is idempotent, refuses a file with a line that is not an address', async () => {
    const fans = [await signedInFan(t.app, t.ctx.db, { locale: 'nl' }), await signedInFan(t.app, t.ctx.db)];
    const dir = mkdtempSync(join(tmpdir(), 'taquilla-force-reset-'));
    const file = join(dir, 'emails.txt');
    writeFileSync(file, `# breached list\n${fans[0]!.email}\n\n  ${fans[1]!.email.toUpperCase()}  \nnobody@example.com\n`);
    const first = await taquilla(t.database.url, 'customers', 'force-reset', '--emails', file);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stdout,
      'forced reset: 3 addresses, 2 accounts marked and emailed, 0 already pending (skipped), 1 without an account, 2 sessions ended\n',
    );
    const again = await taquilla(t.database.url, 'customers', 'force-reset', '--emails', file);
    assert.equal(
      again.stdout,
      'forced reset: 3 addresses, 0 accounts marked and emailed, 2 already pending (skipped), 1 without an account, 0 sessions ended\n',
    );
    assert.match((await emailsTo(t.ctx.db, fans[0]!.email)).at(-1)!.subject, /Actie nodig/);
    for (const fan of fans) assert.equal((await emailsTo(t.ctx.db, fan.email)).filter((m) => m.kind === 'customer_forced_reset').length, 1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'accounts.customer.reset_forced')
      .where('subject_id', '=', fans[0]!.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor, 'cli');

    writeFileSync(file, `${fans[0]!.email}\nnot-an-address\n`);
    const bad = await taquilla(t.database.url, 'customers', 'force-reset', '--emails', file);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /^line 2 is not an email address: not-an-address\nnothing was done/);
  });
});

/** Runs `taquilla <args>` as an operator would, against the test database. */
function taquilla(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: url,
    TAQUILLA_SECRET: TEST_SECRET,
    TAQUILLA_ADMIN_TOKEN: ADMIN_TOKEN,
    TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-cli-')),
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/taquilla.ts', ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

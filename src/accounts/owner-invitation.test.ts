import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cookieOf, ORIGIN, signedInStaff } from '../../tests/helpers/staff.js';
import { parseCreateOwnerArgs, runCreateOwner } from '../cli/staff-create-owner.js';
import { firstOwnerForDevelopment } from './owner-invitation.service.js';

const tokenOf = (url: string) => decodeURIComponent(new URL(url).hash.replace('#token=', ''));

describe('owners from the command line', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });
  const accept = (url: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/staff/invitation',
      headers: { origin: ORIGIN },
      payload: { token: tokenOf(url), password: 'an owner picks a long passphrase' },
    });
  const dev = () => ({ ...t.ctx.config, env: 'development' as const, ownerEmail: 'first@localhost' });

  test('owners: a development server with no staff invites TAQUILLA_OWNER_EMAIL, again at each start until someone accepts; never in production', async () => {
    assert.equal(await firstOwnerForDevelopment(t.ctx.db, { ...dev(), env: 'production' }), undefined);
    const first = await firstOwnerForDevelopment(t.ctx.db, dev());
    assert.deepEqual([first?.email, first?.created], ['first@localhost', true]);
    const again = await firstOwnerForDevelopment(t.ctx.db, dev());
    assert.deepEqual([again?.staffId, again?.created], [first!.staffId, false]);
    assert.notEqual(again!.url, first!.url);
    const accepted = await accept(first!.url);
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.ok(cookieOf(accepted), 'on to enrolling a factor');
    assert.equal(await firstOwnerForDevelopment(t.ctx.db, dev()), undefined, 'an active account ends the bootstrap');
  });

  test('owners: create-owner makes a new owner, or an owner again of someone disabled, and prints a working invitation; each is audited', async () => {
    const lines: string[] = [];
    const made = await runCreateOwner(t.ctx.db, t.ctx.config, parseCreateOwnerArgs(['--email', 'boss@example.com', '--name=The Boss']), (line) =>
      lines.push(line),
    );
    assert.equal(made.created, true);
    assert.match(lines.join('\n'), /owner created: boss@example.com[\s\S]*http:\/\/localhost:3900\/console\/invite#token=/);
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select('recipient')
      .where('kind', '=', 'staff_invitation')
      .where('recipient', '=', 'boss@example.com')
      .execute();
    assert.equal(mail.length, 1, 'the invitation is emailed too');
    assert.equal((await accept(made.url)).statusCode, 200);

    const door = await signedInStaff(t.app, 'door');
    const disabled = await t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${door.id}`, headers: admin, payload: { status: 'disabled' } });
    assert.equal(disabled.statusCode, 200, disabled.body);
    const restored = await runCreateOwner(t.ctx.db, t.ctx.config, { email: door.email.toUpperCase() }, () => {});
    assert.deepEqual([restored.staffId, restored.created], [door.id, false]);
    const row = await t.ctx.db.selectFrom('staff').select(['role', 'status', 'performance_ids']).where('id', '=', door.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { role: 'owner', status: 'invited', performance_ids: [] });
    assert.equal((await accept(restored.url)).statusCode, 200);
    const actions = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('subject_id', '=', door.id)
      .where('actor', 'like', 'cli:%')
      .execute();
    assert.deepEqual(
      actions.map((a) => a.action),
      ['accounts.staff.role_changed', 'accounts.staff.reinvited'],
    );
  });

  test('owners: create-owner needs a well-formed --email', async () => {
    assert.throws(() => parseCreateOwnerArgs([]), /needs --email/);
    assert.throws(() => parseCreateOwnerArgs(['--email']), /--email takes a value/);
    assert.throws(() => parseCreateOwnerArgs(['--mail', 'x@y']), /unknown argument/);
    await assert.rejects(
      runCreateOwner(t.ctx.db, t.ctx.config, { email: 'not an email' }, () => {}),
      (error: { status: number; details: { field: string } }) => {
        assert.deepEqual([error.status, error.details.field], [400, 'email']);
        return true;
      },
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { type SignedIn, signedInStaff } from '../../tests/helpers/staff.js';
import { parseInventory } from '../security/script-inventory.js';
import { createWidgets, type Widgets } from './widgets.js';

const CHAT = 'http://localhost:3002';
const INVENTORY = parseInventory({
  scripts: [{ id: 'chat', kind: 'widget', origin: CHAT, classes: ['buyer', 'queue'], purpose: 'Support chat', owner: 'support', approved: 'PR #1' }],
});

describe('widgets over HTTP', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let widgets: Widgets;
  let security: SignedIn;
  let support: SignedIn;
  before(async () => {
    t = await testApp(
      { WIDGETS: JSON.stringify([{ name: 'chat', url: `${CHAT}/chat`, classes: ['buyer', 'queue', 'payment'], title: 'Support chat' }]) },
      20,
      {},
      {
        // Built on the test's own inventory, in place of the one the context made from security/script-inventory.json.
        context: (ctx) => {
          widgets = createWidgets({ config: ctx.config, db: ctx.db, inventory: INVENTORY, log: () => {} });
          ctx.widgets = widgets;
        },
      },
    );
    await widgets.refresh();
    security = await signedInStaff(t.app, 'security');
    support = await signedInStaff(t.app, 'support');
  });
  after(async () => {
    await t?.close();
  });

  const post = (name: string, action: 'disable' | 'enable', headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method: 'POST', url: `/api/admin/widgets/${name}/${action}`, headers, ...(payload ? { payload } : {}) });

  test('widgets: the list and the switch need their permissions, naming them; nothing changes on a refusal', async () => {
    assert.equal((await t.app.inject('/api/admin/widgets')).statusCode, 401);
    const list = await t.app.inject({ url: '/api/admin/widgets', headers: support.headers });
    assert.deepEqual([list.statusCode, list.json().error.permission], [403, 'security.read']);
    for (const action of ['disable', 'enable'] as const) {
      const refused = await post('chat', action, support.headers, { reason: 'x' });
      assert.deepEqual([refused.statusCode, refused.json().error.code, refused.json().error.permission], [403, 'forbidden', 'widgets.manage']);
    }
    assert.equal((await post('chat', 'disable', {}, {})).statusCode, 401);
    assert.equal(await t.ctx.db.selectFrom('widget_switches').select('name').executeTakeFirst(), undefined);
    assert.deepEqual(names(widgets.shownOn('buyer')), ['chat']);

    const seen = await t.app.inject({ url: '/api/admin/widgets', headers: security.headers });
    assert.equal(seen.statusCode, 200, seen.body);
    assert.deepEqual(seen.json().widgets, [
      {
        name: 'chat',
        title: 'Support chat',
        url: `${CHAT}/chat`,
        origin: CHAT,
        classes: ['buyer', 'queue'],
        connect: [],
        approved: { buyer: true, queue: true },
        shownOn: ['buyer', 'queue'],
        disabled: false,
        reason: null,
        changedBy: null,
        changedAt: null,
      },
    ]);
    assert.match(seen.json().warnings.join(), /"chat" is configured for payment pages/);
  });

  test('widgets: switching off needs no second factor and is in effect at once; on again needs one; both audited', async () => {
    await sql`UPDATE sessions SET second_factor_at = now() - interval '6 minutes' WHERE subject_id = ${security.id}`.execute(t.ctx.db);
    const off = await post('chat', 'disable', security.headers, { reason: 'vendor reports a breach' });
    assert.equal(off.statusCode, 200, off.body);
    assert.deepEqual(
      [off.json().disabled, off.json().reason, off.json().changedBy, off.json().shownOn],
      [true, 'vendor reports a breach', `staff:${security.id}`, []],
    );
    assert.deepEqual(widgets.shownOn('buyer'), [], 'this process hides it without waiting for the poll');
    assert.equal((await post('chat', 'disable', security.headers)).statusCode, 200, 'the reason is optional, and so is the body');

    const late = await post('chat', 'enable', security.headers, {});
    assert.deepEqual([late.statusCode, late.json().error.code], [403, 'sudo_required']);
    assert.deepEqual(widgets.shownOn('buyer'), []);
    const fresh = await signedInStaff(t.app, 'security');
    const on = await post('chat', 'enable', fresh.headers, { reason: 'vendor fixed it' });
    assert.equal(on.statusCode, 200, on.body);
    assert.equal(on.json().disabled, false);
    assert.deepEqual(names(widgets.shownOn('queue')), ['chat']);

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'subject_id', 'ip', 'data'])
      .where('subject_type', '=', 'widget')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor, a.subject_id, a.ip]),
      [
        ['widgets.widget.disabled', `staff:${security.id}`, 'chat', '127.0.0.1'],
        ['widgets.widget.disabled', `staff:${security.id}`, 'chat', '127.0.0.1'],
        ['widgets.widget.enabled', `staff:${fresh.id}`, 'chat', '127.0.0.1'],
      ],
    );
    assert.deepEqual(audit[0]!.data, { reason: 'vendor reports a breach', wasDisabled: false });
    assert.deepEqual(audit[1]!.data, { reason: '', wasDisabled: true });
  });

  test('widgets: an unknown widget is a 404 naming it; a malformed name or a long reason is a 400', async () => {
    const before = await t.ctx.db.selectFrom('widget_switches').selectAll().execute();
    const unknown = await post('analytics', 'disable', admin, {});
    assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'widget_not_found']);
    assert.match(unknown.json().error.message, /"analytics"/);
    for (const name of ['Chat', 'chat_1', 'x'.repeat(41)]) assert.equal((await post(name, 'disable', admin, {})).statusCode, 400, name);
    const long = await post('chat', 'disable', admin, { reason: 'x'.repeat(501) });
    assert.deepEqual([long.statusCode, long.json().error.field], [400, 'body.reason']);
    assert.equal((await post('chat', 'disable', admin, { reason: 'x', extra: 1 })).statusCode, 400);
    assert.deepEqual(await t.ctx.db.selectFrom('widget_switches').selectAll().execute(), before, 'no refusal changed the switch');
    const doc = (await t.app.inject('/api/openapi.json')).json() as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/api/admin/widgets/{name}/disable'], 'the routes are in the OpenAPI document');
  });
});

const names = (list: readonly { name: string }[]) => list.map((w) => w.name);

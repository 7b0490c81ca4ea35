import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Config, WidgetConfig } from '../config.js';
import { AppError } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { parseInventory, type ScriptInventory } from '../security/script-inventory.js';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { createWidgets, SWITCH_POLL_MS } from './widgets.js';
import { setWidgetDisabled } from './widgets.service.js';
import { CHAT, widget } from './widgets.fixtures.js';

const entry = { kind: 'widget', purpose: 'Support chat for buyers', owner: 'support team', approved: 'PR #1' } as const;
const INVENTORY = parseInventory({ scripts: [{ id: 'chat', origin: CHAT, classes: ['buyer', 'queue'], ...entry }] });
const CONFIG: Pick<Config, 'widgets'> = { widgets: [widget()] };
const names = (list: readonly WidgetConfig[]) => list.map((w) => w.name);

/** A database handle that fails like a lost server while `down` is set. */
function flaky(db: Db): { db: Db; down: boolean } {
  const state = { down: false, db: db };
  state.db = new Proxy(db, {
    get(target, prop) {
      if (state.down && prop === 'selectFrom') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return state;
}

async function until(what: string, check: () => boolean, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

describe('widgets', { skip: !databaseAvailable && skipReason }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await testDatabase(5);
  });
  after(async () => {
    await database?.drop();
  });

  test('widgets: shown only where configured and approved; never on payment, account or operator pages, whatever the config object says', async () => {
    // Built by hand, past loadConfig and parseInventory, which would both have refused these classes.
    const everywhere = widget({ classes: ['buyer', 'queue', 'payment', 'account', 'operator'] });
    const inventory: ScriptInventory = {
      entries: [
        { id: 'chat', origin: CHAT, classes: ['buyer', 'queue', 'payment', 'account', 'operator'], ...entry },
        { id: 'survey', origin: 'https://survey.example', classes: ['buyer'], ...entry },
      ],
    };
    const logged: string[] = [];
    const widgets = createWidgets({
      config: {
        widgets: [
          everywhere,
          widget({ name: 'analytics', url: 'https://stats.example/frame', origin: 'https://stats.example', classes: ['buyer', 'queue'] }),
          widget({ name: 'survey', url: 'https://evil.example/survey', origin: 'https://evil.example', classes: ['buyer'] }),
        ],
      },
      db: database.db,
      inventory,
      log: (message) => logged.push(message),
    });
    await widgets.refresh();
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(names(widgets.shownOn('buyer')), ['chat']);
      assert.deepEqual(names(widgets.shownOn('queue')), ['chat']);
      for (const free of ['payment', 'account', 'operator'] as const) assert.deepEqual(widgets.shownOn(free), [], free);
    }
    assert.deepEqual(logged.sort(), [
      'widget "analytics" (https://stats.example) is not approved for buyer pages in the script inventory: not shown there',
      'widget "analytics" (https://stats.example) is not approved for queue pages in the script inventory: not shown there',
      'widget "survey" (https://evil.example) is not approved for buyer pages in the script inventory: not shown there',
    ]);
    const list = await widgets.list();
    assert.deepEqual(
      list.map((w) => [w.name, w.approved, w.shownOn]),
      [
        ['chat', { buyer: true, queue: true, payment: false, account: false, operator: false }, ['buyer', 'queue']],
        ['analytics', { buyer: false, queue: false }, []],
        ['survey', { buyer: false }, []],
      ],
    );
  });

  test('widgets: fail closed until the switches are first read; a database outage keeps the last state read', async () => {
    const handle = flaky(database.db);
    handle.down = true;
    const widgets = createWidgets({ config: CONFIG, db: handle.db, inventory: INVENTORY, log: () => {} });
    const errors: unknown[] = [];
    const job = widgets.start((error) => errors.push(error));
    await until('the first read fails', () => errors.length > 0, 1000);
    assert.equal(widgets.ready, false);
    assert.deepEqual(widgets.shownOn('buyer'), [], 'no switch read yet: nothing shown');
    handle.down = false;
    await until('the poll reads the switches', () => widgets.ready, SWITCH_POLL_MS + 1000);
    assert.deepEqual(names(widgets.shownOn('buyer')), ['chat']);

    await setWidgetDisabled(database.db, CONFIG, { name: 'chat', disabled: true, reason: 'vendor breach', actor: 'test' });
    await widgets.refresh();
    assert.deepEqual(widgets.shownOn('buyer'), []);
    handle.down = true;
    await setWidgetDisabled(database.db, CONFIG, { name: 'chat', disabled: false, actor: 'test' });
    await assert.rejects(widgets.refresh());
    assert.deepEqual(widgets.shownOn('buyer'), [], 'the database is away: the widget stays off as last read');
    await job.stop();
  });

  test('widgets: a switch flipped on one process is in effect on another within 5 seconds, audited', async () => {
    const a = createWidgets({ config: CONFIG, db: database.db, inventory: INVENTORY, log: () => {} });
    const b = createWidgets({ config: CONFIG, db: database.db, inventory: INVENTORY, log: () => {} });
    const jobs = [a.start(), b.start()];
    try {
      await until('both read the switches', () => a.ready && b.ready, 1000);
      await a.setDisabled({ name: 'chat', disabled: false, actor: 'test' });
      await until('b shows the chat', () => b.shownOn('buyer').length === 1, 5000);

      const off = await a.setDisabled({ name: 'chat', disabled: true, reason: 'skimming suspected', actor: 'staff:someone', ip: '198.51.100.7' });
      assert.deepEqual([off.disabled, off.reason, off.changedBy, off.shownOn], [true, 'skimming suspected', 'staff:someone', []]);
      assert.deepEqual(a.shownOn('buyer'), [], 'in effect at once where it was switched');
      const tookOff = await until('b hides the chat', () => b.shownOn('buyer').length === 0 && b.shownOn('queue').length === 0, 5000);
      await b.setDisabled({ name: 'chat', disabled: false, actor: 'staff:someone' });
      const tookOn = await until('a shows the chat again', () => a.shownOn('queue').length === 1, 5000);
      console.log(`# metric switch propagated in ${tookOff} ms (off) and ${tookOn} ms (on); poll every ${SWITCH_POLL_MS} ms`);

      const entries = await database.db
        .selectFrom('audit_log')
        .select(['actor', 'action', 'subject_type', 'subject_id', 'ip', 'data'])
        .where('subject_type', '=', 'widget')
        .where('actor', '=', 'staff:someone')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        entries.map((e) => [e.action, e.subject_id, e.ip]),
        [
          ['widgets.widget.disabled', 'chat', '198.51.100.7'],
          ['widgets.widget.enabled', 'chat', null],
        ],
      );
      assert.deepEqual(entries[0]!.data, { reason: 'skimming suspected', wasDisabled: false });
    } finally {
      await Promise.all(jobs.map((j) => j.stop()));
    }
  });

  test('widgets: switching a widget that is not configured is refused naming it, and writes nothing', async () => {
    const count = async () =>
      (
        await database.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    await assert.rejects(setWidgetDisabled(database.db, CONFIG, { name: 'analytics', disabled: true, actor: 'test' }), (error: AppError) => {
      assert.ok(error instanceof AppError);
      assert.deepEqual([error.status, error.code], [404, 'widget_not_found']);
      assert.match(error.message, /"analytics".*configured: chat/);
      return true;
    });
    await assert.rejects(setWidgetDisabled(database.db, CONFIG, { name: 'chat', disabled: true, reason: 'x'.repeat(501), actor: 'test' }), { status: 400 });
    assert.equal(await count(), before);
    assert.equal(await database.db.selectFrom('widget_switches').select('name').where('name', '=', 'analytics').executeTakeFirst(), undefined);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { parseWidgetsArgs } from './widgets-commands.js';

const CHAT = 'http://localhost:3002';

/** Runs `taquilla <args>` as an operator would, against the test database, with one chat widget configured. */
function taquilla(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'taquilla-cli-'));
  const inventory = join(dir, 'script-inventory.json');
  writeFileSync(
    inventory,
    JSON.stringify({ scripts: [{ id: 'chat', kind: 'widget', origin: CHAT, classes: ['buyer'], purpose: 'chat', owner: 'support', approved: 'PR 1' }] }),
  );
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: url,
    TAQUILLA_SECRET: 'cli-test-secret-0123456789abcdef0123456789',
    TAQUILLA_ADMIN_TOKEN: 'cli-test-admin-token-0123456789abcdef012345',
    TAQUILLA_DATA_DIR: dir,
    WIDGETS: JSON.stringify([{ name: 'chat', url: `${CHAT}/chat`, classes: ['buyer', 'queue'] }]),
    SCRIPT_INVENTORY: inventory,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/taquilla.ts', 'widgets', ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('taquilla widgets', () => {
  test('taquilla widgets: arguments are read strictly', () => {
    assert.deepEqual(parseWidgetsArgs(['list']), { action: 'list', json: false });
    assert.deepEqual(parseWidgetsArgs(['disable', 'chat', '--reason', 'vendor breach']), { action: 'disable', name: 'chat', reason: 'vendor breach' });
    assert.deepEqual(parseWidgetsArgs(['enable', 'chat', '--reason=fixed']), { action: 'enable', name: 'chat', reason: 'fixed' });
    for (const bad of [[], ['remove', 'chat'], ['disable'], ['disable', '--reason', 'x'], ['disable', 'chat', '--reason'], ['list', '--all']]) {
      assert.throws(() => parseWidgetsArgs(bad), JSON.stringify(bad));
    }
  });

  describe('against a database', { skip: !databaseAvailable && skipReason }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await testDatabase(2);
    });
    after(async () => {
      await t?.drop();
    });

    test('taquilla widgets: disable and enable switch the widget for every server, audited as the operator; an unknown name exits 2', async () => {
      const off = await taquilla(t.url, 'disable', 'chat', '--reason', 'vendor breach');
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stdout, /"chat" switched off/);
      const listed = await taquilla(t.url, 'list');
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^chat\s+OFF\s+-\s+buyer, queue \(not approved\)\s+http:\/\/localhost:3002\s+.* by cli:\S+: vendor breach$/m);

      const on = await taquilla(t.url, 'enable', 'chat');
      assert.equal(on.code, 0, on.stderr);
      const json = JSON.parse((await taquilla(t.url, 'list', '--json')).stdout);
      assert.deepEqual([json[0].disabled, json[0].shownOn], [false, ['buyer']]);

      const unknown = await taquilla(t.url, 'disable', 'analytics');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /refused: No widget named "analytics" is configured/);

      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor']).where('subject_type', '=', 'widget').orderBy('id').execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['widgets.widget.disabled', 'widgets.widget.enabled'],
      );
      assert.ok(audit.every((a) => a.actor.startsWith('cli:')));
    });
  });
});

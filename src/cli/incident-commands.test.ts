import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { scoped } from '../security/incidents.fixtures.js';
import { createIncident } from '../security/incidents.repository.js';
import { parseIncidentArgs } from './incident-commands.js';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const SCOPE = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/**
 * Runs `taquilla incident <args>` as an operator would, against the test database. `onLine` sees
 * each line of stdout as it comes, and may kill the process (as an operator's kill -9 would).
 */
function taquilla(
  url: string,
  args: string[],
  onLine?: (line: string, kill: () => void) => void,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: url,
    TAQUILLA_SECRET: 'cli-test-secret-0123456789abcdef0123456789',
    TAQUILLA_ADMIN_TOKEN: 'cli-test-admin-token-0123456789abcdef012345',
    TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-cli-')),
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/taquilla.ts', 'incident', ...args], { env });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) onLine?.(line, () => child.kill('SIGKILL'));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('taquilla incident', () => {
  test('taquilla incident: arguments are read strictly', () => {
    assert.deepEqual(parseIncidentArgs(['list']), { action: 'list' });
    assert.deepEqual(parseIncidentArgs(['notify', ID, '--scope', SCOPE, '--dry-run']), {
      action: 'step',
      id: ID,
      step: 'notify',
      scopeId: SCOPE,
      dryRun: true,
    });
    assert.deepEqual(parseIncidentArgs(['reset', ID, `--scope=${SCOPE}`]), { action: 'step', id: ID, step: 'reset', scopeId: SCOPE, dryRun: false });
    assert.deepEqual(parseIncidentArgs(['revoke-staff', ID]), { action: 'step', id: ID, step: 'revoke_staff', scopeId: undefined, dryRun: false });
    assert.deepEqual(parseIncidentArgs(['export', ID, '--scope', SCOPE, '--out', '/tmp/x.csv']), {
      action: 'export',
      id: ID,
      scopeId: SCOPE,
      out: '/tmp/x.csv',
    });
    assert.deepEqual(parseIncidentArgs(['scope', ID, '--from', '2025-05-01T00:00:00Z', '--build', 'b1', '--build', 'b2', '--page-class', 'payment']), {
      action: 'scope',
      id: ID,
      criteria: { from: '2025-05-01T00:00:00.000Z', buildIds: ['b1', 'b2'], pageClasses: ['payment'] },
    });
    for (const bad of [
      [],
      ['list', 'x'],
      ['show', 'not-an-id'],
      ['notify', ID],
      ['notify', ID, '--scope'],
      ['notify', ID, '--scope', SCOPE, '--scope', SCOPE],
      ['notify', ID, '--scope', SCOPE, '--yes'],
      ['revoke-staff', ID, '--scope', SCOPE],
      ['scope', ID, '--from', 'yesterday'],
      ['scope', ID, '--from', '2025-05-02T00:00:00Z', '--to', '2025-05-01T00:00:00Z'],
      ['scope', ID, '--page-class', 'checkout'],
      ['scope', ID, '--performance', 'p1'],
      ['purge', ID],
    ]) {
      assert.throws(() => parseIncidentArgs(bad), JSON.stringify(bad));
    }
  });

  describe('against a database', { skip: !databaseAvailable && skipReason }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await testDatabase(4);
    });
    after(async () => {
      await t?.drop();
    });

    test('taquilla incident notify: the dry run changes nothing; a run killed midway and run again emails everyone exactly once', async () => {
      const { incidentId, scopeId } = await scoped(t.db, 20000);
      const scope = { id: scopeId };
      const notices = async () => {
        const { rows } = await sql<{ people: number; emails: number }>`
          SELECT count(DISTINCT recipient)::int AS people, count(*)::int AS emails FROM outbox WHERE kind = 'incident_notice'`.execute(t.db);
        return rows[0]!;
      };

      const dry = await taquilla(t.url, ['notify', incidentId, '--scope', scope.id, '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(
        dry.stdout,
        'notify --dry-run: 20000 people to handle (0 of 20000 done before); nothing was changed\n' +
          '  t***@example.com  en\n  t***@example.com  fr\n  t***@example.com  nl\n  t***@example.com  nb\n  t***@example.com  es\n',
      );
      assert.deepEqual(await notices(), { people: 0, emails: 0 });

      const killed = await taquilla(t.url, ['notify', incidentId, '--scope', scope.id], (line, kill) => {
        if (line.startsWith('notify: ')) kill();
      });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      assert.match(killed.stdout, /^notify: \d+\/20000 done, 0 failed, \d+ left, \d+\/s$/m);
      const partial = await notices();
      assert.ok(partial.people >= 1000 && partial.people < 20000, `killed midway: ${partial.people} emailed`);
      assert.equal(partial.emails, partial.people);

      const again = await taquilla(t.url, ['notify', incidentId, '--scope', scope.id]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /notify done: 20000\/20000 done, 0 failed, 0 left \(run [0-9a-f-]{36}\)\n$/);
      assert.deepEqual(await notices(), { people: 20000, emails: 20000 });

      const shown = await taquilla(t.url, ['show', incidentId]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^incident .*: test t\d+x\d+\n/);
      assert.match(shown.stdout, /notifications_sent/);
      assert.match(
        shown.stdout,
        /steps:\n {2}\S+ {2}done {2}notify: 20000\/20000 done, 0 failed, 0 left, \d+\/s .*by cli:\S+\n {2}\S+ {2}failed {2}notify: \d+\/20000 done/,
      );

      const listed = await taquilla(t.url, ['list']);
      assert.match(listed.stdout, new RegExp(`^${incidentId} +open +script_compromise +high .* test t\\d+x\\d+$`, 'm'));

      const file = join(mkdtempSync(join(tmpdir(), 'taquilla-export-')), 'people.csv');
      const exported = await taquilla(t.url, ['export', incidentId, '--scope', scope.id, '--out', file]);
      assert.equal(exported.code, 0, exported.stderr);
      const csv = readFileSync(file, 'utf8').trimEnd().split('\n');
      assert.equal(csv.length, 20001);
      assert.match(csv[1]!, /^t\d+x\d+-000001@example.com,Person 1,en,/);
      const audits = await t.db.selectFrom('audit_log').select(['action', 'actor']).where('subject_id', '=', incidentId).orderBy('id').execute();
      assert.ok(audits.every((a) => a.actor.startsWith('cli:')));
      assert.ok(audits.some((a) => a.action === 'security.incident.people_exported'));

      const unknown = await taquilla(t.url, ['notify', SCOPE, '--scope', scope.id]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /refused: No incident with id/);
    });

    test('taquilla incident scope: answers the count and share of a scope', async () => {
      const incidentId = await createIncident(t.db, {
        category: 'data_exposure',
        title: 'Leak',
        severity: 'high',
        awareAt: new Date(),
        openedBy: 'test',
        owner: null,
      });
      const res = await taquilla(t.url, ['scope', incidentId, '--from', '2025-05-01T00:00:00Z', '--to', '2025-05-02T00:00:00Z', '--storefront', 'web']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /^scope [0-9a-f-]{36}: 0 people \(0\.0% of \d+ customers\), 0 checkout attempts, in \d+ ms\n$/);
      const scope = await t.db.selectFrom('incident_scopes').select('criteria').where('incident_id', '=', incidentId).executeTakeFirstOrThrow();
      assert.deepEqual(scope.criteria, { from: '2025-05-01T00:00:00.000Z', to: '2025-05-02T00:00:00.000Z', storefronts: ['web'] });
    });
  });
});

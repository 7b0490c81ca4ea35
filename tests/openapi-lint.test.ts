import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';

const CLI = join(process.cwd(), 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
const CONFIG = join(process.cwd(), 'redocly.yaml');

interface Problem {
  ruleId: string;
  severity: string;
  message: string;
  location: { pointer: string }[];
}
interface Report {
  totals: { errors: number; warnings: number };
  problems: Problem[];
}
interface Operation {
  operationId?: string;
  summary?: string;
}

/** Redocly's linter on a document file, with the committed redocly.yaml; offline (no telemetry, no update check). */
function lint(file: string): Report {
  const run = spawnSync(process.execPath, [CLI, 'lint', file, '--config', CONFIG, '--format', 'json', '--max-problems', '1000'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  assert.ok(run.stdout.trim().startsWith('{'), `the linter answered JSON (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  return JSON.parse(run.stdout) as Report;
}

const listed = (report: Report) => report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);

describe('openapi lint', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let dir: string;
  let doc: { paths: Record<string, Record<string, Operation>> };
  before(async () => {
    // The document as a deployment serves it: its servers entry is its public BASE_URL (a
    // development server's localhost draws Redocly's no-server-example.com warning, rightly).
    t = await testApp({ BASE_URL: 'https://tickets.taquilla.test' });
    doc = (await t.app.inject('/api/openapi.json')).json();
    dir = mkdtempSync(join(tmpdir(), 'taquilla-openapi-lint-'));
  });
  after(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("openapi: the document passes Redocly's recommended rules with no error and no warning", () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const report = lint(file);
    assert.deepEqual(listed(report), []);
    assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });

    // What a generated client names its methods by: camelCase, one per operation.
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    assert.ok(operations.length > 100, `${operations.length} operations`);
    const badIds = operations.map((o) => o.operationId ?? '').filter((id) => !/^[a-z][A-Za-z0-9]+$/.test(id));
    assert.deepEqual(badIds, []);
    const terse = operations.filter((o) => (o.summary ?? '').split(' ').length < 3).map((o) => `${o.operationId}: ${o.summary}`);
    assert.deepEqual(terse, [], 'summaries say what the operation does in a few words');
  });

  test('openapi: the linter does report an operation without a summary or an operationId (the check is live)', () => {
    const broken = structuredClone(doc);
    const listEvents = broken.paths['/api/events']?.get;
    assert.ok(listEvents, 'GET /api/events is documented');
    delete listEvents.summary;
    delete listEvents.operationId;
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const found = listed(lint(file));
    assert.ok(
      found.some((p) => p.startsWith('error operation-summary #/paths/~1api~1events/get')),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => p.includes('operation-operationId #/paths/~1api~1events/get')),
      found.join('\n'),
    );
  });
});

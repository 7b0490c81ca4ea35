import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { asAttacker, rehashFrom, seedChain } from '../security/audit-chain.fixtures.js';

/** Runs `taquilla <args>` as an operator would, against the test database. */
function taquilla(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: url,
    TAQUILLA_SECRET: 'cli-test-secret-0123456789abcdef0123456789',
    TAQUILLA_ADMIN_TOKEN: 'cli-test-admin-token-0123456789abcdef012345',
    TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-cli-')),
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/taquilla.ts', ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('taquilla audit', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await testDatabase(2);
    await seedChain(t.db, 12, 5);
  });
  after(async () => {
    await t?.drop();
  });

  test('taquilla audit: head prints seq:hash; verify exits 0, then 1 naming an edited row and a rewritten chain', async () => {
    const head = await taquilla(t.url, 'audit', 'head');
    assert.equal(head.code, 0, head.stderr);
    const match = /^(12:[0-9a-f]{64}) \d{4}-\d\d-\d\dT[\d:.]+Z\n$/.exec(head.stdout);
    assert.ok(match, head.stdout);
    const kept = match[1]!;

    const intact = await taquilla(t.url, 'audit', 'verify', '--head', kept);
    assert.equal(intact.code, 0, intact.stdout + intact.stderr);
    assert.match(intact.stdout, /^audit chain intact: 12 rows checked, head 12:[0-9a-f]{64}; kept head 12 is in it/);

    const row = await t.db.selectFrom('audit_log').select('id').where('seq', '=', 4).executeTakeFirstOrThrow();
    await asAttacker(t.db, async (tx) => {
      await sql`UPDATE audit_log SET subject_id = 'covered-up' WHERE seq = 4`.execute(tx);
    });
    const edited = await taquilla(t.url, 'audit', 'verify');
    assert.equal(edited.code, 1);
    assert.equal(edited.stdout, `altered: row id ${row.id} (seq 4) no longer matches its hash\n`);

    // The attacker now recomputes every hash from there: the walk passes, the kept head does not.
    await asAttacker(t.db, (tx) => rehashFrom(tx, 4));
    assert.equal((await taquilla(t.url, 'audit', 'verify')).code, 0);
    const rewritten = await taquilla(t.url, 'audit', 'verify', '--head', kept);
    assert.equal(rewritten.code, 1);
    assert.match(
      rewritten.stdout,
      /^head: seq 12 \(row id \d+\) now has hash [0-9a-f]{64}, not [0-9a-f]{64} as when it was kept: the chain up to there was rewritten\n$/,
    );

    const wrong = await taquilla(t.url, 'audit', 'verify', '--head', '12:nothex');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /--head takes <seq>:<hash>/);
  });
});

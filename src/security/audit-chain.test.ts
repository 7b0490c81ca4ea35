import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { audit } from '../platform/audit.js';
import { connect } from '../platform/database.js';
import { sealAuditLog, startAuditSealer } from './audit-chain.sealer.js';
import { verifyAuditChain } from './audit-chain.verify.js';

const entry = (subjectId: string) => ({ actor: 'system', action: 'test.chain.entry', subjectType: 'test', subjectId, data: { subjectId } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sealedIds = async (db: TestDatabase['db']) =>
  (await db.selectFrom('audit_log').select(['id', 'seq']).where('seq', 'is not', null).orderBy('seq').execute()).map((r) => ({
    id: Number(r.id),
    seq: r.seq!,
  }));

describe('audit chain: sealing', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await testDatabase(30);
  });
  after(async () => {
    await t?.drop();
  });

  test('audit chain: 100 concurrent transactions auditing while two sealers race give one unbroken chain', async () => {
    // A second pool stands for another process running its own sealer.
    const other = connect(t.url, 4);
    let writing = true;
    const outcome = { sealed: [0, 0], busy: [0, 0] };
    const sealer = async (db: TestDatabase['db'], i: number) => {
      while (writing) {
        const pass = await sealAuditLog(db, { batchSize: 7 });
        outcome.sealed[i]! += pass.sealed;
        if (pass.busy) outcome.busy[i]!++;
        await sleep(1);
      }
    };
    const sealers = [sealer(t.db, 0), sealer(other, 1)];
    const committed: string[] = [];
    await Promise.all(
      Array.from({ length: 100 }, async (_, n) => {
        try {
          await t.db.transaction().execute(async (tx) => {
            for (let k = 0; k < 4; k++) {
              await audit(tx, entry(`tx${n}-${k}`));
              await sleep(Math.random() * 5);
            }
            if (n % 10 === 9) throw new Error('rolled back');
          });
          for (let k = 0; k < 4; k++) committed.push(`tx${n}-${k}`);
        } catch (error) {
          if ((error as Error).message !== 'rolled back') throw error;
        }
      }),
    );
    writing = false;
    await Promise.all(sealers);
    const last = await sealAuditLog(other);
    await other.destroy();

    assert.equal(committed.length, 360);
    assert.equal(outcome.sealed[0]! + outcome.sealed[1]! + last.sealed, 360, 'every committed entry sealed once');
    const chain = await sealedIds(t.db);
    assert.deepEqual(
      chain.map((r) => r.seq),
      Array.from({ length: 360 }, (_, i) => i + 1),
    );
    const subjects = await t.db.selectFrom('audit_log').select('subject_id').where('seq', 'is not', null).execute();
    assert.deepEqual(subjects.map((s) => s.subject_id).sort(), [...committed].sort());
    const result = await verifyAuditChain(t.db, { batchSize: 50 });
    assert.deepEqual(result.findings, []);
    assert.equal(result.checked, 360);
    console.log(`# sealers: sealed ${outcome.sealed.join(' + ')} (+ ${last.sealed} at the end); found the other sealing ${outcome.busy.join(' + ')} times`);
  });

  test('audit chain: auditing takes no lock others wait on; a late commit is sealed later, down the chain', async () => {
    const before = (await sealedIds(t.db)).length;
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    let locks: { locktype: string; relation: string | null; mode: string }[] = [];
    const whileSlowIsOpen = async () => {
      // What the slow transaction holds: the row-exclusive lock every insert takes on the table and
      // its indexes (which never blocks another insert), no advisory lock, no chain head.
      assert.ok(locks.length > 0);
      for (const lock of locks) {
        assert.equal(lock.locktype, 'relation', JSON.stringify(lock));
        assert.match(lock.relation ?? '', /^(audit_log|audit_log_\w+|pg_locks)$/, JSON.stringify(lock));
        if (lock.relation !== 'pg_locks') assert.equal(lock.mode, 'RowExclusiveLock');
      }

      // Another purchase's audit does not wait for it (a wait would hit the 200 ms lock timeout).
      const started = Date.now();
      await t.db.transaction().execute(async (tx) => {
        await sql`SET LOCAL lock_timeout = '200ms'`.execute(tx);
        await audit(tx, entry('fast'));
      });
      // Nor does the sealer: it seals the committed row and leaves the open one.
      const pass = await sealAuditLog(t.db);
      assert.equal(pass.sealed, 1);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    };
    const slow = t.db.transaction().execute(async (tx) => {
      await audit(tx, entry('slow'));
      const { rows } = await sql<{ locktype: string; relation: string | null; mode: string }>`
        SELECT locktype, relation::regclass::text AS relation, mode FROM pg_locks
         WHERE pid = pg_backend_pid() AND locktype NOT IN ('virtualxid', 'transactionid')`.execute(tx);
      locks = rows;
      entered();
      await released;
    });
    await inside;
    try {
      await whileSlowIsOpen();
    } finally {
      release();
      await slow;
    }
    assert.equal((await sealAuditLog(t.db)).sealed, 1);
    const rows = await t.db.selectFrom('audit_log').select(['id', 'seq', 'subject_id']).where('subject_id', 'in', ['slow', 'fast']).execute();
    const slowRow = rows.find((r) => r.subject_id === 'slow')!;
    const fastRow = rows.find((r) => r.subject_id === 'fast')!;
    assert.ok(Number(slowRow.id) < Number(fastRow.id), 'the slow transaction inserted first');
    assert.deepEqual([fastRow.seq, slowRow.seq], [before + 1, before + 2], 'and was sealed after the fast one');
    assert.equal((await verifyAuditChain(t.db)).ok, true);
  });

  test('audit chain: the sealer job seals within its interval, and once more when it stops', async () => {
    const errors: unknown[] = [];
    const job = startAuditSealer(t.db, (error) => errors.push(error), 20);
    await audit(t.db, entry('job-1'));
    const sealed = async (subjectId: string) =>
      (await t.db.selectFrom('audit_log').select('seq').where('subject_id', '=', subjectId).executeTakeFirstOrThrow()).seq !== null;
    for (let i = 0; i < 100 && !(await sealed('job-1')); i++) await sleep(20);
    assert.equal(await sealed('job-1'), true, 'sealed by the running job');
    await audit(t.db, entry('job-2'));
    await job.stop();
    assert.equal(await sealed('job-2'), true, 'sealed by the last pass');
    assert.deepEqual(errors, []);
  });

  test('audit chain: the database refuses to change, delete or forge entries from the app connection', async () => {
    await audit(t.db, entry('sealed'));
    await sealAuditLog(t.db);
    await audit(t.db, entry('unsealed'));
    const refused = async (statement: ReturnType<typeof sql>, why: string) => assert.rejects(statement.execute(t.db), /audit_log is append-only/, why);

    await refused(sql`UPDATE audit_log SET data = '{"subjectId":"other"}' WHERE subject_id = 'sealed'`, 'edit a sealed row');
    await refused(sql`UPDATE audit_log SET actor = 'someone' WHERE subject_id = 'unsealed'`, 'edit an unsealed row');
    await refused(sql`UPDATE audit_log SET seq = seq + 1000 WHERE subject_id = 'sealed'`, 'move a sealed row');
    await refused(
      sql`UPDATE audit_log SET seq = 100000, prev_hash = ${'a'.repeat(64)}, hash = ${'b'.repeat(64)}, sealed_at = now(), subject_id = 'changed' WHERE subject_id = 'unsealed'`,
      'seal while changing the content',
    );
    await refused(
      sql`UPDATE audit_log SET seq = 100000, prev_hash = 'x', hash = 'y', sealed_at = now() WHERE subject_id = 'unsealed'`,
      'seal with malformed hashes',
    );
    await refused(sql`DELETE FROM audit_log WHERE subject_id = 'sealed'`, 'delete a sealed row');
    await refused(sql`DELETE FROM audit_log WHERE subject_id = 'unsealed'`, 'delete an unsealed row');
    await refused(sql`TRUNCATE audit_log`, 'truncate');

    // An insert cannot place itself in the chain: its chain columns are dropped.
    await sql`INSERT INTO audit_log (actor, action, subject_type, subject_id, seq, prev_hash, hash, sealed_at)
              VALUES ('x', 'x.y', 't', 'forged', 1, ${'0'.repeat(64)}, ${'c'.repeat(64)}, now())`.execute(t.db);
    const forged = await t.db
      .selectFrom('audit_log')
      .select(['seq', 'prev_hash', 'hash', 'sealed_at'])
      .where('subject_id', '=', 'forged')
      .executeTakeFirstOrThrow();
    assert.deepEqual(forged, { seq: null, prev_hash: null, hash: null, sealed_at: null });

    // The sealer's own change is the one update allowed, and the chain is intact after all this.
    assert.equal((await sealAuditLog(t.db)).sealed, 2);
    const result = await verifyAuditChain(t.db);
    assert.deepEqual(result.findings, []);
    assert.equal(result.unsealed, 0);
  });
});

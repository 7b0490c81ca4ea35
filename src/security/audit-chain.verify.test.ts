import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { runAuditVerify } from '../cli/audit-verify.js';
import type { Tx } from '../platform/transaction.js';
import { chainHash, canonicalJson, canonicalRow } from './audit-chain.js';
import { asAttacker, rehashFrom, rowAt, seedChain, shiftSeq } from './audit-chain.fixtures.js';
import { chainHead } from './audit-chain.repository.js';
import { verifyAuditChain } from './audit-chain.verify.js';

const ROWS = 30;

describe('audit chain: verify', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await testDatabase(4);
    await seedChain(t.db, ROWS, 7);
  });
  after(async () => {
    await t?.drop();
  });

  /** Attacks the chain in a transaction that is rolled back after `taquilla audit verify` ran in it. */
  const attacked = async (attack: (tx: Tx) => Promise<void>, keptHead?: { seq: number; hash: string }) =>
    asAttacker(
      t.db,
      async (tx) => {
        await attack(tx);
        const lines: string[] = [];
        const exit = await runAuditVerify(tx, { keptHead }, (line) => lines.push(line));
        return { exit, lines, result: await verifyAuditChain(tx, { keptHead, batchSize: 4 }) };
      },
      { keep: false },
    );

  test('audit chain: canonical form sorts keys at every depth and keeps microseconds', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' }, '10': 0, '9': 0 }),
      '{"10":0,"9":0,"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}',
    );
    const row = {
      id: 42,
      at: '2026-12-06T19:04:05.123456Z',
      actor: 'system',
      action: 'a.b',
      subject_type: 't',
      subject_id: 's',
      ip: null,
      data: { b: 2, a: 1 },
    };
    assert.equal(canonicalRow(row), '["42","2026-12-06T19:04:05.123456Z","system","a.b","t","s",null,{"a":1,"b":2}]');
    assert.notEqual(chainHash('0'.repeat(64), row), chainHash('0'.repeat(64), { ...row, at: '2026-12-06T19:04:05.123457Z' }));
  });

  test('audit chain: an intact chain verifies, read in any time zone and any page size', async () => {
    const result = await verifyAuditChain(t.db, { batchSize: 4 });
    assert.equal(result.ok, true);
    assert.equal(result.checked, ROWS);
    assert.deepEqual(result.findings, []);
    assert.equal(result.head?.seq, ROWS);
    const elsewhere = await t.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL TimeZone = 'Pacific/Chatham'`.execute(tx);
      return verifyAuditChain(tx, { batchSize: 1000 });
    });
    assert.equal(elsewhere.ok, true);
    assert.equal(elsewhere.checked, ROWS);
    const lines: string[] = [];
    assert.equal(await runAuditVerify(t.db, {}, (line) => lines.push(line)), 0);
    assert.match(lines[0]!, new RegExp(`^audit chain intact: ${ROWS} rows checked, head ${ROWS}:[0-9a-f]{64}`));
  });

  test('audit chain: an edited row is named as altered, even a change of one microsecond', async () => {
    const target = await rowAt(t.db, 12);
    const edit = await attacked(async (tx) => {
      await sql`UPDATE audit_log SET data = jsonb_set(data, '{n}', '999') WHERE seq = 12`.execute(tx);
    });
    assert.equal(edit.exit, 1);
    assert.deepEqual(edit.lines, [`altered: row id ${target.id} (seq 12) no longer matches its hash`]);
    assert.equal(edit.result.checked, 11);
    const micro = await attacked(async (tx) => {
      await sql`UPDATE audit_log SET at = at + interval '1 microsecond' WHERE seq = 12`.execute(tx);
    });
    assert.deepEqual(micro.lines, [`altered: row id ${target.id} (seq 12) no longer matches its hash`]);
  });

  test('audit chain: a deleted row is named as removed, with or without renumbering the rest', async () => {
    const [before, after] = [await rowAt(t.db, 6), await rowAt(t.db, 8)];
    const gap = await attacked(async (tx) => {
      await sql`DELETE FROM audit_log WHERE seq = 7`.execute(tx);
    });
    assert.equal(gap.exit, 1);
    assert.deepEqual(gap.lines, [`removed: seq 7 is missing, between row id ${before.id} (seq 6) and row id ${after.id} (seq 8)`]);
    assert.deepEqual({ kind: gap.result.findings[0]!.kind, seq: gap.result.findings[0]!.seq }, { kind: 'removed', seq: 7 });

    const renumbered = await attacked(async (tx) => {
      await sql`DELETE FROM audit_log WHERE seq = 7`.execute(tx);
      await shiftSeq(tx, 8, -1);
    });
    assert.equal(renumbered.exit, 1);
    assert.equal(renumbered.lines.length, 1);
    assert.match(renumbered.lines[0]!, new RegExp(`^removed: a row is missing between row id ${before.id} \\(seq 6\\) and row id ${after.id} \\(seq 7\\)`));

    const first = await attacked(async (tx) => {
      await sql`DELETE FROM audit_log WHERE seq <= 2`.execute(tx);
    });
    assert.match(first.lines[0]!, /^removed: seq 1 to 2 are missing, before row id \d+ \(seq 3\)$/);
  });

  test('audit chain: an inserted row is named, whether its hash was forged well or not', async () => {
    const forge = async (tx: Tx, goodHash: boolean) => {
      const prev = await rowAt(tx, 14);
      await shiftSeq(tx, 15, 1);
      const { rows } = await sql<{ id: string; at: string }>`
        INSERT INTO audit_log (actor, action, subject_type, subject_id, data)
        VALUES ('staff:1', 'sales.order.refunded', 'order', 'forged', '{}')
        RETURNING id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`.execute(tx);
      const forged = rows[0]!;
      const row = {
        id: forged.id,
        at: forged.at,
        actor: 'staff:1',
        action: 'sales.order.refunded',
        subject_type: 'order',
        subject_id: 'forged',
        ip: null,
        data: {},
      };
      const hash = goodHash ? chainHash(prev.hash, row) : 'f'.repeat(64);
      await sql`UPDATE audit_log SET seq = 15, prev_hash = ${prev.hash}, hash = ${hash}, sealed_at = now() WHERE id = ${forged.id}`.execute(tx);
      return forged.id;
    };
    let forgedId = '';
    const careful = await attacked(async (tx) => {
      forgedId = await forge(tx, true);
    });
    assert.equal(careful.exit, 1);
    assert.match(careful.lines[0]!, new RegExp(`^inserted: row id ${forgedId} \\(seq 15\\) is not part of the chain: row id \\d+ \\(seq 16\\) links past it$`));
    assert.deepEqual({ kind: careful.result.findings[0]!.kind, id: careful.result.findings[0]!.id }, { kind: 'inserted', id: String(forgedId) });

    const clumsy = await attacked(async (tx) => {
      forgedId = await forge(tx, false);
    });
    assert.match(clumsy.lines[0]!, new RegExp(`^inserted: row id ${forgedId} \\(seq 15\\) is not part of the chain`));
  });

  test('audit chain: rewriting the whole chain after an edit passes the walk but not the head kept earlier', async () => {
    const kept = (await chainHead(t.db))!;
    const rewritten = await attacked(async (tx) => {
      await sql`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5`.execute(tx);
      await rehashFrom(tx, 5);
    }, kept);
    assert.equal(rewritten.result.checked, ROWS, 'the rewritten chain is whole by itself');
    assert.equal(rewritten.exit, 1);
    assert.equal(rewritten.lines.length, 1);
    assert.match(
      rewritten.lines[0]!,
      new RegExp(`^head: seq ${ROWS} \\(row id \\d+\\) now has hash [0-9a-f]{64}, not ${kept.hash} as when it was kept: the chain up to there was rewritten$`),
    );

    const cut = await attacked(async (tx) => {
      await sql`DELETE FROM audit_log WHERE seq > ${ROWS - 3}`.execute(tx);
    }, kept);
    assert.deepEqual(cut.lines, [
      `head: seq ${ROWS}, the head kept earlier, is not in the chain (the chain ends at seq ${ROWS - 3}): rows were removed from its end`,
    ]);

    const fine = await attacked(async () => {}, kept);
    assert.equal(fine.exit, 0);
    assert.match(fine.lines[0]!, new RegExp(`kept head ${ROWS} is in it`));
  });

  test('audit chain: rows left unsealed for over a minute are reported: the sealer is not running', async () => {
    const stale = await attacked(async (tx) => {
      await sql`INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES (now() - interval '2 minutes', 'system', 'x.y', 't', 's')`.execute(
        tx,
      );
      await sql`INSERT INTO audit_log (actor, action, subject_type, subject_id) VALUES ('system', 'x.y', 't', 'fresh')`.execute(tx);
    });
    assert.equal(stale.exit, 1);
    assert.equal(stale.result.ok, true, 'the chain itself is intact');
    assert.equal(stale.result.unsealed, 2);
    assert.match(stale.lines[0]!, /^unsealed: 1 rows older than 60 s are not sealed yet \(oldest id \d+\): is the sealer running\?$/);
  });
});

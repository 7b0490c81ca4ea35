import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { audit } from '../platform/audit.js';
import { asAttacker } from './audit-chain.fixtures.js';
import { sealAuditLog } from './audit-chain.sealer.js';

describe('audit routes', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });
  const get = (url: string) => t.app.inject({ url, headers: admin });

  test("audit: the log filters by actor, action prefix and time, with each entry's place in the chain", async () => {
    await audit(t.ctx.db, { actor: 'staff:ana', action: 'accounts.staff.signed_in', subjectType: 'staff', subjectId: 'ana', ip: '203.0.113.7' });
    await audit(t.ctx.db, { actor: 'staff:ana', action: 'accounts_staff.other', subjectType: 'staff', subjectId: 'ana' });
    await audit(t.ctx.db, { actor: 'system', action: 'accounts.staff.disabled', subjectType: 'staff', subjectId: 'bea', data: { reason: 'dormant' } });
    await sealAuditLog(t.ctx.db);
    await audit(t.ctx.db, { actor: 'staff:ana', action: 'accounts.staff.signed_out', subjectType: 'staff', subjectId: 'ana' });

    const byAna = (await get('/api/admin/audit?actor=staff:ana&action=accounts.staff')).json().entries;
    assert.deepEqual(
      byAna.map((e: { action: string }) => e.action),
      ['accounts.staff.signed_out', 'accounts.staff.signed_in'],
      'newest first; `_` in the prefix is not a wildcard',
    );
    const [unsealed, sealed] = byAna;
    assert.equal(sealed.ip, '203.0.113.7');
    assert.equal(typeof sealed.seq, 'number');
    assert.match(sealed.hash, /^[0-9a-f]{64}$/);
    assert.match(sealed.prevHash, /^[0-9a-f]{64}$/);
    assert.ok(Date.parse(sealed.sealedAt) >= Date.parse(sealed.at));
    assert.deepEqual([unsealed.seq, unsealed.hash, unsealed.prevHash, unsealed.sealedAt, unsealed.ip], [null, null, null, null, null]);

    const future = new Date(Date.now() + 60_000).toISOString();
    assert.equal((await get(`/api/admin/audit?from=${future}`)).json().entries.length, 0);
    const until = (await get(`/api/admin/audit?to=${future}&action=accounts.staff.`)).json().entries;
    assert.deepEqual(
      until.map((e: { action: string }) => e.action),
      ['accounts.staff.signed_out', 'accounts.staff.disabled', 'accounts.staff.signed_in'],
    );
    assert.equal((await get('/api/admin/audit?from=yesterday')).statusCode, 400);
    assert.equal((await t.app.inject('/api/admin/audit')).statusCode, 401);
  });

  test('audit: the chain route gives the head, the unsealed count and the verification', async () => {
    await sealAuditLog(t.ctx.db);
    await audit(t.ctx.db, { actor: 'system', action: 'test.pending', subjectType: 'test', subjectId: 'p' });
    const body = (await get('/api/admin/audit/chain')).json();
    const head = await t.ctx.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', 'is not', null).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(body.head.seq, head.seq);
    assert.equal(body.head.hash, head.hash);
    assert.ok(body.unsealed >= 1, "the pending entry (and the request's own, when its credential is audited)");
    assert.equal(body.staleUnsealed, 0);
    assert.deepEqual({ ok: body.verified.ok, checked: body.verified.checked }, { ok: true, checked: head.seq });
    assert.equal(body.verified.firstProblem, undefined);
    assert.equal((await t.app.inject('/api/admin/audit/chain')).statusCode, 401);
  });
});

describe('audit routes: a broken chain', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  // Tampered before the first call: a process keeps its walk of the chain for a minute.
  test('audit: the chain route names the first problem', async () => {
    for (const subjectId of ['a', 'b', 'c']) await audit(t.ctx.db, { actor: 'system', action: 'test.entry', subjectType: 'test', subjectId });
    await sealAuditLog(t.ctx.db);
    const second = await t.ctx.db.selectFrom('audit_log').select('id').where('seq', '=', 2).executeTakeFirstOrThrow();
    await asAttacker(t.ctx.db, async (tx) => {
      await sql`UPDATE audit_log SET actor = 'nobody' WHERE seq = 2`.execute(tx);
    });
    const body = (await t.app.inject({ url: '/api/admin/audit/chain', headers: admin })).json();
    assert.equal(body.verified.ok, false);
    assert.equal(body.verified.checked, 1);
    assert.deepEqual(body.verified.firstProblem, {
      kind: 'altered',
      seq: 2,
      id: String(second.id),
      message: `altered: row id ${second.id} (seq 2) no longer matches its hash`,
    });
  });
});

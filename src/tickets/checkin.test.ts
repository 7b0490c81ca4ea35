import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { apiKey, scannerKey } from '../../tests/helpers/api-keys.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order, type Show } from '../../tests/helpers/fixtures.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import type { App } from '../app.js';
import { createTicketSigner } from './codes.js';

describe('check-in', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  let codes: string[];
  before(async () => {
    t = await testApp();
    payments = await testPayments(t.ctx);
    codes = await ticketsFor(await createShow(t.app), 4);
  });
  /** Paid tickets for a performance: their codes. */
  async function ticketsFor(show: Show, quantity: number): Promise<string[]> {
    const h = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity })).json();
    const o = (await order(t.app, h.holdId)).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    return paid.json().tickets.map((x: { code: string }) => x.code);
  }
  after(async () => {
    await payments?.close();
    await t?.close();
  });
  const scan = (code: string, headers: Record<string, string> = admin) => t.app.inject({ method: 'POST', url: '/api/checkin', headers, payload: { code } });

  test('check-in: a valid ticket is admitted once; the second scan says when it was first admitted', async () => {
    const first = await scan(codes[0]!);
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().result, 'admitted');
    assert.equal(first.json().ticket.label, 'Floor');
    const second = await scan(codes[0]!);
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().result, 'already_used');
    assert.ok(Math.abs(Date.parse(second.json().firstScanAt) - Date.now()) < 60_000);
  });

  test('check-in: ten doors scanning the same ticket at once admit it once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => scan(codes[1]!)));
    assert.equal(results.filter((r) => r.json().result === 'admitted').length, 1);
    assert.equal(results.filter((r) => r.json().result === 'already_used').length, 9);
  });

  test('check-in: forged, altered and malformed codes are refused as invalid', async () => {
    const [prefix, kid, payload, sig] = codes[2]!.split('.') as [string, string, string, string];
    const flipped = sig[5] === 'A' ? 'B' : 'A';
    const forger = createTicketSigner('another-deployment-secret-0123456789abcdef', kid);
    const claims = t.ctx.tickets.verify(codes[2]!)!;
    const bad = [
      `${prefix}.${kid}.${payload}.${sig.slice(0, 5)}${flipped}${sig.slice(6)}`,
      `${prefix}.${kid}.${payload.slice(0, -2)}AA.${sig}`,
      `${prefix}.other.${payload}.${sig}`,
      forger.sign(claims),
      'hello',
      `${codes[2]}.extra`,
    ];
    for (const code of bad) {
      const res = await scan(code);
      assert.equal(res.statusCode, 400, `${code} -> ${res.body}`);
      assert.equal(res.json().result, 'invalid');
    }
    assert.equal((await scan(codes[2]!)).json().result, 'admitted', 'the genuine code still works');
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/checkin', headers: admin, payload: {} })).statusCode, 400);
  });

  test('check-in: a door that names its performance refuses tickets for another and leaves them unused', async () => {
    const other = '00000000-0000-4000-8000-000000000009';
    const res = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: admin, payload: { code: codes[3]!, performanceId: other } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().reason, 'wrong_performance');
    const performanceId = t.ctx.tickets.verify(codes[0]!)!.performanceId;
    const right = await t.app.inject({ method: 'POST', url: '/api/checkin', headers: admin, payload: { code: codes[0]!, performanceId } });
    assert.notEqual(right.json().reason, 'wrong_performance');
  });

  test('check-in: a genuinely signed code for a ticket that does not exist is invalid', async () => {
    const code = t.ctx.tickets.sign({ ticketId: '00000000-0000-4000-8000-000000000000', performanceId: '00000000-0000-4000-8000-000000000001' });
    const res = await scan(code);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().reason, 'unknown_ticket');
  });

  test('check-in: needs a door credential: none is 401, a role or key without checkin.scan is 403 naming it, and neither uses the ticket', async () => {
    const [code] = (await ticketsFor(await createShow(t.app), 1)) as [string];
    const none = await t.app.inject({ method: 'POST', url: '/api/checkin', payload: { code } });
    assert.equal(none.statusCode, 401);
    const forged = await scan(code, { authorization: 'Bearer tqk_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    assert.equal(forged.statusCode, 401);
    const support = await signedInStaff(t.app, 'support');
    const reporting = await apiKey(t.app, ['orders.read']);
    for (const headers of [support.headers, reporting.headers]) {
      const refused = await scan(code, headers);
      assert.equal(refused.statusCode, 403);
      assert.deepEqual([refused.json().error.code, refused.json().error.permission], ['forbidden', 'checkin.scan']);
    }
    const door = await signedInStaff(t.app, 'door');
    assert.equal((await scan(code, door.headers)).json().result, 'admitted', 'the refusals left the ticket unused');
  });

  test("check-in: a door account bound to a performance admits only its tickets; another show's is invalid and stays unused", async () => {
    const [here, elsewhere] = [await createShow(t.app), await createShow(t.app)];
    const [mine] = (await ticketsFor(here, 1)) as [string];
    const [theirs] = (await ticketsFor(elsewhere, 1)) as [string];
    const door = await signedInStaff(t.app, 'door', { performanceIds: [here.performanceId] });
    const refused = await scan(theirs, door.headers);
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json(), { result: 'invalid', reason: 'wrong_performance' });
    const naming = await t.app.inject({
      method: 'POST',
      url: '/api/checkin',
      headers: door.headers,
      payload: { code: theirs, performanceId: elsewhere.performanceId },
    });
    assert.equal(naming.json().reason, 'wrong_performance', 'naming the other performance does not widen the binding');
    assert.equal((await scan(mine, door.headers)).json().result, 'admitted');
    assert.equal((await scan(theirs)).json().result, 'admitted', 'the refused ticket was left unused');
  });

  test('check-in: a scanner key bound to a performance admits only its tickets, an unbound one any; once revoked, none', async () => {
    const [here, elsewhere] = [await createShow(t.app), await createShow(t.app)];
    const mine = await ticketsFor(here, 2);
    const theirs = await ticketsFor(elsewhere, 2);
    const bound = await scannerKey(t.app, [here.performanceId]);
    const any = await scannerKey(t.app);
    assert.deepEqual((await scan(theirs[0]!, bound.headers)).json(), { result: 'invalid', reason: 'wrong_performance' });
    assert.equal((await scan(mine[0]!, bound.headers)).json().result, 'admitted');
    assert.equal((await scan(theirs[0]!, any.headers)).json().result, 'admitted');
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${bound.id}`, headers: admin });
    assert.equal(revoked.json().status, 'revoked');
    assert.equal((await scan(mine[1]!, bound.headers)).statusCode, 401, 'a revoked key opens nothing');
    assert.equal((await scan(mine[1]!, any.headers)).json().result, 'admitted');
  });

  test('check-in: scanners can fetch the public keys and verify codes offline', async () => {
    const { keys } = (await t.app.inject('/api/tickets/keys')).json(); // no credential: offline scanners fetch them as before
    assert.equal(keys[0].kid, t.ctx.tickets.kid);
    assert.equal(keys[0].algorithm, 'Ed25519');
    const { createPublicKey, verify } = await import('node:crypto');
    const key = createPublicKey({ key: Buffer.from(keys[0].publicKey, 'base64'), format: 'der', type: 'spki' });
    const [p, k, payload, sig] = codes[0]!.split('.');
    assert.ok(verify(null, Buffer.from(`${p}.${k}.${payload}`), key, Buffer.from(sig!, 'base64url')));
  });
});

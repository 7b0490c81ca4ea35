import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { createTicketSigner } from './codes.js';

describe('check-in', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  let codes: string[];
  before(async () => {
    t = await testApp();
    payments = await testPayments(t.ctx);
    const show = await createShow(t.app);
    const h = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 3 })).json();
    const o = (await order(t.app, h.holdId)).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    codes = paid.json().tickets.map((x: { code: string }) => x.code);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });
  const scan = (code: string) => t.app.inject({ method: 'POST', url: '/api/checkin', payload: { code } });

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
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/checkin', payload: {} })).statusCode, 400);
  });

  test('check-in: a door that names its performance refuses tickets for another and leaves them unused', async () => {
    const other = '00000000-0000-4000-8000-000000000009';
    const res = await t.app.inject({ method: 'POST', url: '/api/checkin', payload: { code: codes[3] ?? codes[2]!, performanceId: other } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().reason, 'wrong_performance');
    const performanceId = t.ctx.tickets.verify(codes[0]!)!.performanceId;
    const right = await t.app.inject({ method: 'POST', url: '/api/checkin', payload: { code: codes[0]!, performanceId } });
    assert.notEqual(right.json().reason, 'wrong_performance');
  });

  test('check-in: a genuinely signed code for a ticket that does not exist is invalid', async () => {
    const code = t.ctx.tickets.sign({ ticketId: '00000000-0000-4000-8000-000000000000', performanceId: '00000000-0000-4000-8000-000000000001' });
    const res = await scan(code);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().reason, 'unknown_ticket');
  });

  test('check-in: scanners can fetch the public keys and verify codes offline', async () => {
    const { keys } = (await t.app.inject('/api/tickets/keys')).json();
    assert.equal(keys[0].kid, t.ctx.tickets.kid);
    assert.equal(keys[0].algorithm, 'Ed25519');
    const { createPublicKey, verify } = await import('node:crypto');
    const key = createPublicKey({ key: Buffer.from(keys[0].publicKey, 'base64'), format: 'der', type: 'spki' });
    const [p, k, payload, sig] = codes[0]!.split('.');
    assert.ok(verify(null, Buffer.from(`${p}.${k}.${payload}`), key, Buffer.from(sig!, 'base64url')));
  });
});

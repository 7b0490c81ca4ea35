import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.js';
import { luhnValid } from './cards.js';
import { createSealer } from './signing.js';
import { createTestPaymentProvider, TOKEN_TTL_MS } from './test-provider.js';

const secret = 'test-secret-that-is-long-enough-for-config-0123';
const paymentOrigin = 'http://localhost:4001';
let clock = Date.UTC(2030, 0, 15, 12);
const provider = createTestPaymentProvider({ secret, paymentOrigin, now: () => clock });
const goodCard = { cardNumber: '4242 4242 4242 4242', expiry: '12/31', cvc: '123' };
const order = { orderId: 'order-1', amount: 4500, currency: 'EUR', description: 'Two tickets' };

const session = (overrides: Partial<typeof order> = {}) => provider.createSession({ ...order, ...overrides });
const decode = (sealed: string, prefix: string) =>
  JSON.parse(Buffer.from(sealed.slice(prefix.length).split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;

function invalidCard(fn: () => unknown, code: string, field: string) {
  assert.throws(fn, (error: unknown) => error instanceof AppError && error.code === code && error.status === 400 && error.details.field === field);
}

async function charge(cardNumber: string) {
  const { sessionId } = await session();
  const { token } = provider.issueToken(sessionId, { ...goodCard, cardNumber });
  return provider.confirm({ sessionId, token, amount: order.amount, currency: order.currency });
}

test('test provider: the published test cards pass the Luhn check', () => {
  for (const number of ['4242424242424242', '4000000000000002', '4000000000009995', '4000000000000069']) assert.ok(luhnValid(number), number);
});

test('test provider: a session id is signed, prefixed and points at the hosted form', async () => {
  const { sessionId, url } = await session({ description: 'x'.repeat(300) });
  assert.match(sessionId, /^ps_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(url, `${paymentOrigin}/pay/${sessionId}`);
  assert.deepEqual(provider.openSession(sessionId), { ...order, description: 'x'.repeat(100) });
  assert.notEqual((await session()).sessionId, (await session()).sessionId, 'a nonce makes each session distinct');
  assert.equal(createTestPaymentProvider({ secret: `${secret}-other`, paymentOrigin }).openSession(sessionId), null);
});

test('test provider: the 4242 card succeeds with a payment id and the token id', async () => {
  const result = await charge('4242424242424242');
  assert.equal(result.status, 'succeeded');
  assert.match(result.tokenId, /^tid_[A-Za-z0-9_-]{22}$/);
  if (result.status === 'succeeded') assert.match(result.paymentId, /^pay_/);
});

test('test provider: any other Luhn-valid number succeeds', async () => {
  assert.equal((await charge('5555 5555 5555 4444')).status, 'succeeded');
});

for (const [cardNumber, reason] of [
  ['4000 0000 0000 0002', 'card_declined'],
  ['4000 0000 0000 9995', 'insufficient_funds'],
  ['4000 0000 0000 0069', 'expired_card'],
] as const) {
  test(`test provider: a token from ${cardNumber} is declined with ${reason}`, async () => {
    const result = await charge(cardNumber);
    assert.deepEqual({ status: result.status, reason: result.status === 'declined' ? result.reason : '' }, { status: 'declined', reason });
    assert.match(result.tokenId, /^tid_/, 'the caller still records the token as used');
  });
}

test('test provider: a card number failing Luhn, or of the wrong length, names cardNumber', async () => {
  const { sessionId } = await session();
  invalidCard(() => provider.issueToken(sessionId, { ...goodCard, cardNumber: '4242 4242 4242 4241' }), 'invalid_card', 'cardNumber');
  invalidCard(() => provider.issueToken(sessionId, { ...goodCard, cardNumber: '42424242' }), 'invalid_card', 'cardNumber');
  invalidCard(() => provider.issueToken(sessionId, { ...goodCard, cardNumber: '4242-4242-4242-4242' }), 'invalid_card', 'cardNumber');
});

test('test provider: a past, malformed or impossible expiry names expiry', async () => {
  const { sessionId } = await session();
  for (const expiry of ['12/29', '12/2029', '13/31', '00/31', '1231', '12/3']) {
    invalidCard(() => provider.issueToken(sessionId, { ...goodCard, expiry }), 'invalid_card', 'expiry');
  }
  assert.ok(provider.issueToken(sessionId, { ...goodCard, expiry: '01/2030' }).token, 'the current month is still valid');
});

test('test provider: a CVC that is not 3 or 4 digits names cvc', async () => {
  const { sessionId } = await session();
  for (const cvc of ['12', '12345', '12a']) invalidCard(() => provider.issueToken(sessionId, { ...goodCard, cvc }), 'invalid_card', 'cvc');
  assert.ok(provider.issueToken(sessionId, { ...goodCard, cvc: '1234' }).token);
});

test('test provider: a forged session id is refused with invalid_session', async () => {
  const { sessionId } = await session();
  const forged = `ps_${Buffer.from(JSON.stringify({ o: 'order-1', a: 1, c: 'EUR', d: '', n: 'x' })).toString('base64url')}.${sessionId.split('.')[1]}`;
  invalidCard(() => provider.issueToken(forged, goodCard), 'invalid_session', 'sessionId');
});

test('test provider: the token holds last4 and brand but never the card number or CVC', async () => {
  const { sessionId } = await session();
  const card = { cardNumber: '4242 4242 4242 4242', expiry: '12/31', cvc: '987' };
  const { token, last4, brand } = provider.issueToken(sessionId, card);
  assert.deepEqual({ last4, brand }, { last4: '4242', brand: 'visa' });
  assert.match(token, /^tok_/);
  const claims = decode(token, 'tok_');
  const decoded = JSON.stringify(claims);
  assert.ok(!token.includes('4242424242424242') && !decoded.includes('4242424242424242') && !decoded.includes('42424242'));
  assert.ok(!Object.values(claims).includes('987'), 'no CVC');
  assert.equal(claims.e, clock + TOKEN_TTL_MS);
});

test('test provider: a token for session A is refused on session B with token_mismatch', async () => {
  const a = await session();
  const b = await session();
  const { token } = provider.issueToken(a.sessionId, goodCard);
  const result = await provider.confirm({ sessionId: b.sessionId, token, amount: order.amount, currency: order.currency });
  assert.equal(result.status === 'declined' && result.reason, 'token_mismatch');
});

test("test provider: an amount or currency other than the session's is refused with token_mismatch", async () => {
  const { sessionId } = await session();
  const { token } = provider.issueToken(sessionId, goodCard);
  for (const [amount, currency] of [
    [4499, 'EUR'],
    [4500, 'USD'],
  ] as const) {
    const result = await provider.confirm({ sessionId, token, amount, currency });
    assert.equal(result.status === 'declined' && result.reason, 'token_mismatch');
  }
});

test('test provider: a tampered token is declined with invalid_token and no token id', async () => {
  const { sessionId } = await session();
  const { token } = provider.issueToken(sessionId, { ...goodCard, cardNumber: '4000 0000 0000 0002' });
  const claims = decode(token, 'tok_');
  const tampered = `tok_${Buffer.from(JSON.stringify({ ...claims, o: 'succeeded' })).toString('base64url')}.${token.split('.')[1]}`;
  for (const bad of [tampered, `${token}x`, token.replace('tok_', 'ps_'), 'tok_', '']) {
    assert.deepEqual(await provider.confirm({ sessionId, token: bad, amount: 4500, currency: 'EUR' }), {
      status: 'declined',
      reason: 'invalid_token',
      tokenId: '',
    });
  }
});

test('test provider: a token older than 15 minutes is declined with invalid_token', async () => {
  const { sessionId } = await session();
  const { token } = provider.issueToken(sessionId, goodCard);
  const start = clock;
  try {
    clock = start + TOKEN_TTL_MS - 1;
    assert.equal((await provider.confirm({ sessionId, token, amount: 4500, currency: 'EUR' })).status, 'succeeded');
    clock = start + TOKEN_TTL_MS;
    assert.deepEqual(await provider.confirm({ sessionId, token, amount: 4500, currency: 'EUR' }), { status: 'declined', reason: 'invalid_token', tokenId: '' });
  } finally {
    clock = start;
  }
});

test('test provider: a refund needs a genuine payment id', async () => {
  const result = await charge('4242424242424242');
  assert.equal(result.status, 'succeeded');
  if (result.status !== 'succeeded') return;
  assert.match((await provider.refund({ paymentId: result.paymentId, amount: 4500, currency: 'EUR' })).refundId, /^re_/);
  const flip = (id: string, at: number) => `${id.slice(0, at)}${id[at] === 'A' ? 'B' : 'A'}${id.slice(at + 1)}`;
  for (const paymentId of [flip(result.paymentId, 30), flip(result.paymentId, result.paymentId.length - 1), 'pay_123', 'nope']) {
    await assert.rejects(provider.refund({ paymentId, amount: 4500, currency: 'EUR' }), (e: unknown) => e instanceof AppError && e.status === 400);
  }
});

test('test provider: a partial refund returns part of the payment, never more than it, in its currency', async () => {
  const result = await charge('4242424242424242');
  if (result.status !== 'succeeded') return assert.fail('the charge should succeed');
  assert.match(result.paymentId, /4500EUR/, 'the payment id carries what it charged');
  const refused = (input: { amount: number; currency: string }, field: string) =>
    assert.rejects(
      provider.refund({ paymentId: result.paymentId, ...input }),
      (e: unknown) => e instanceof AppError && e.code === 'invalid_refund' && e.details.field === field,
    );
  assert.match((await provider.refund({ paymentId: result.paymentId, amount: 1500, currency: 'EUR' })).refundId, /^re_/);
  assert.match((await provider.refund({ paymentId: result.paymentId, amount: 4500, currency: 'EUR' })).refundId, /^re_/);
  await refused({ amount: 4501, currency: 'EUR' }, 'amount');
  await refused({ amount: 1500, currency: 'USD' }, 'currency');
  // Rewriting the charged amount in the id breaks its MAC.
  await assert.rejects(
    provider.refund({ paymentId: result.paymentId.replace('4500EUR', '9500EUR'), amount: 9000, currency: 'EUR' }),
    (e: unknown) => e instanceof AppError && e.code === 'invalid_payment',
  );
});

test('test provider: a payment id from before ids carried the amount still refunds, without the amount check', async () => {
  const body = 'A'.repeat(22);
  const old = `pay_${body}${createSealer(secret).mac(`pay_${body}`).subarray(0, 16).toString('base64url')}`;
  assert.match((await provider.refund({ paymentId: old, amount: 999_999, currency: 'EUR' })).refundId, /^re_/);
  await assert.rejects(
    provider.refund({ paymentId: `${old.slice(0, -1)}B`, amount: 1, currency: 'EUR' }),
    (e: unknown) => e instanceof AppError && e.code === 'invalid_payment',
  );
});

test('test provider: the same idempotency key answers the same refund; another key makes another', async () => {
  const result = await charge('4242424242424242');
  if (result.status !== 'succeeded') return assert.fail('the charge should succeed');
  const refund = (idempotencyKey?: string) => provider.refund({ paymentId: result.paymentId, amount: 1500, currency: 'EUR', idempotencyKey });
  const first = await refund('refund-1');
  assert.deepEqual(await refund('refund-1'), first);
  assert.notDeepEqual(await refund('refund-2'), first);
  assert.notDeepEqual(await refund(), await refund(), 'without a key every call is a new refund');
});

test('test provider: a webhook with a good, fresh signature becomes an event', () => {
  const body = JSON.stringify({ type: 'payment.succeeded', sessionId: 'ps_x', token: 'tok_y' });
  const event = provider.verifyWebhook({ 'taquilla-test-signature': provider.signWebhook(body) }, body);
  assert.deepEqual(event, { type: 'payment.succeeded', sessionId: 'ps_x', token: 'tok_y' });
});

test('test provider: a webhook with a bad, stale or missing signature is refused with invalid_webhook', () => {
  const body = JSON.stringify({ type: 'payment.failed', sessionId: 'ps_x', token: 'tok_y' });
  const refused = (headers: Record<string, string | undefined>, raw = body) =>
    assert.throws(
      () => provider.verifyWebhook(headers, raw),
      (e: unknown) => e instanceof AppError && e.code === 'invalid_webhook' && e.status === 400,
    );
  const other = createTestPaymentProvider({ secret: `${secret}-other`, paymentOrigin, now: () => clock });
  refused({ 'taquilla-test-signature': other.signWebhook(body) });
  refused({ 'taquilla-test-signature': provider.signWebhook(body) }, `${body} `);
  refused({ 'taquilla-test-signature': provider.signWebhook(body, clock - 301_000) });
  refused({ 'taquilla-test-signature': provider.signWebhook(body, clock + 301_000) });
  refused({});
  refused({ 'taquilla-test-signature': 't=abc,v1=zz' });
  const notEvent = JSON.stringify({ type: 'payment.refunded', sessionId: 'ps_x', token: 'tok_y' });
  refused({ 'taquilla-test-signature': provider.signWebhook(notEvent) }, notEvent);
  assert.ok(provider.verifyWebhook({ 'taquilla-test-signature': provider.signWebhook(body, clock - 299_000) }, body));
});

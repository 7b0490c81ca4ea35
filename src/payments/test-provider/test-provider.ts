import { randomBytes } from 'node:crypto';
import { AppError, badRequest } from '../../platform/errors.js';
import type { ChargeResult, PaymentProvider, WebhookEvent } from '../provider.js';
import { checkCard, type CardInput, type CardOutcome } from './cards.js';
import { createSealer, sessionDigest } from './signing.js';

/**
 * The built-in `test` provider. It behaves like a hosted-fields provider but keeps no state:
 * session ids, tokens and payment ids are HMAC-signed and carry their own claims, so any number
 * of app processes sharing the deployment secret agree on them. Refusing a reused token is the
 * caller's job (a unique column on the token id), as it is with a real provider's idempotency.
 */
export interface SessionClaims {
  orderId: string;
  amount: number;
  currency: string;
  description: string;
  /** The buyer's language when the session was made; the form uses it unless the page asks for another. */
  locale?: string;
}

export interface IssuedToken {
  token: string;
  last4: string;
  brand: string;
}

export interface TestPaymentProvider extends PaymentProvider {
  /** Used by the hosted form's server: turns a card into a one-time token. Throws AppError('invalid_card' | 'invalid_session', 400). */
  issueToken(sessionId: string, card: CardInput): IssuedToken;
  /** The claims of a genuine session id, or null. */
  openSession(sessionId: string): SessionClaims | null;
  /** The `taquilla-test-signature` header value for a webhook body; `nowMs` defaults to the provider's clock. */
  signWebhook(rawBody: string, nowMs?: number): string;
}

export const TOKEN_TTL_MS = 15 * 60 * 1000;
export const WEBHOOK_TOLERANCE_S = 300;
export const WEBHOOK_SIGNATURE_HEADER = 'taquilla-test-signature';
const OUTCOMES: readonly CardOutcome[] = ['succeeded', 'card_declined', 'insufficient_funds', 'expired_card'];
/** `pay_<token id body><amount><currency><MAC>`; ids made before amounts were carried lack the middle part. */
const PAYMENT_ID = /^pay_([A-Za-z0-9_-]{22})(?:([1-9][0-9]{0,14})([A-Z]{3}))?([A-Za-z0-9_-]{22})$/;

const str = (value: unknown): value is string => typeof value === 'string';
const random = (bytes: number) => randomBytes(bytes).toString('base64url');

export function createTestPaymentProvider(opts: { secret: string; paymentOrigin: string; now?: () => number }): TestPaymentProvider {
  const sealer = createSealer(opts.secret);
  const now = opts.now ?? Date.now;
  const origin = opts.paymentOrigin.replace(/\/+$/, '');

  function openSession(sessionId: string): SessionClaims | null {
    const c = sealer.open('ps_', sessionId);
    if (!c || !str(c.o) || !Number.isSafeInteger(c.a) || !str(c.c) || !str(c.d)) return null;
    return { orderId: c.o, amount: c.a as number, currency: c.c, description: c.d, ...(str(c.l) ? { locale: c.l } : {}) };
  }

  function openToken(token: string) {
    const c = sealer.open('tok_', token);
    if (!c || !str(c.s) || !str(c.i) || !OUTCOMES.includes(c.o as CardOutcome) || typeof c.e !== 'number') return null;
    return { sessionDigest: c.s, tokenId: c.i, outcome: c.o as CardOutcome, expiresAt: c.e };
  }

  // The payment id is the token id and what was charged, plus a MAC, so `refund` can tell a
  // genuine id, and how much it may return, without storage.
  const paymentMac = (claims: string) => sealer.mac(`pay_${claims}`).subarray(0, 16);
  const paymentIdOf = (tokenId: string, amount: number, currency: string) => {
    const claims = `${tokenId.slice('tid_'.length)}${amount}${currency}`;
    return `pay_${claims}${paymentMac(claims).toString('base64url')}`;
  };
  /** What a genuine payment id charged (null amount for an id from before amounts were carried); null if not genuine. */
  const openPayment = (paymentId: unknown): { amount: number | null; currency: string | null } | null => {
    const match = str(paymentId) ? PAYMENT_ID.exec(paymentId) : null;
    if (!match) return null;
    const [, body, amount, currency, mac] = match;
    // Compared as text: base64url decoding ignores stray low bits, so bytes alone would admit variants.
    const expected = Buffer.from(paymentMac(`${body}${amount ?? ''}${currency ?? ''}`).toString('base64url'));
    if (!sealer.macEquals(expected, Buffer.from(mac!))) return null;
    return { amount: amount ? Number(amount) : null, currency: currency ?? null };
  };

  return {
    name: 'test',
    openSession,

    async createSession({ orderId, amount, currency, description, locale }) {
      if (!str(orderId) || orderId === '') throw badRequest('invalid_payment_request', 'orderId is required');
      if (!Number.isSafeInteger(amount) || amount <= 0) throw badRequest('invalid_payment_request', 'amount must be a positive whole number of minor units');
      if (!/^[A-Z]{3}$/.test(currency)) throw badRequest('invalid_payment_request', 'currency must be an ISO 4217 code such as EUR');
      // Truncated by code point so a multi-byte character is never cut in half.
      const d = Array.from(String(description ?? ''))
        .slice(0, 100)
        .join('');
      const l = str(locale) && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(locale) ? locale : undefined;
      const sessionId = sealer.seal('ps_', { o: orderId, a: amount, c: currency, d, n: random(12), ...(l ? { l } : {}) });
      return { sessionId, url: `${origin}/pay/${sessionId}` };
    },

    issueToken(sessionId, card) {
      if (!openSession(sessionId)) throw new AppError('invalid_session', 400, 'This payment session is not valid', { field: 'sessionId' });
      const { outcome, last4, brand } = checkCard(card, now());
      // Only what the app may know goes in: never the card number, never the CVC.
      const token = sealer.seal('tok_', {
        s: sessionDigest(sessionId),
        i: `tid_${random(16)}`,
        o: outcome,
        l: last4,
        b: brand,
        e: now() + TOKEN_TTL_MS,
      });
      return { token, last4, brand };
    },

    tokenId: (token) => (str(token) ? openToken(token)?.tokenId : undefined),

    async confirm({ sessionId, token, amount, currency }): Promise<ChargeResult> {
      const claims = openToken(token);
      if (!claims || claims.expiresAt <= now()) return { status: 'declined', reason: 'invalid_token', tokenId: '' };
      const { tokenId, outcome } = claims;
      const session = str(sessionId) && claims.sessionDigest === sessionDigest(sessionId) ? openSession(sessionId) : null;
      if (!session || session.amount !== amount || session.currency !== currency) {
        return { status: 'declined', reason: 'token_mismatch', tokenId };
      }
      if (outcome !== 'succeeded') return { status: 'declined', reason: outcome, tokenId };
      return { status: 'succeeded', paymentId: paymentIdOf(tokenId, amount, currency), tokenId };
    },

    async refund({ paymentId, amount, currency, idempotencyKey }) {
      const payment = openPayment(paymentId);
      if (!payment) throw badRequest('invalid_payment', 'Not a payment id of the test provider', { field: 'paymentId' });
      if (!Number.isSafeInteger(amount) || amount <= 0)
        throw badRequest('invalid_refund', 'amount must be a positive whole number of minor units', { field: 'amount' });
      if (!/^[A-Z]{3}$/.test(currency)) throw badRequest('invalid_refund', 'currency must be an ISO 4217 code', { field: 'currency' });
      if (payment.currency !== null && currency !== payment.currency)
        throw badRequest('invalid_refund', `The payment was made in ${payment.currency}`, { field: 'currency' });
      if (payment.amount !== null && amount > payment.amount)
        throw badRequest('invalid_refund', `A refund cannot exceed the payment (${payment.amount})`, { field: 'amount' });
      if (idempotencyKey !== undefined && (!str(idempotencyKey) || idempotencyKey === '' || idempotencyKey.length > 255))
        throw badRequest('invalid_refund', 'idempotencyKey must be 1 to 255 characters', { field: 'idempotencyKey' });
      // Like a real provider's idempotency: the same key for the same payment answers the same
      // refund. Without state, the refund id is derived from them.
      if (idempotencyKey === undefined) return { refundId: `re_${random(16)}` };
      return { refundId: `re_${sealer.mac(`re_${paymentId}\0${amount}\0${idempotencyKey}`).subarray(0, 16).toString('base64url')}` };
    },

    signWebhook(rawBody, nowMs = now()) {
      const t = Math.floor(nowMs / 1000);
      return `t=${t},v1=${sealer.mac(`${t}.${rawBody}`).toString('hex')}`;
    },

    verifyWebhook(headers, rawBody): WebhookEvent {
      const fail = (message: string) => new AppError('invalid_webhook', 400, message);
      const name = Object.keys(headers).find((key) => key.toLowerCase() === WEBHOOK_SIGNATURE_HEADER);
      const header = name === undefined ? undefined : headers[name];
      if (!str(header)) throw fail(`Missing or repeated ${WEBHOOK_SIGNATURE_HEADER} header`);
      const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]));
      const t = parts.get('t');
      const v1 = parts.get('v1');
      if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) throw fail('Malformed webhook signature');
      if (!sealer.macEquals(sealer.mac(`${t}.${rawBody}`), Buffer.from(v1, 'hex'))) throw fail('Webhook signature does not match');
      // A tolerance window stops an old, genuinely signed call from being replayed later.
      if (Math.abs(Math.floor(now() / 1000) - Number(t)) > WEBHOOK_TOLERANCE_S) throw fail('Webhook timestamp is too old or in the future');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw fail('Webhook body is not JSON');
      }
      const event = body as Partial<Record<keyof WebhookEvent, unknown>> | null;
      if (!event || (event.type !== 'payment.succeeded' && event.type !== 'payment.failed') || !str(event.sessionId) || !str(event.token)) {
        throw fail('Webhook body is not a payment event');
      }
      return { type: event.type, sessionId: event.sessionId, token: event.token };
    },
  };
}

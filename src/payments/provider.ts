/**
 * What Taquilla needs from a payment provider. The app never sees card data: the provider's own
 * page (another origin) turns the card into a one-time token, and the app only passes that token
 * back to `confirm`.
 */
export interface PaymentSession {
  sessionId: string;
  /** The provider's hosted card form for this session (embedded in an iframe by the checkout). */
  url: string;
}

export type DeclineReason = 'card_declined' | 'insufficient_funds' | 'expired_card' | 'invalid_token' | 'token_mismatch';

export type ChargeResult = { status: 'succeeded'; paymentId: string; tokenId: string } | { status: 'declined'; reason: DeclineReason; tokenId: string };

export interface WebhookEvent {
  type: 'payment.succeeded' | 'payment.failed';
  sessionId: string;
  /** The one-time token the charge used, so the webhook and the API confirm the same payment. */
  token: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** `locale`: the buyer's language (a BCP 47 tag), for a provider whose card form can speak it. */
  createSession(input: { orderId: string; amount: number; currency: string; description: string; locale?: string }): Promise<PaymentSession>;
  /** The id a genuine token of this provider carries, without charging anything; undefined for anything else. */
  tokenId(token: string): string | undefined;
  /** Charges the session with a one-time token. A token whose id was already used must be refused by the caller. */
  confirm(input: { sessionId: string; token: string; amount: number; currency: string }): Promise<ChargeResult>;
  /**
   * Returns `amount` (minor units, at most what the payment charged) of a payment: the whole of it
   * or part (some tickets of an order). The caller keeps the running total of an order's refunds.
   * The same `idempotencyKey` must answer the same refund instead of paying out again, so a
   * retried transaction or request never refunds twice (omitted: every call is a new refund).
   */
  refund(input: { paymentId: string; amount: number; currency: string; idempotencyKey?: string }): Promise<{ refundId: string }>;
  /** Checks the provider's signature on a webhook call; throws AppError('invalid_webhook', 400) if it fails. */
  verifyWebhook(headers: Record<string, string | string[] | undefined>, rawBody: string): WebhookEvent;
}

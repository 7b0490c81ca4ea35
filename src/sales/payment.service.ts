import { textsIn, toLanguage } from '../catalog/event-texts.js';
import { flipIfSoldOut } from '../inventory/sold-out.js';
import { enqueueOrderConfirmation, orderConfirmationMessage } from '../notifications/outbox.service.js';
import type { OrderConfirmation } from '../notifications/templates.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError, conflict, notFound, PG, pgCode } from '../platform/errors.js';
import { failureOutcome, paymentsTotal, ticketsSold } from '../platform/metrics.js';
import { stockTransaction, withRetry, type Tx } from '../platform/transaction.js';
import { signTickets, type IssuedTicket } from '../tickets/tickets.service.js';
import * as repo from './orders.repository.js';
import * as sales from './payment.repository.js';

export type PaymentOutcome = { status: 'paid'; tickets: { id: string; code: string }[]; ticketsWithheld?: true } | { status: 'declined'; reason: string };

/** How long the token that paid an order may ask again and still see the ticket codes (a lost answer, a retry). */
export const REPLAY_CODES_MS = 10 * 60 * 1000;

/** A payment waits longer for its locks than a hold: the buyer has already given their card. */
const PAYMENT_LOCK_TIMEOUT_MS = 10_000;

/** Who is confirming: the credential's name for the audit, and whether it may see codes on a repeat. */
export interface Confirmer {
  actor: 'payment_token' | 'payment_webhook';
  /** The request carried the order's access token. */
  orderAccess: boolean;
}

const counted = { paid: paymentsTotal.labels('paid', ''), replayed: paymentsTotal.labels('replayed', ''), tickets: ticketsSold.labels('online') };

/**
 * Step 3 of checkout: charge the one-time token and, in the same transaction, sell the held stock,
 * issue signed tickets and queue the confirmation email. The order row lock makes a second
 * confirmation (a double click, a retry, the webhook racing the API) wait and then see the order
 * paid: the card is charged once and tickets are issued once. A declined card leaves the hold in
 * place until it expires, so the buyer can try another card. Counted, once committed, in
 * taquilla_payments_total by outcome and taquilla_tickets_sold_total.
 */
export async function confirmPayment(ctx: AppContext, orderId: string, token: string, confirmer: Confirmer): Promise<PaymentOutcome> {
  try {
    const { outcome, sold } = await confirm(ctx, orderId, token, confirmer);
    if (outcome.status === 'declined') paymentsTotal.inc({ outcome: 'declined', reason: outcome.reason });
    else if (sold === 0) counted.replayed.inc();
    else {
      counted.paid.inc();
      counted.tickets.inc(sold);
    }
    return outcome;
  } catch (error) {
    paymentsTotal.inc(failureOutcome(error));
    throw error;
  }
}

/** confirmPayment, with the number of tickets this call sold (0 for an order paid before), known once committed. */
async function confirm(ctx: AppContext, orderId: string, token: string, confirmer: Confirmer): Promise<{ outcome: PaymentOutcome; sold: number }> {
  let performanceId: string | undefined;
  let sold = 0;
  let settle = false;
  const outcome = await withRetry(() =>
    stockTransaction(ctx.db, async (tx): Promise<PaymentOutcome> => {
      sold = 0;
      settle = false;
      const order = await sales.lockForPayment(tx, orderId, PAYMENT_LOCK_TIMEOUT_MS);
      if (!order) throw notFound('order', orderId);
      performanceId = order.performance_id;
      if (order.status === 'paid') return paidAlready(ctx, tx, orderId, token, confirmer);
      if (order.status === 'expired') throw conflict('hold_expired', 'The hold behind this order expired; its tickets went back on sale');
      if (order.status !== 'pending_payment') throw conflict('order_not_payable', `This order is ${order.status}`);
      if (order.holdStatus !== 'active' || order.holdExpiresAt <= new Date()) {
        throw conflict('hold_expired', 'The hold behind this order expired; its tickets went back on sale');
      }
      const charge = await ctx.payments.confirm({ sessionId: order.payment_session_id ?? '', token, amount: order.total, currency: order.currency });
      if (charge.status === 'declined') {
        // Only a charge that reached the card spends the token; a token for another order or a
        // forged one never got that far and must stay usable where it belongs.
        if (charge.reason !== 'token_mismatch' && charge.reason !== 'invalid_token') {
          await recordAttempt(tx, order.id, charge.tokenId, 'declined', charge.reason);
        }
        await audit(tx, { actor: 'buyer', action: 'sales.payment.declined', subjectType: 'order', subjectId: order.id, data: { reason: charge.reason } });
        return { status: 'declined', reason: charge.reason };
      }

      // Tickets carry the prices the order was made (and charged) at, whatever the category costs now.
      const { items } = order;
      for (const item of [...items.seats, ...items.ga]) item.price = order.category_prices[item.category_id] ?? item.price;
      const tickets = signTickets(ctx.tickets, order, items);
      const confirmation = orderConfirmationMessage(await confirmationInput(ctx, tx, order, tickets));
      try {
        ({ settle } = await sales.completeSale(tx, { order, tokenId: charge.tokenId, paymentId: charge.paymentId, tickets, confirmation }));
      } catch (error) {
        throw tokenUsed(error) ?? error;
      }
      sold = tickets.length;
      return { status: 'paid', tickets: tickets.map(({ id, code }) => ({ id, code })) };
    }),
  );
  if (performanceId && settle) await settleAfterSale(ctx, performanceId);
  if (performanceId) ctx.availability.invalidate(performanceId);
  return { outcome, sold };
}

/**
 * One of the last payments, whose own check saw other fans' holds still active: now that it has
 * committed, flip the performance if those sold too. The sale stands whatever happens here; if
 * this fails (the database went away just now), the hold sweeper flips it on its next run.
 */
async function settleAfterSale(ctx: AppContext, performanceId: string): Promise<void> {
  try {
    await flipIfSoldOut(ctx.db, performanceId);
  } catch (error) {
    ctx.log('the sold-out check after a payment failed; the hold sweeper will settle it', error);
  }
}

/**
 * A confirmation of an order already paid (a double click, a retry, the webhook after the API)
 * answers the outcome. The codes are admissions to the show: they go only to the order's access
 * token, or to the very token that paid, for a few minutes (a retry after a lost answer). The
 * order id is printed in emails and logs, so knowing it shows nothing.
 */
async function paidAlready(ctx: AppContext, tx: Tx, orderId: string, token: string, confirmer: Confirmer): Promise<PaymentOutcome> {
  let allowed = confirmer.orderAccess;
  if (!allowed) {
    const tokenId = ctx.payments.tokenId(token);
    const paid = tokenId ? await repo.succeededAttempt(tx, orderId) : undefined;
    allowed = paid !== undefined && paid.token_id === tokenId && Date.now() - paid.created_at.getTime() < REPLAY_CODES_MS;
  }
  if (!allowed) return { status: 'paid', tickets: [], ticketsWithheld: true };
  return { status: 'paid', tickets: (await repo.orderTickets(tx, orderId)).map(({ id, code }) => ({ id, code })) };
}

/** A token already used by another attempt (the unique token id of payment_attempts), as the buyer's 409. */
function tokenUsed(error: unknown): AppError | undefined {
  if (pgCode(error) !== PG.uniqueViolation || (error as { table?: string }).table !== 'payment_attempts') return undefined;
  return new AppError('token_used', 409, 'This payment token was already used; get a new one from the card form');
}

async function recordAttempt(tx: Tx, orderId: string, tokenId: string, outcome: 'succeeded' | 'declined', reason: string | null) {
  try {
    await tx.insertInto('payment_attempts').values({ order_id: orderId, token_id: tokenId, outcome, reason }).execute();
  } catch (error) {
    throw tokenUsed(error) ?? error;
  }
}

/**
 * The confirmation email of a paid order, through the outbox in the same transaction: the event's
 * title in the buyer's language, the date in the venue's time; a comp says it was given, not bought.
 */
export async function queueConfirmation(
  ctx: AppContext,
  tx: Tx,
  order: {
    id: string;
    buyer_name: string;
    buyer_email: string;
    locale: string;
    performance_id: string;
    total: number;
    currency: string;
    channel?: string;
  },
  tickets: IssuedTicket[],
) {
  return enqueueOrderConfirmation(tx, await confirmationInput(ctx, tx, order, tickets));
}

/** What the confirmation email of an order says (the performance's description is cached for a few seconds). */
async function confirmationInput(
  ctx: AppContext,
  tx: Tx,
  order: Parameters<typeof queueConfirmation>[2],
  tickets: readonly Pick<IssuedTicket, 'id' | 'label' | 'categoryName' | 'price' | 'currency'>[],
): Promise<OrderConfirmation> {
  const perf = await repo.orderPerformance(tx, order.performance_id);
  return {
    orderId: order.id,
    buyerName: order.buyer_name,
    buyerEmail: order.buyer_email,
    locale: order.locale,
    eventTitle: textsIn(perf.texts, toLanguage(order.locale)).title,
    venueName: perf.venueName,
    startsAt: perf.starts_at,
    timeZone: perf.timeZone,
    tickets: tickets.map((t) => ({ id: t.id, label: t.label, categoryName: t.categoryName, price: t.price, currency: t.currency })),
    total: order.total,
    currency: order.currency,
    orderUrl: `${ctx.config.baseUrl}/orders/${order.id}#access=${ctx.orderAccess.tokenFor(order.id)}`,
    complimentary: order.channel === 'comp',
  };
}

/**
 * Sends a paid order's confirmation again (a fan who lost it, a typo fixed at the desk): the same
 * email with the tickets still valid, to the buyer's address on the order, through the outbox.
 */
export async function resendConfirmation(ctx: AppContext, orderId: string, actor: string): Promise<{ messageId: string; tickets: number }> {
  return ctx.db.transaction().execute(async (tx) => {
    const order = await repo.findOrder(tx, orderId);
    if (!order) throw notFound('order', orderId);
    if (order.status !== 'paid') throw conflict('order_not_paid', `Only a paid order has a confirmation to send again (this one is ${order.status})`);
    const tickets = (await repo.orderTickets(tx, orderId)).filter((t) => t.status === 'valid');
    // After a partial refund the email's total is what the valid tickets cost, not the first charge.
    const total = tickets.reduce((sum, t) => sum + t.price, 0);
    const messageId = await queueConfirmation(
      ctx,
      tx,
      { ...order, total },
      tickets.map((t) => ({ id: t.id, code: t.code, label: t.label, categoryName: t.categoryName, price: t.price, currency: t.currency })),
    );
    await audit(tx, {
      actor,
      action: 'sales.order.confirmation_resent',
      subjectType: 'order',
      subjectId: orderId,
      data: { messageId, tickets: tickets.length },
    });
    return { messageId, tickets: tickets.length };
  });
}

import { randomUUID } from 'node:crypto';
import * as holds from '../inventory/holds.repository.js';
import { endHold } from '../inventory/holds.service.js';
import type { Payout } from '../notifications/order-change-templates.js';
import { enqueueOrderChange } from '../notifications/outbox.service.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { Order } from '../platform/database.types.js';
import { AppError, badRequest, conflict, notFound } from '../platform/errors.js';
import { stockTransaction, withRetry, type Tx } from '../platform/transaction.js';
import { voidTickets } from '../tickets/tickets.service.js';
import * as repo from './orders.repository.js';
import * as refunds from './refunds.repository.js';

/**
 * Who may refund how much, worked out by the route from the credential: a box office account up to
 * its limit (null: no limit), and above REFUND_SUDO_ABOVE only with a second factor shown in the
 * last five minutes. Checked against the amount actually refunded, under the order's lock.
 */
export interface RefundAuthority {
  limit: number | null;
  secondFactorFresh: boolean;
}

export interface RefundRequest {
  /** Refund only these tickets of the order; absent: every ticket still valid. */
  ticketIds?: string[];
  reason?: string;
  /** A retry with the same key answers the first refund instead of refunding again. */
  idempotencyKey?: string;
  authority?: RefundAuthority;
}

export interface RefundView {
  id: string;
  amount: number;
  currency: string;
  ticketIds: string[];
  providerRefundId: string | null;
  actor: string;
  reason: string | null;
  createdAt: string;
}

export interface RefundResult {
  id: string;
  status: string;
  /** The provider's refund id, when money went back through it. */
  refundId?: string;
  amount: number;
  currency: string;
  ticketIds: string[];
  refund: RefundView;
  /** True when this answers an earlier request with the same Idempotency-Key. */
  replayed?: true;
}

export const refundView = (r: refunds.RefundRow): RefundView => ({
  id: r.id,
  amount: r.amount,
  currency: r.currency,
  ticketIds: r.ticket_ids,
  providerRefundId: r.provider_refund_id,
  actor: r.actor,
  reason: r.reason,
  createdAt: r.created_at.toISOString(),
});

const result = (order: Pick<Order, 'id' | 'status'>, row: refunds.RefundRow, replayed = false): RefundResult => ({
  id: order.id,
  status: order.status,
  ...(row.provider_refund_id ? { refundId: row.provider_refund_id } : {}),
  amount: row.amount,
  currency: row.currency,
  ticketIds: row.ticket_ids,
  refund: refundView(row),
  ...(replayed ? { replayed: true as const } : {}),
});

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

function checkAuthority(authority: RefundAuthority | undefined, amount: number, sudoAbove: number): void {
  if (!authority) return;
  if (authority.limit !== null && amount > authority.limit) {
    throw new AppError('forbidden', 403, `This refund (${amount}) is above your limit of ${authority.limit} (minor units)`, { permission: 'orders.refund' });
  }
  if (amount > sudoAbove && !authority.secondFactorFresh) {
    throw new AppError('sudo_required', 403, 'A refund this large needs your second factor again (POST /api/auth/staff/sudo)', { permission: 'orders.refund' });
  }
}

/** How the money goes back: through the online provider, at the counter (cash, card present), or none was paid. */
function payoutOf(order: Order, amount: number): Payout {
  if (amount === 0 || order.payment_method === 'none') return 'none';
  return order.payment_id ? 'card' : 'counter';
}

/** Stock came back: a sold-out performance is selling again. */
async function reopenIfSoldOut(tx: Tx, performanceId: string): Promise<void> {
  await tx.updateTable('performances').set({ status: 'on_sale' }).where('id', '=', performanceId).where('status', '=', 'sold_out').execute();
}

/**
 * Refunds a paid order, whole or ticket by ticket, in one transaction: the chosen tickets turn
 * void, their seats and GA places go back on sale at once, the provider returns exactly their
 * price, a refund record and an audit entry are written, and the buyer's email is queued. The
 * order becomes `refunded` when no valid ticket is left. The order's row lock serialises refunds
 * of one order, so a double submit finds the tickets already refunded (409 naming them) or, with
 * the same Idempotency-Key, answers the first refund.
 */
export async function refundOrder(ctx: AppContext, orderId: string, actor: string, request: RefundRequest = {}): Promise<RefundResult> {
  // Stable across the transaction's retries, so the provider refunds once whatever happens here.
  const providerKey = request.idempotencyKey ? `${orderId}:${request.idempotencyKey}` : randomUUID();
  const chosen = request.ticketIds ? [...new Set(request.ticketIds)] : undefined;
  if (chosen && chosen.length === 0) throw badRequest('no_tickets_chosen', 'ticketIds must name at least one ticket', { field: 'ticketIds' });
  const outcome = await withRetry(() =>
    stockTransaction(
      ctx.db,
      async (tx) => {
        const order = await repo.lockOrder(tx, orderId);
        if (!order) throw notFound('order', orderId);
        if (request.idempotencyKey) {
          const earlier = await refunds.findRefundByKey(tx, orderId, request.idempotencyKey);
          if (earlier) {
            if (chosen && !sameSet(chosen, earlier.ticket_ids)) {
              throw conflict('idempotency_key_reused', 'This Idempotency-Key was used for a refund of other tickets');
            }
            return { answer: result(order, earlier, true), performanceId: null };
          }
        }
        if (order.status !== 'paid') throw conflict('order_not_refundable', `Only paid orders can be refunded; this one is ${order.status}`);

        const tickets = await repo.orderTickets(tx, orderId);
        const valid = tickets.filter((t) => t.status === 'valid');
        let picked = valid;
        if (chosen) {
          const known = new Set(tickets.map((t) => t.id));
          const unknown = chosen.filter((id) => !known.has(id));
          if (unknown.length) {
            throw badRequest('unknown_tickets', `Not tickets of this order: ${unknown.join(', ')}`, { field: 'ticketIds', ticketIds: unknown });
          }
          const validIds = new Set(valid.map((t) => t.id));
          const done = chosen.filter((id) => !validIds.has(id));
          if (done.length) {
            throw conflict('tickets_already_refunded', `Already refunded or void: ${done.join(', ')}`, { ticketIds: done });
          }
          picked = valid.filter((t) => chosen.includes(t.id));
        }
        if (picked.length === 0) throw conflict('order_not_refundable', 'This order has no valid tickets left to refund');
        const refundedBefore = (await refunds.listRefunds(tx, orderId)).reduce((sum, r) => sum + r.amount, 0);
        const last = picked.length === valid.length;
        // The last refund returns whatever of the charge is left, so the refunds always add up to it.
        const amount = last ? order.total - refundedBefore : picked.reduce((sum, t) => sum + t.price, 0);
        checkAuthority(request.authority, amount, ctx.config.refundSudoAbove);

        const ids = picked.map((t) => t.id);
        await refunds.voidTicketsById(tx, orderId, ids);
        await refunds.releaseSoldSeats(
          tx,
          order.performance_id,
          order.hold_id,
          picked.flatMap((t) => (t.seat_id ? [t.seat_id] : [])),
        );
        const gaByArea = new Map<string, number>();
        for (const t of picked) if (t.ga_area_id) gaByArea.set(t.ga_area_id, (gaByArea.get(t.ga_area_id) ?? 0) + 1);
        for (const [area, quantity] of [...gaByArea].sort()) await refunds.releaseGaPlaces(tx, order.hold_id, area, quantity);
        await reopenIfSoldOut(tx, order.performance_id);
        if (last) await tx.updateTable('orders').set({ status: 'refunded', closed_at: new Date() }).where('id', '=', order.id).execute();

        // The money moves last, once everything that could refuse has been done.
        const payout = payoutOf(order, amount);
        const providerRefundId =
          payout === 'card'
            ? (await ctx.payments.refund({ paymentId: order.payment_id!, amount, currency: order.currency, idempotencyKey: providerKey })).refundId
            : null;
        const row = await refunds.insertRefund(tx, {
          order_id: order.id,
          amount,
          currency: order.currency,
          ticket_ids: ids,
          provider_refund_id: providerRefundId,
          actor,
          reason: request.reason ?? null,
          idempotency_key: request.idempotencyKey ?? null,
        });
        await audit(tx, {
          actor,
          action: last ? 'sales.order.refunded' : 'sales.order.partially_refunded',
          subjectType: 'order',
          subjectId: order.id,
          data: { refundId: providerRefundId, refund: row.id, amount, currency: order.currency, ticketIds: ids, payout, reason: request.reason ?? null },
        });
        await tellBuyer(ctx, tx, order, picked, valid.length - picked.length, { kind: 'refund', amount, currency: order.currency, payout });
        return { answer: result({ id: order.id, status: last ? 'refunded' : 'paid' }, row), performanceId: order.performance_id };
      },
      10_000,
    ),
  );
  if (outcome.performanceId) ctx.availability.invalidate(outcome.performanceId);
  return outcome.answer;
}

type Voided = { label: string; categoryName: string; price: number; currency: string };

async function tellBuyer(
  ctx: AppContext,
  tx: Tx,
  order: Order,
  voided: Voided[],
  remaining: number,
  change: { kind: 'refund'; amount: number; currency: string; payout: Payout } | { kind: 'cancellation'; wasPaid: boolean },
): Promise<void> {
  const performance = await refunds.describeForBuyer(tx, order.performance_id, order.locale);
  await enqueueOrderChange(tx, {
    ...change,
    orderId: order.id,
    buyerName: order.buyer_name,
    buyerEmail: order.buyer_email,
    locale: order.locale,
    ...performance,
    tickets: voided.map(({ label, categoryName, price, currency }) => ({ label, categoryName, price, currency })),
    remaining,
    orderUrl: `${ctx.config.baseUrl}/orders/${order.id}#access=${ctx.orderAccess.tokenFor(order.id)}`,
  });
}

/**
 * Cancels an order without moving money: a pending one releases its hold; a paid one voids its
 * tickets and returns its places. Either way the buyer is told, in the same transaction.
 */
export async function cancelOrder(ctx: AppContext, orderId: string, actor: string) {
  const performanceId = await withRetry(() =>
    stockTransaction(ctx.db, async (tx) => {
      const order = await repo.lockOrder(tx, orderId);
      if (!order) throw notFound('order', orderId);
      let voided: Voided[] = [];
      if (order.status === 'pending_payment') {
        const hold = await holds.lockHold(tx, order.hold_id);
        if (hold?.status === 'active') await endHold(tx, order.hold_id, 'released', actor);
        await tx.updateTable('orders').set({ status: 'cancelled', closed_at: new Date() }).where('id', '=', order.id).execute();
      } else if (order.status === 'paid') {
        voided = (await repo.orderTickets(tx, orderId)).filter((t) => t.status === 'valid');
        await tx.updateTable('orders').set({ status: 'cancelled', closed_at: new Date() }).where('id', '=', order.id).execute();
        await voidTickets(tx, order.id);
        await holds.returnHoldStock(tx, order.hold_id, 'sold');
        await reopenIfSoldOut(tx, order.performance_id);
      } else {
        throw conflict('order_not_cancellable', `This order is already ${order.status}`);
      }
      await audit(tx, { actor, action: 'sales.order.cancelled', subjectType: 'order', subjectId: order.id, data: { from: order.status } });
      await tellBuyer(ctx, tx, order, voided, 0, { kind: 'cancellation', wasPaid: order.status === 'paid' });
      return order.performance_id;
    }),
  );
  ctx.availability.invalidate(performanceId);
  return { id: orderId, status: 'cancelled' as const };
}

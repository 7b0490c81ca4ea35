import * as holds from '../inventory/holds.repository.js';
import { endHold } from '../inventory/holds.service.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { conflict, notFound } from '../platform/errors.js';
import { stockTransaction, withRetry, type Tx } from '../platform/transaction.js';
import { voidTickets } from '../tickets/tickets.service.js';
import * as repo from './orders.repository.js';

/** Voids a paid order's tickets and puts its seats and GA places back on sale. */
async function returnPaidStock(tx: Tx, order: { id: string; hold_id: string; performance_id: string }): Promise<void> {
  await voidTickets(tx, order.id);
  await holds.returnHoldStock(tx, order.hold_id, 'sold');
  // Stock came back: a sold-out performance is selling again.
  await tx.updateTable('performances').set({ status: 'on_sale' }).where('id', '=', order.performance_id).where('status', '=', 'sold_out').execute();
}

/** Refunds a paid order through its provider, voids its tickets and returns the stock. */
export async function refundOrder(ctx: AppContext, orderId: string, actor: string) {
  const result = await withRetry(() =>
    stockTransaction(
      ctx.db,
      async (tx) => {
        const order = await repo.lockOrder(tx, orderId);
        if (!order) throw notFound('order', orderId);
        if (order.status !== 'paid') throw conflict('order_not_refundable', `Only paid orders can be refunded; this one is ${order.status}`);
        // Only the online provider's card payments go back through it; cash and card-present money is returned at the counter.
        const refund =
          order.payment_method === 'card'
            ? await ctx.payments.refund({ paymentId: order.payment_id!, amount: order.total, currency: order.currency })
            : { refundId: `${order.payment_method}:${order.id}` };
        await tx.updateTable('orders').set({ status: 'refunded', closed_at: new Date() }).where('id', '=', order.id).execute();
        await returnPaidStock(tx, order);
        await audit(tx, {
          actor,
          action: 'sales.order.refunded',
          subjectType: 'order',
          subjectId: order.id,
          data: { refundId: refund.refundId, amount: order.total },
        });
        return { id: order.id, status: 'refunded' as const, refundId: refund.refundId, performanceId: order.performance_id };
      },
      10_000,
    ),
  );
  ctx.availability.invalidate(result.performanceId);
  return { id: result.id, status: result.status, refundId: result.refundId };
}

/** Cancels an order without moving money: a pending one releases its hold; a paid one voids its tickets. */
export async function cancelOrder(ctx: AppContext, orderId: string, actor: string) {
  const performanceId = await withRetry(() =>
    stockTransaction(ctx.db, async (tx) => {
      const order = await repo.lockOrder(tx, orderId);
      if (!order) throw notFound('order', orderId);
      if (order.status === 'pending_payment') {
        const hold = await holds.lockHold(tx, order.hold_id);
        if (hold?.status === 'active') await endHold(tx, order.hold_id, 'released', actor);
        await tx.updateTable('orders').set({ status: 'cancelled', closed_at: new Date() }).where('id', '=', order.id).execute();
      } else if (order.status === 'paid') {
        await tx.updateTable('orders').set({ status: 'cancelled', closed_at: new Date() }).where('id', '=', order.id).execute();
        await returnPaidStock(tx, order);
      } else {
        throw conflict('order_not_cancellable', `This order is already ${order.status}`);
      }
      await audit(tx, { actor, action: 'sales.order.cancelled', subjectType: 'order', subjectId: order.id, data: { from: order.status } });
      return order.performance_id;
    }),
  );
  ctx.availability.invalidate(performanceId);
  return { id: orderId, status: 'cancelled' as const };
}

import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { conflict, notFound } from '../platform/errors.js';
import { stockTransaction } from '../platform/transaction.js';
import { enforceCustomerLimit } from './customer-limits.js';
import { type Buyer, orderView } from './orders.service.js';
import * as repo from './orders.repository.js';

/**
 * The buyer corrects their name, email or email language before paying. Only an order waiting for
 * payment on a live hold can change: once paid, the confirmation and tickets have gone to the
 * address on the order, and a new address could slip past the per-customer limit, so the limit is
 * counted again under the new email (this order included). The checkout record follows, since it
 * is the list of people to tell if the build they paid on is ever found tampered with.
 */
export async function changeBuyer(ctx: AppContext, orderId: string, buyer: Buyer) {
  await stockTransaction(ctx.db, async (tx) => {
    const order = await repo.lockOrderAndHold(tx, orderId);
    if (!order) throw notFound('order', orderId);
    const holdLive = order.holdStatus === 'active' && order.holdExpiresAt > new Date();
    // A released or lapsed hold takes its pending order with it (cancelled or expired): the same answer as ordering it.
    if (!holdLive && order.status !== 'paid' && order.status !== 'refunded') {
      throw conflict('hold_expired', 'This hold has expired or was released; its tickets went back on sale');
    }
    if (order.status !== 'pending_payment') {
      throw conflict('order_not_editable', `The buyer's details can be changed only before payment; this order is ${order.status}`, {
        status: order.status,
      });
    }
    const previous = { name: order.buyer_name, email: order.buyer_email, locale: order.locale };
    const changed = (['name', 'email', 'locale'] as const).filter((field) => previous[field] !== buyer[field]);
    if (changed.length === 0) return;
    await repo.updateBuyer(tx, orderId, buyer);
    if (changed.includes('email')) {
      const customer = order.customer_id ? await repo.customerOfOrder(tx, order.customer_id) : null;
      // Quantity 0: the order's own tickets are already counted under the address it now carries.
      await enforceCustomerLimit(tx, { performanceId: order.performance_id, quantity: 0, buyerEmail: buyer.email, customer });
    }
    await audit(tx, {
      actor: 'order_token',
      action: 'sales.order.buyer_changed',
      subjectType: 'order',
      subjectId: orderId,
      data: { changed, previous },
    });
  });
  return orderView(ctx, orderId);
}

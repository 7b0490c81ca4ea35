import { textsIn } from '../catalog/event-texts.js';
import { audit } from '../platform/audit.js';
import type { EventLanguage } from '../platform/database.types.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import type { CustomerRow } from './customer-accounts.repository.js';
import * as repo from './customer-orders.repository.js';
import type { Client } from './staff-sign-in.service.js';

/**
 * A fan's orders on any device: the ones made while signed in, and the guest orders made with
 * their email once they claim them. Claiming is an explicit act, audited per order, and only with
 * a confirmed email: the address is how those orders were proven to be theirs. Each order in the
 * list carries its access token, so the order page (tickets, QR codes) opens from here as it does
 * from the confirmation email.
 */
export async function customerOrders(ctx: AppContext, customer: CustomerRow, language: EventLanguage | null = null) {
  const [rows, claimable] = await Promise.all([
    repo.ordersOfCustomer(ctx.db, customer.id),
    customer.email_verified_at ? repo.claimableCount(ctx.db, customer.email) : Promise.resolve(0),
  ]);
  return {
    orders: rows.map((o) => ({
      id: o.id,
      status: o.status,
      tickets: o.quantity,
      total: o.total,
      currency: o.currency,
      createdAt: o.created_at.toISOString(),
      paidAt: o.paid_at?.toISOString() ?? null,
      performance: {
        id: o.performanceId,
        startsAt: o.starts_at.toISOString(),
        eventTitle: textsIn(o, language).title,
        eventSlug: o.eventSlug,
        venueName: o.venueName,
        timeZone: o.timeZone,
      },
      accessToken: ctx.orderAccess.tokenFor(o.id),
    })),
    claimable,
  };
}

export async function claimOrders(ctx: AppContext, customer: CustomerRow, client: Client): Promise<{ claimed: number }> {
  if (!customer.email_verified_at) throw new AppError('email_unverified', 403, 'Confirm your email first: the orders are claimed by it');
  return ctx.db.transaction().execute(async (tx) => {
    const ids = await repo.claimGuestOrders(tx, customer.id, customer.email);
    for (const id of ids) {
      await audit(tx, {
        actor: `customer:${customer.id}`,
        action: 'sales.order.claimed',
        subjectType: 'order',
        subjectId: id,
        ip: client.ip,
        data: { customerId: customer.id },
      });
    }
    return { claimed: ids.length };
  });
}

import type { AppContext } from '../platform/context.js';
import { conflict } from '../platform/errors.js';
import { orderView } from '../sales/orders.service.js';
import { renderTicketsPdf } from './tickets-pdf.js';

/** The order's valid tickets as a PDF; void ones (refunded, cancelled) are left out. */
export async function orderTicketsPdf(ctx: AppContext, orderId: string): Promise<{ filename: string; pdf: Buffer }> {
  const order = await orderView(ctx, orderId);
  const tickets = order.tickets.filter((t) => t.status === 'valid');
  if (tickets.length === 0) throw conflict('no_valid_tickets', `Order ${orderId} has no valid tickets (it is ${order.status})`, { status: order.status });
  const pdf = await renderTicketsPdf({
    orderId: order.id,
    buyerName: order.buyer.name,
    locale: order.buyer.locale,
    eventTitle: order.performance.eventTitle,
    venueName: order.performance.venueName,
    startsAt: new Date(order.performance.startsAt),
    timeZone: order.performance.timeZone,
    tickets: tickets.map((t) => ({
      code: t.code,
      label: t.label,
      ga: t.gaAreaId !== null,
      categoryName: t.categoryName,
      price: t.price,
      currency: t.currency,
    })),
  });
  return { filename: `tickets-${order.id.slice(0, 8)}.pdf`, pdf };
}

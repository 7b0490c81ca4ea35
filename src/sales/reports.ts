import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import * as repo from './reports.repository.js';

/**
 * Sales by price category and by channel, for one performance or for every performance of an
 * event. Sold means a valid ticket of a paid order; comps are counted apart, at no revenue.
 */

function present(categories: repo.CategoryRow[], channels: repo.ChannelRow[]) {
  const byChannel = channels.map((c) => ({
    channel: c.channel,
    paymentMethod: c.payment_method,
    orders: c.orders,
    tickets: c.tickets,
    revenue: c.revenue,
    currency: c.currency,
  }));
  const paid = byChannel.filter((c) => c.channel !== 'comp');
  const comps = byChannel.filter((c) => c.channel === 'comp');
  return {
    currency: categories[0]?.currency ?? null,
    totals: {
      orders: paid.reduce((n, c) => n + c.orders, 0),
      tickets: paid.reduce((n, c) => n + c.tickets, 0),
      revenue: paid.reduce((n, c) => n + c.revenue, 0),
      compOrders: comps.reduce((n, c) => n + c.orders, 0),
      comps: comps.reduce((n, c) => n + c.tickets, 0),
    },
    byCategory: categories.map((c) => ({
      categoryId: c.id,
      name: c.name,
      price: c.price,
      currency: c.currency,
      tickets: c.tickets,
      revenue: c.revenue,
      comps: c.comps,
    })),
    byChannel,
  };
}

export async function performanceSalesBreakdown(db: Db, performanceId: string) {
  const perf = await repo.performanceOf(db, performanceId);
  if (!perf) throw notFound('performance', performanceId);
  const [categories, channels] = await Promise.all([repo.salesByCategory(db, perf.event_id, [perf.id]), repo.salesByChannel(db, [perf.id])]);
  return { performanceId: perf.id, eventId: perf.event_id, ...present(categories, channels) };
}

export async function eventSalesBreakdown(db: Db, eventId: string) {
  const event = await repo.eventOf(db, eventId);
  if (!event) throw notFound('event', eventId);
  const ids = (await repo.eventPerformanceIds(db, eventId)).map((p) => p.id);
  const [categories, channels, performances] = await Promise.all([
    repo.salesByCategory(db, eventId, ids),
    repo.salesByChannel(db, ids),
    repo.salesByPerformance(db, eventId, ids),
  ]);
  return {
    eventId,
    ...present(categories, channels),
    performances: performances.map((p) => ({
      performanceId: p.id,
      startsAt: p.starts_at.toISOString(),
      status: p.status,
      archived: p.archived_at !== null,
      tickets: p.tickets,
      revenue: p.revenue,
      comps: p.comps,
    })),
  };
}

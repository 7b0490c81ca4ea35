import { sql } from 'kysely';
import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';

/**
 * Sales counts for one performance: places by state (`sold` includes comps; `blocked` is kept
 * from sale by staff), orders by state (`paid` were paid for, online or at the counter; `comp`
 * are complimentary and still valid), revenue (never from comps), check-ins.
 */
export async function salesReport(db: Db, performanceId: string) {
  const perf = await db.selectFrom('performances').select(['id', 'status']).where('id', '=', performanceId).executeTakeFirst();
  if (!perf) throw notFound('performance', performanceId);
  const [seats, ga, orders, tickets] = await Promise.all([
    // A seat in a block is held by a hold that never expires: counted as blocked, not as held.
    sql<{
      status: string;
      n: number;
    }>`SELECT CASE WHEN h.purpose = 'block' THEN 'blocked' ELSE ps.status END AS status, count(*)::int AS n
       FROM performance_seats ps LEFT JOIN holds h ON h.id = ps.hold_id AND ps.status = 'held'
       WHERE ps.performance_id = ${performanceId} GROUP BY 1`.execute(db),
    sql<{ capacity: number; taken: number; held: number; blocked: number }>`
      SELECT coalesce(sum(capacity), 0)::int AS capacity, coalesce(sum(taken), 0)::int AS taken,
        (SELECT coalesce(sum(h.quantity), 0)::int FROM hold_ga_items h JOIN holds ON holds.id = h.hold_id
          WHERE h.performance_id = ${performanceId} AND holds.status = 'active' AND holds.purpose <> 'block') AS held,
        (SELECT coalesce(sum(h.quantity), 0)::int FROM hold_ga_items h JOIN holds ON holds.id = h.hold_id
          WHERE h.performance_id = ${performanceId} AND holds.status = 'active' AND holds.purpose = 'block') AS blocked
      FROM ga_stock WHERE performance_id = ${performanceId}`.execute(db),
    // Complimentary orders are paid orders without money: counted apart, never in revenue.
    sql<{ status: string; n: number; revenue: number; currency: string }>`
      SELECT CASE WHEN channel = 'comp' AND status = 'paid' THEN 'comp' ELSE status END AS status, count(*)::int AS n,
        -- A paid order may have had some tickets refunded: revenue is what was kept. Comps bring none.
        (coalesce(sum(total) FILTER (WHERE channel <> 'comp'), 0)
          - coalesce(sum((SELECT sum(r.amount) FROM refunds r WHERE r.order_id = orders.id)) FILTER (WHERE channel <> 'comp'), 0))::int AS revenue,
        max(currency) AS currency
      FROM orders WHERE performance_id = ${performanceId} GROUP BY 1`.execute(db),
    sql<{ valid: number; checked_in: number; comps: number }>`
      SELECT count(*) FILTER (WHERE t.status = 'valid')::int AS valid,
             count(*) FILTER (WHERE t.status = 'valid' AND t.checked_in_at IS NOT NULL)::int AS checked_in,
             count(*) FILTER (WHERE t.status = 'valid' AND o.channel = 'comp')::int AS comps
      FROM tickets t JOIN orders o ON o.id = t.order_id WHERE t.performance_id = ${performanceId}`.execute(db),
  ]);
  const seat = (status: string) => seats.rows.find((r) => r.status === status)?.n ?? 0;
  const g = ga.rows[0]!;
  const paid = orders.rows.find((r) => r.status === 'paid');
  const byStatus = Object.fromEntries(orders.rows.map((r) => [r.status, r.n]));
  return {
    performanceId,
    status: perf.status,
    capacity: seat('available') + seat('held') + seat('blocked') + seat('sold') + g.capacity,
    sold: seat('sold') + (g.taken - g.held - g.blocked),
    held: seat('held') + g.held,
    blocked: seat('blocked') + g.blocked,
    available: seat('available') + (g.capacity - g.taken),
    revenue: paid?.revenue ?? 0,
    currency: paid?.currency ?? null,
    orders: {
      paid: byStatus.paid ?? 0,
      pending: byStatus.pending_payment ?? 0,
      refunded: byStatus.refunded ?? 0,
      cancelled: byStatus.cancelled ?? 0,
      expired: byStatus.expired ?? 0,
      comp: byStatus.comp ?? 0,
    },
    compTickets: tickets.rows[0]!.comps,
    ticketsValid: tickets.rows[0]!.valid,
    checkedIn: tickets.rows[0]!.checked_in,
  };
}

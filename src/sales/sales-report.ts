import { sql } from 'kysely';
import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';

/** Sales counts for one performance: places by state, orders by state, revenue, check-ins. */
export async function salesReport(db: Db, performanceId: string) {
  const perf = await db.selectFrom('performances').select(['id', 'status']).where('id', '=', performanceId).executeTakeFirst();
  if (!perf) throw notFound('performance', performanceId);
  const [seats, ga, orders, tickets] = await Promise.all([
    sql<{
      status: string;
      n: number;
    }>`SELECT status, count(*)::int AS n FROM performance_seats WHERE performance_id = ${performanceId} GROUP BY status`.execute(db),
    sql<{ capacity: number; taken: number; held: number }>`
      SELECT coalesce(sum(capacity), 0)::int AS capacity, coalesce(sum(taken), 0)::int AS taken,
        (SELECT coalesce(sum(h.quantity), 0)::int FROM hold_ga_items h JOIN holds ON holds.id = h.hold_id
          WHERE h.performance_id = ${performanceId} AND holds.status = 'active') AS held
      FROM ga_stock WHERE performance_id = ${performanceId}`.execute(db),
    sql<{ status: string; n: number; revenue: number; currency: string }>`
      SELECT status, count(*)::int AS n, max(currency) AS currency,
        -- A paid order may have had some tickets refunded: revenue is what was kept.
        (coalesce(sum(total), 0) - coalesce(sum((SELECT sum(r.amount) FROM refunds r WHERE r.order_id = orders.id)), 0))::int AS revenue
      FROM orders WHERE performance_id = ${performanceId} GROUP BY status`.execute(db),
    sql<{ valid: number; checked_in: number }>`
      SELECT count(*) FILTER (WHERE status = 'valid')::int AS valid,
             count(*) FILTER (WHERE status = 'valid' AND checked_in_at IS NOT NULL)::int AS checked_in
      FROM tickets WHERE performance_id = ${performanceId}`.execute(db),
  ]);
  const seat = (status: string) => seats.rows.find((r) => r.status === status)?.n ?? 0;
  const g = ga.rows[0]!;
  const paid = orders.rows.find((r) => r.status === 'paid');
  const byStatus = Object.fromEntries(orders.rows.map((r) => [r.status, r.n]));
  return {
    performanceId,
    status: perf.status,
    capacity: seat('available') + seat('held') + seat('sold') + g.capacity,
    sold: seat('sold') + (g.taken - g.held),
    held: seat('held') + g.held,
    available: seat('available') + (g.capacity - g.taken),
    revenue: paid?.revenue ?? 0,
    currency: paid?.currency ?? null,
    orders: {
      paid: byStatus.paid ?? 0,
      pending: byStatus.pending_payment ?? 0,
      refunded: byStatus.refunded ?? 0,
      cancelled: byStatus.cancelled ?? 0,
      expired: byStatus.expired ?? 0,
    },
    ticketsValid: tickets.rows[0]!.valid,
    checkedIn: tickets.rows[0]!.checked_in,
  };
}

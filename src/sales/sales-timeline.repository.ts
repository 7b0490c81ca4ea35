import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';

/**
 * Tickets and revenue of paid orders per minute of `paid_at`, for the last `minutes` minutes up to
 * the database's current minute, one row per minute (zero-filled by `generate_series`). Refunded
 * and cancelled orders are no longer `paid`, so they drop out. Revenue is the orders' totals, as in
 * the sales report.
 */
export async function salesPerMinute(db: Db, performanceId: string, minutes: number) {
  const { rows } = await sql<{ minute: Date; tickets: number; revenue: string }>`
    WITH span AS (
      SELECT date_trunc('minute', now()) AS last, date_trunc('minute', now()) - make_interval(mins => ${minutes - 1}) AS first
    ), sold AS (
      SELECT date_trunc('minute', o.paid_at) AS minute,
             sum((SELECT count(*) FROM tickets t WHERE t.order_id = o.id AND t.status = 'valid'))::int AS tickets,
             sum(o.total)::bigint AS revenue
      FROM orders o, span
      WHERE o.performance_id = ${performanceId} AND o.status = 'paid' AND o.channel <> 'comp' AND o.paid_at >= span.first
      GROUP BY 1
    )
    SELECT m.minute, coalesce(sold.tickets, 0) AS tickets, coalesce(sold.revenue, 0) AS revenue
    FROM span, generate_series(span.first, span.last, interval '1 minute') AS m(minute)
    LEFT JOIN sold ON sold.minute = m.minute
    ORDER BY m.minute`.execute(db);
  return rows;
}

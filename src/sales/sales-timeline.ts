import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { salesPerMinute } from './sales-timeline.repository.js';

export interface TimelinePoint {
  minute: string;
  tickets: number;
  revenue: number;
}

/** One point per minute for the last `minutes` minutes (oldest first): tickets sold and revenue, in minor units. */
export async function salesTimeline(db: Db, performanceId: string, minutes: number): Promise<{ points: TimelinePoint[] }> {
  const perf = await db.selectFrom('performances').select('id').where('id', '=', performanceId).executeTakeFirst();
  if (!perf) throw notFound('performance', performanceId);
  const rows = await salesPerMinute(db, performanceId, minutes);
  return { points: rows.map((r) => ({ minute: r.minute.toISOString(), tickets: r.tickets, revenue: Number(r.revenue) })) };
}

import { sql } from 'kysely';
import type { Tx } from '../platform/transaction.js';

/** SQL for the per-customer ticket limit: the event's setting, its locks, and what a customer already has. */

export async function limitOfPerformance(tx: Tx, performanceId: string): Promise<number | null> {
  const row = await tx
    .selectFrom('performances as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .select('e.max_tickets_per_customer')
    .where('p.id', '=', performanceId)
    .executeTakeFirst();
  return row?.max_tickets_per_customer ?? null;
}

/**
 * Transaction-scoped advisory locks, one per (performance, customer key), taken in sorted order so
 * two orders naming the same keys cannot deadlock. They are released at commit, after the new
 * order is visible to the next one counting.
 */
export async function lockCustomerKeys(tx: Tx, performanceId: string, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`customer-limit:${performanceId}:${key}`}, 0))`.execute(tx);
  }
}

/**
 * Tickets of the performance in orders of this account or these emails (lowercased) that are paid,
 * or pending with a hold that is still live (an expired hold's order no longer counts, even before
 * the expiry job has closed it).
 */
export async function ticketsOfCustomer(tx: Tx, performanceId: string, customerId: string | null, emails: string[]): Promise<number> {
  const row = await tx
    .selectFrom('orders as o')
    .innerJoin('holds as h', 'h.id', 'o.hold_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('h.quantity'), sql<number>`0`).as('n'))
    .where('o.performance_id', '=', performanceId)
    .where((eb) =>
      eb.or([
        eb('o.status', '=', 'paid'),
        eb.and([eb('o.status', '=', 'pending_payment'), eb('h.status', '=', 'active'), eb('h.expires_at', '>', sql<Date>`now()`)]),
      ]),
    )
    .where((eb) => {
      const mine = [eb(sql`lower(o.buyer_email)`, 'in', emails)];
      if (customerId) mine.push(eb('o.customer_id', '=', customerId));
      return eb.or(mine);
    })
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

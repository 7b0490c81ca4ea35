import { sql } from 'kysely';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for a customer's orders: theirs, and the guest orders their confirmed email may claim. */

/** The account's orders, newest first, with what the list shows of each. */
export function ordersOfCustomer(db: Db, customerId: string, limit = 200) {
  return db
    .selectFrom('orders as o')
    .innerJoin('holds as h', 'h.id', 'o.hold_id')
    .innerJoin('performances as p', 'p.id', 'o.performance_id')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .innerJoin('venues as v', 'v.id', 'p.venue_id')
    .select([
      'o.id',
      'o.status',
      'o.total',
      'o.currency',
      'o.created_at',
      'o.paid_at',
      'h.quantity',
      'p.id as performanceId',
      'p.starts_at',
      'e.title',
      'e.description',
      'e.default_language',
      'e.translations',
      'e.slug as eventSlug',
      'v.name as venueName',
      'v.time_zone as timeZone',
    ])
    .where('o.customer_id', '=', customerId)
    .orderBy('o.created_at', 'desc')
    .limit(limit)
    .execute();
}

const guestOrdersOf = (db: Db | Tx, email: string) =>
  db.selectFrom('orders').where(sql`lower(buyer_email)`, '=', email.trim().toLowerCase()).where('customer_id', 'is', null);

export async function claimableCount(db: Db, email: string): Promise<number> {
  const row = await guestOrdersOf(db, email)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Gives the account every guest order made with its email; answers their ids. */
export async function claimGuestOrders(tx: Tx, customerId: string, email: string): Promise<string[]> {
  const rows = await tx
    .updateTable('orders')
    .set({ customer_id: customerId })
    .where(sql`lower(buyer_email)`, '=', email.trim().toLowerCase())
    .where('customer_id', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

import { sql } from 'kysely';
import { holdItemsSql, splitItems, type HeldGa, type HeldSeat, type HoldItemRow } from '../inventory/holds.repository.js';
import type { HoldStatus, NewOutboxMessage, Order } from '../platform/database.types.js';
import type { Tx } from '../platform/transaction.js';
import { noSaleHoldsSql, stockGoneSql } from '../inventory/sold-out.js';
import type { SignedTicket } from '../tickets/tickets.service.js';

/**
 * The SQL of a payment: one statement to lock what it sells, one to sell it. The charge happens
 * between the two, under the locks, so a second confirmation waits and then sees the order paid.
 */

export type PayableOrder = Order & { holdStatus: HoldStatus; holdExpiresAt: Date; items: { seats: HeldSeat[]; ga: HeldGa[] } };

/** The statement of `lockForPayment`, also sent as it is by the checkout bench's raw SQL reference. */
export function lockForPaymentSql(orderId: string, lockTimeoutMs: number) {
  return sql<Order & { holdStatus: HoldStatus; holdExpiresAt: Date; items: HoldItemRow[] }>`
    SELECT o.*, h.status AS "holdStatus", h.expires_at AS "holdExpiresAt",
      (SELECT coalesce(json_agg(i ORDER BY i.sort), '[]') FROM (${holdItemsSql(sql`o.hold_id`)}) i) AS items
    FROM orders o JOIN holds h ON h.id = o.hold_id
      CROSS JOIN (SELECT set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)) AS timeout
    WHERE o.id = ${orderId}
    FOR UPDATE OF o, h`;
}

/**
 * Locks an order and its hold (FOR UPDATE covers both joined rows) and reads the hold's items, with
 * `lockTimeoutMs` as the lock timeout for the rest of the transaction: one round trip. The
 * set_config is a joined row, so it is evaluated before the lock is waited for.
 */
export async function lockForPayment(tx: Tx, orderId: string, lockTimeoutMs: number): Promise<PayableOrder | undefined> {
  const { rows } = await lockForPaymentSql(orderId, lockTimeoutMs).execute(tx);
  const row = rows[0];
  return row && { ...row, items: splitItems(row.items) };
}

export interface Sale {
  order: { id: string; hold_id: string; performance_id: string; total: number };
  tokenId: string;
  paymentId: string;
  tickets: SignedTicket[];
  confirmation: NewOutboxMessage;
}

/** The statement of `completeSale`, also sent as it is by the checkout bench's raw SQL reference. */
export function completeSaleSql(sale: Sale) {
  const { order, tickets, confirmation: m } = sale;
  const performanceId = order.performance_id;
  const ticketRows = sql.join(
    tickets.map(
      (t) =>
        sql`(${t.id}::uuid, ${order.id}::uuid, ${performanceId}::uuid, ${t.seat_id}::uuid, ${t.ga_area_id}::uuid, ${t.category_id}::uuid, ${t.price}::integer, ${t.code})`,
    ),
  );
  return sql<{ message_id: string; settle: boolean }>`
    WITH attempt AS (
      INSERT INTO payment_attempts (order_id, token_id, outcome, reason) VALUES (${order.id}, ${sale.tokenId}, 'succeeded', NULL)
    ), sold AS (
      UPDATE performance_seats SET status = 'sold' WHERE hold_id = ${order.hold_id} AND status = 'held'
    ), converted AS (
      UPDATE holds SET status = 'converted' WHERE id = ${order.hold_id}
    ), paid AS (
      UPDATE orders SET status = 'paid', payment_id = ${sale.paymentId}, paid_at = now() WHERE id = ${order.id}
    ), issued AS (
      ${tickets.length ? sql`INSERT INTO tickets (id, order_id, performance_id, seat_id, ga_area_id, category_id, price, code) VALUES ${ticketRows}` : sql`SELECT 1`}
    ), message AS (
      INSERT INTO outbox (kind, recipient, locale, subject, body_text, body_html, status, order_id)
      VALUES (${m.kind}, ${m.recipient}, ${m.locale}, ${m.subject}, ${m.body_text}, ${m.body_html}, 'queued', ${order.id})
      RETURNING id
    ), stock AS (
      SELECT ${stockGoneSql(performanceId)} AS gone
    ), flipped AS (
      UPDATE performances SET status = 'sold_out'
      WHERE id = ${performanceId} AND status = 'on_sale' AND (SELECT gone FROM stock)
        AND ${noSaleHoldsSql(performanceId, order.hold_id)}
      RETURNING id
    ), audited AS (
      INSERT INTO audit_log (actor, action, subject_type, subject_id, data)
      SELECT actor, action, subject_type, subject_id, data FROM (
        SELECT 1 AS n, 'buyer' AS actor, 'sales.order.paid' AS action, 'order' AS subject_type, ${order.id}::text AS subject_id,
          ${JSON.stringify({ tickets: tickets.length, total: order.total })}::jsonb AS data
        UNION ALL
        SELECT 2, 'system', 'catalog.performance.sold_out', 'performance', id::text, '{}'::jsonb FROM flipped
      ) AS entries ORDER BY n
    )
    SELECT id AS message_id, (SELECT gone FROM stock) AND NOT EXISTS (SELECT 1 FROM flipped) AS settle FROM message`;
}

/**
 * Everything a successful charge changes, in one statement: the attempt (its unique token id
 * refuses a reused token), the held seats sold, the hold converted, the order paid, its tickets,
 * the confirmation email in the outbox, the audit entry, and the performance flipped to sold out
 * when nothing is left for fans (with its own audit entry). The statement sees the database as it
 * was before its own writes, so the sold-out check leaves out this order's hold, which it converts.
 *
 * It also sees other fans' holds as they were when it started: two last payments side by side
 * each see the other's hold still active, and neither flips. `settle` is true when nothing is left
 * on sale but other holds kept this statement from flipping; the caller then runs
 * `flipIfSoldOut` (inventory/sold-out.ts) once committed, on a snapshot that has every sale that
 * committed before it, so the last of such payments to commit flips.
 */
export async function completeSale(tx: Tx, sale: Sale): Promise<{ messageId: string; settle: boolean }> {
  const { rows } = await completeSaleSql(sale).execute(tx);
  return { messageId: rows[0]!.message_id, settle: rows[0]!.settle };
}

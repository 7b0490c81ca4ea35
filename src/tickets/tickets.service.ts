import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../platform/transaction.js';
import type { TicketSigner } from './codes.js';

export interface IssuedTicket {
  id: string;
  code: string;
  label: string;
  categoryName: string;
  price: number;
  currency: string;
}

export interface TicketItems {
  seats: { seat_id: string; category_id: string; price: number; currency: string; categoryName: string; label: string }[];
  ga: { ga_area_id: string; quantity: number; category_id: string; price: number; currency: string; categoryName: string; areaName: string }[];
}

/** A signed ticket with the stock it admits to, before it is written. */
export interface SignedTicket extends IssuedTicket {
  seat_id: string | null;
  ga_area_id: string | null;
  category_id: string;
}

/** One ticket row per held seat and per GA place of an order's items, each with a fresh id, before it is signed. */
export function ticketRows(items: TicketItems): Omit<SignedTicket, 'code'>[] {
  const rows: Omit<SignedTicket, 'code'>[] = [];
  for (const s of items.seats)
    rows.push({
      id: randomUUID(),
      seat_id: s.seat_id,
      ga_area_id: null,
      category_id: s.category_id,
      price: s.price,
      label: s.label,
      categoryName: s.categoryName,
      currency: s.currency,
    });
  for (const g of items.ga) {
    for (let i = 0; i < g.quantity; i++)
      rows.push({
        id: randomUUID(),
        seat_id: null,
        ga_area_id: g.ga_area_id,
        category_id: g.category_id,
        price: g.price,
        label: g.areaName,
        categoryName: g.categoryName,
        currency: g.currency,
      });
  }
  return rows;
}

/**
 * One signed ticket per held seat and per GA place of an order's items. The ids are made here, so
 * each code signs its own ticket's id before the row exists and the rows can be written in the
 * same statement as the rest of the payment.
 */
export function signTickets(signer: TicketSigner, order: { performance_id: string }, items: TicketItems): SignedTicket[] {
  return ticketRows(items).map((r) => ({ ...r, code: signer.sign({ ticketId: r.id, performanceId: order.performance_id }) }));
}

/** The answer's view of a signed ticket. */
export const issuedView = ({ id, code, label, categoryName, price, currency }: SignedTicket): IssuedTicket => ({
  id,
  code,
  label,
  categoryName,
  price,
  currency,
});

/** Signs and writes the tickets of an order's items, in the transaction that sells them. */
export async function issueTickets(tx: Tx, signer: TicketSigner, order: { id: string; performance_id: string }, items: TicketItems): Promise<IssuedTicket[]> {
  const issued = signTickets(signer, order, items);
  if (issued.length) {
    await tx
      .insertInto('tickets')
      .values(
        issued.map((t) => ({
          id: t.id,
          order_id: order.id,
          performance_id: order.performance_id,
          seat_id: t.seat_id,
          ga_area_id: t.ga_area_id,
          category_id: t.category_id,
          price: t.price,
          code: t.code,
        })),
      )
      .execute();
  }
  return issued.map(issuedView);
}

export async function voidTickets(tx: Tx, orderId: string): Promise<number> {
  const result = await tx.updateTable('tickets').set({ status: 'void' }).where('order_id', '=', orderId).where('status', '=', 'valid').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export type CheckInResult =
  | { result: 'admitted'; ticket: { id: string; label: string; categoryName: string; performanceId: string } }
  | { result: 'already_used'; firstScanAt: string }
  | { result: 'invalid'; reason: 'bad_signature' | 'unknown_ticket' | 'void' | 'wrong_performance' };

/**
 * Admits a genuine, valid ticket once. The signature is checked first (no database work for a
 * forged code); the single conditional UPDATE makes two simultaneous scans admit only one.
 */
export async function checkIn(
  db: Db,
  signer: TicketSigner,
  code: string,
  performanceId?: string,
  /** The performances the door's credential is bound to (a door account's or a scanner key's); null: any. */
  boundTo: readonly string[] | null = null,
): Promise<CheckInResult> {
  const claims = signer.verify(code);
  if (!claims) return { result: 'invalid', reason: 'bad_signature' };
  // A door that says which show it serves, or whose credential is bound to some, refuses tickets
  // for another, before touching the ticket.
  if (performanceId && claims.performanceId !== performanceId) return { result: 'invalid', reason: 'wrong_performance' };
  if (boundTo && !boundTo.includes(claims.performanceId)) return { result: 'invalid', reason: 'wrong_performance' };
  const admitted = await db
    .updateTable('tickets')
    .set({ checked_in_at: sql<Date>`now()` as never })
    .where('id', '=', claims.ticketId)
    .where('performance_id', '=', claims.performanceId)
    .where('status', '=', 'valid')
    .where('checked_in_at', 'is', null)
    .returning(['id', 'seat_id', 'ga_area_id', 'category_id'])
    .executeTakeFirst();
  if (!admitted) {
    const ticket = await db.selectFrom('tickets').select(['status', 'checked_in_at']).where('id', '=', claims.ticketId).executeTakeFirst();
    if (!ticket) return { result: 'invalid', reason: 'unknown_ticket' };
    if (ticket.status === 'void') return { result: 'invalid', reason: 'void' };
    return { result: 'already_used', firstScanAt: ticket.checked_in_at!.toISOString() };
  }
  const detail = await db
    .selectFrom('tickets as t')
    .innerJoin('price_categories as c', 'c.id', 't.category_id')
    .leftJoin('seats as s', 's.id', 't.seat_id')
    .leftJoin('ga_areas as a', 'a.id', 't.ga_area_id')
    .select([sql<string>`coalesce(s.label, a.name)`.as('label'), 'c.name as categoryName'])
    .where('t.id', '=', admitted.id)
    .executeTakeFirstOrThrow();
  return { result: 'admitted', ticket: { id: admitted.id, label: detail.label, categoryName: detail.categoryName, performanceId: claims.performanceId } };
}

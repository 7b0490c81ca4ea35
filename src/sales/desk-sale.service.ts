import { createHash } from 'node:crypto';
import { findPerformance } from '../catalog/catalog.repository.js';
import * as blocks from '../inventory/blocks.repository.js';
import * as holds from '../inventory/holds.repository.js';
import { settleSoldOut } from '../inventory/sold-out.js';
import { pickQuantity, takeStock, type StockPick } from '../inventory/staff-stock.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { OrderChannel, PaymentMethod } from '../platform/database.types.js';
import { badRequest, conflict, notFound, PG, pgCode } from '../platform/errors.js';
import { failureOutcome, ordersTotal, ticketsSold } from '../platform/metrics.js';
import { busyIfContended, ContendedError, stockTransaction, withRetry } from '../platform/transaction.js';
import { issueTickets } from '../tickets/tickets.service.js';
import * as repo from './orders.repository.js';
import { queueConfirmation } from './payment.service.js';

/**
 * An order staff make at the desk, paid at once: a complimentary one (no payment, total 0) or a
 * counter sale (cash or card-present, taken by the box office, not by the online provider). The
 * stock comes from free seats and GA places or out of a block, in one stock transaction with the
 * order, its tickets and the confirmation email: all of it or nothing.
 */
export interface DeskSale {
  channel: Exclude<OrderChannel, 'online'>;
  paymentMethod: Exclude<PaymentMethod, 'card'>;
  /** Who the tickets are for; an empty email sends no confirmation (a walk-up buyer who wants none). */
  buyer: { name: string; email: string; locale: string };
  compReason: string | null;
  /** The client's Idempotency-Key; scoped to the staff member or key that sends it. */
  idempotencyKey?: string;
  actor: string;
}

export interface DeskSaleResult {
  orderId: string;
  accessToken: string;
  status: 'paid';
  channel: DeskSale['channel'];
  paymentMethod: DeskSale['paymentMethod'];
  total: number;
  currency: string;
  buyer: DeskSale['buyer'];
  tickets: { id: string; code: string; label: string; categoryName: string; price: number; currency: string }[];
  ticketsPdfUrl: string;
  orderUrl: string;
  confirmationQueued: boolean;
}

function requestHash(performanceId: string, pick: StockPick, sale: DeskSale): string {
  const canonical = JSON.stringify([performanceId, sale.channel, sale.paymentMethod, pick.seatIds ?? null, pick.ga ?? null, sale.buyer, sale.compReason]);
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A sale at the desk or a comp, counted once committed in taquilla_orders_total and taquilla_tickets_sold_total. */
export async function sellAtDesk(ctx: AppContext, performanceId: string, pick: StockPick, sale: DeskSale): Promise<DeskSaleResult> {
  try {
    const { result, created } = await sell(ctx, performanceId, pick, sale);
    ordersTotal.inc({ channel: sale.channel, outcome: created ? 'created' : 'replayed', reason: '' });
    if (created) ticketsSold.inc({ channel: sale.channel }, result.tickets.length);
    return result;
  } catch (error) {
    ordersTotal.inc({ channel: sale.channel, ...failureOutcome(error) });
    throw error;
  }
}

async function sell(ctx: AppContext, performanceId: string, pick: StockPick, sale: DeskSale): Promise<{ result: DeskSaleResult; created: boolean }> {
  const performance = await findPerformance(ctx.db, performanceId);
  if (!performance) throw notFound('performance', performanceId);
  if (performance.status === 'cancelled') throw conflict('performance_cancelled', 'This performance is cancelled');
  const quantity = pickQuantity(pick);
  if (quantity === 0) throw badRequest('invalid_request', 'body needs seatIds or ga', { field: 'body' });
  const key = sale.idempotencyKey ? `desk:${sale.actor}:${sale.idempotencyKey}` : null;
  const hash = requestHash(performanceId, pick, sale);
  if (key) {
    const prior = await replay(ctx, key, hash);
    if (prior) return { result: prior, created: false };
  }
  try {
    const result = await withRetry(() =>
      stockTransaction(
        ctx.db,
        async (tx) => {
          const hold = await blocks.insertStaffHold(tx, {
            performanceId,
            purpose: sale.channel,
            kind: null,
            note: null,
            createdBy: sale.actor,
            quantity,
            idempotencyKey: key,
            requestHash: key ? hash : null,
          });
          const fromBlocks = await takeStock(tx, performanceId, hold.id, pick, { fromBlocks: true });
          const items = await holds.holdItems(tx, hold.id);
          const currency = items.seats[0]?.currency ?? items.ga[0]?.currency ?? 'EUR';
          if ([...items.seats, ...items.ga].some((i) => i.currency !== currency)) throw badRequest('mixed_currency', 'An order must be priced in one currency');
          // A comp is free: its tickets carry price 0, so revenue by ticket or by order agrees.
          if (sale.channel === 'comp') for (const item of [...items.seats, ...items.ga]) item.price = 0;
          const total = items.seats.reduce((n, s) => n + s.price, 0) + items.ga.reduce((n, g) => n + g.price * g.quantity, 0);
          const order = await tx
            .insertInto('orders')
            .values({
              hold_id: hold.id,
              performance_id: performanceId,
              idempotency_key: key ?? `desk:${hold.id}`,
              status: 'paid',
              buyer_name: sale.buyer.name,
              buyer_email: sale.buyer.email,
              locale: sale.buyer.locale,
              total,
              currency,
              payment_provider: sale.channel === 'comp' ? 'none' : 'box_office',
              category_prices: JSON.stringify(Object.fromEntries([...items.seats, ...items.ga].map((i) => [i.category_id, i.price]))),
              paid_at: new Date(),
              channel: sale.channel,
              payment_method: sale.paymentMethod,
              comp_reason: sale.compReason,
              created_by: sale.actor,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await tx.updateTable('performance_seats').set({ status: 'sold' }).where('hold_id', '=', hold.id).where('status', '=', 'held').execute();
          await tx.updateTable('holds').set({ status: 'converted' }).where('id', '=', hold.id).execute();
          const tickets = await issueTickets(tx, ctx.tickets, order, items);
          if (sale.buyer.email) await queueConfirmation(ctx, tx, order, tickets);
          await audit(tx, {
            actor: sale.actor,
            action: sale.channel === 'comp' ? 'sales.order.comp_issued' : 'sales.order.box_office_sold',
            subjectType: 'order',
            subjectId: order.id,
            data: {
              performanceId,
              tickets: tickets.length,
              total,
              paymentMethod: sale.paymentMethod,
              ...(sale.compReason ? { reason: sale.compReason } : {}),
              recipient: sale.buyer.email || null,
              seatIds: pick.seatIds ?? [],
              ga: pick.ga ?? [],
              fromBlocks,
            },
          });
          await settleSoldOut(tx, performanceId);
          return view(ctx, order, tickets, Boolean(sale.buyer.email));
        },
        10_000,
      ),
    );
    ctx.availability.invalidate(performanceId);
    return { result, created: true };
  } catch (error) {
    if (error instanceof ContendedError) throw busyIfContended(error);
    // Two requests with one key raced; the loser answers with the winner's order.
    if (key && pgCode(error) === PG.uniqueViolation) {
      const winner = await replay(ctx, key, hash);
      if (winner) return { result: winner, created: false };
    }
    throw error;
  }
}

/** The order an Idempotency-Key already made, with its tickets; the same key with another request is refused. */
async function replay(ctx: AppContext, key: string, hash: string): Promise<DeskSaleResult | undefined> {
  const prior = await holds.findHoldByKey(ctx.db, key);
  if (!prior) return undefined;
  if (prior.request_hash !== hash) throw conflict('idempotency_key_reused', 'This Idempotency-Key was used for a different request');
  const order = await ctx.db.selectFrom('orders').selectAll().where('hold_id', '=', prior.id).executeTakeFirst();
  if (!order) return undefined;
  const tickets = (await repo.orderTickets(ctx.db, order.id)).filter((t) => t.status === 'valid');
  const queued = await ctx.db.selectFrom('outbox').select('id').where('order_id', '=', order.id).executeTakeFirst();
  return view(ctx, order, tickets, queued !== undefined);
}

function view(
  ctx: AppContext,
  order: {
    id: string;
    channel: OrderChannel;
    payment_method: PaymentMethod;
    total: number;
    currency: string;
    buyer_name: string;
    buyer_email: string;
    locale: string;
  },
  tickets: DeskSaleResult['tickets'],
  confirmationQueued: boolean,
): DeskSaleResult {
  return {
    orderId: order.id,
    accessToken: ctx.orderAccess.tokenFor(order.id),
    status: 'paid',
    channel: order.channel as DeskSale['channel'],
    paymentMethod: order.payment_method as DeskSale['paymentMethod'],
    total: order.total,
    currency: order.currency,
    buyer: { name: order.buyer_name, email: order.buyer_email, locale: order.locale },
    tickets: tickets.map(({ id, code, label, categoryName, price, currency }) => ({ id, code, label, categoryName, price, currency })),
    ticketsPdfUrl: `/api/orders/${order.id}/tickets.pdf`,
    orderUrl: `${ctx.config.baseUrl}/orders/${order.id}#access=${ctx.orderAccess.tokenFor(order.id)}`,
    confirmationQueued,
  };
}

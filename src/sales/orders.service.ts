import { randomUUID } from 'node:crypto';
import { textsIn, toLanguage } from '../catalog/event-texts.js';
import * as holds from '../inventory/holds.repository.js';
import type { HeldGa, HeldSeat } from '../inventory/holds.repository.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError, badRequest, conflict, notFound, PG, pgCode } from '../platform/errors.js';
import type { EventLanguage, Order } from '../platform/database.types.js';
import { failureOutcome, ordersTotal } from '../platform/metrics.js';
import { stockTransaction } from '../platform/transaction.js';
import { enforceCustomerLimit } from './customer-limits.js';
import * as repo from './orders.repository.js';

export interface Buyer {
  name: string;
  email: string;
  locale: string;
}
export interface CheckoutSource {
  storefront: string;
  clientBuildId: string | null;
  /** The page class the checkout page says it was served as, and the widget frames it showed. */
  pageClass: string | null;
  widgets: string[] | null;
}

/** The signed-in customer account an order is made for (null for a guest). */
export type OrderCustomer = { id: string; email: string } | null;

export interface CreatedOrder {
  orderId: string;
  accessToken: string;
  payment: { provider: string; sessionId: string; url: string };
}

const sameBuyer = (order: Order, buyer: Buyer) => order.buyer_name === buyer.name && order.buyer_email === buyer.email && order.locale === buyer.locale;

const counted = { created: ordersTotal.labels('online', 'created', ''), replayed: ordersTotal.labels('online', 'replayed', '') };

/**
 * Step 1 of checkout: an order from a live hold, under an idempotency key. The same key with the
 * same request returns the same order (and the same payment session); the same key with another
 * request is refused. Every attempt leaves a checkout record naming the front-end build. An order
 * made while signed in belongs to that account; the event's per-customer limit is checked here.
 * Counted in taquilla_orders_total by outcome.
 */
export async function createOrder(
  ctx: AppContext,
  holdId: string,
  idempotencyKey: string,
  buyer: Buyer,
  source: CheckoutSource,
  customer: OrderCustomer = null,
): Promise<CreatedOrder> {
  try {
    const { order, created } = await makeOrder(ctx, holdId, idempotencyKey, buyer, source, customer);
    (created ? counted.created : counted.replayed).inc();
    return order;
  } catch (error) {
    const { outcome, reason } = failureOutcome(error);
    ordersTotal.inc({ channel: 'online', outcome, reason });
    throw error;
  }
}

/** createOrder, saying whether this request made the order (counted once its payment session is there). */
async function makeOrder(
  ctx: AppContext,
  holdId: string,
  idempotencyKey: string,
  buyer: Buyer,
  source: CheckoutSource,
  customer: OrderCustomer,
): Promise<{ order: CreatedOrder; created: boolean }> {
  // A price changed between reading and writing: price the order again (a few times at most).
  for (let attempt = 1; ; attempt++) {
    const start = await repo.orderStart(ctx.db, holdId, idempotencyKey);
    if (start.keyUsed) return replayKey(ctx, idempotencyKey, holdId, buyer);
    // An event with a per-customer limit counts the customer's orders under advisory locks, in a transaction.
    if (start.customerLimit !== null) return makeOrderCounted(ctx, holdId, idempotencyKey, buyer, source, customer);
    const { hold } = start;
    if (!hold) throw notFound('hold', holdId);
    if (start.holdOrderedWith !== null) throw holdAlreadyOrdered();
    if (hold.status !== 'active' || !hold.live) throw holdExpired();
    const priced = priceOf(start.items);
    const id = randomUUID();
    const session = await ctx.payments.createSession({
      orderId: id,
      amount: priced.total,
      currency: priced.currency,
      description: await sessionDescription(ctx, hold.performance_id),
      locale: buyer.locale,
    });
    let outcome: Awaited<ReturnType<typeof repo.insertOrder>>;
    try {
      outcome = await repo.insertOrder(ctx.db, {
        id,
        holdId,
        idempotencyKey,
        buyer,
        ...priced,
        paymentProvider: ctx.payments.name,
        customerId: customer?.id ?? null,
        session,
        record: {
          storefront: source.storefront,
          buildId: ctx.buildId,
          clientBuildId: source.clientBuildId,
          pageClass: source.pageClass,
          widgets: source.widgets,
        },
        audit: { actor: 'hold_token', data: { holdId, customerId: customer?.id ?? null } },
      });
    } catch (error) {
      // Two requests with one key raced (the loser answers with the winner's order), or two keys for one hold.
      if (pgCode(error) === PG.uniqueViolation) {
        if (await repo.findOrderByKey(ctx.db, idempotencyKey)) return replayKey(ctx, idempotencyKey, holdId, buyer);
        throw holdAlreadyOrdered();
      }
      throw error;
    }
    if (outcome === 'created') {
      return { order: { orderId: id, accessToken: ctx.orderAccess.tokenFor(id), payment: { provider: ctx.payments.name, ...session } }, created: true };
    }
    if (outcome === 'hold_ended') throw holdExpired();
    if (attempt >= 3) throw new AppError('busy', 503, 'Prices changed while the order was made; please retry', { retryAfter: 1 });
  }
}

const holdAlreadyOrdered = () => conflict('hold_already_ordered', 'This hold already has an order; retry with its Idempotency-Key or make a new hold');
const holdExpired = () => conflict('hold_expired', 'This hold has expired or was released; its tickets went back on sale');

/** The order's total, its one currency, and the price of each category in it. */
function priceOf({ seats, ga }: { seats: HeldSeat[]; ga: HeldGa[] }) {
  const prices = [...seats.map((s) => ({ price: s.price, currency: s.currency })), ...ga.map((g) => ({ price: g.price * g.quantity, currency: g.currency }))];
  const currency = prices[0]?.currency ?? 'EUR';
  if (prices.some((p) => p.currency !== currency)) throw badRequest('mixed_currency', 'A hold must be priced in one currency');
  return {
    total: prices.reduce((sum, p) => sum + p.price, 0),
    currency,
    categoryPrices: Object.fromEntries([...seats, ...ga].map((i) => [i.category_id, i.price])) as Record<string, number>,
  };
}

async function replayKey(ctx: AppContext, idempotencyKey: string, holdId: string, buyer: Buyer): Promise<{ order: CreatedOrder; created: boolean }> {
  const existing = await repo.findOrderByKey(ctx.db, idempotencyKey);
  if (!existing) throw new Error(`the order of Idempotency-Key ${idempotencyKey} went away`);
  return { order: await replay(ctx, existing, holdId, buyer), created: false };
}

/**
 * An order for an event with a per-customer limit: in one transaction under the hold's lock, so
 * the customer's orders are counted (enforceCustomerLimit) one request after another.
 */
async function makeOrderCounted(
  ctx: AppContext,
  holdId: string,
  idempotencyKey: string,
  buyer: Buyer,
  source: CheckoutSource,
  customer: OrderCustomer,
): Promise<{ order: CreatedOrder; created: boolean }> {
  let order: Order;
  let created = true;
  try {
    order = await stockTransaction(ctx.db, async (tx) => {
      const hold = await holds.lockHold(tx, holdId);
      if (!hold) throw notFound('hold', holdId);
      // A concurrent request with our key may have created the order while we waited for the lock.
      const prior = await tx.selectFrom('orders').selectAll().where('hold_id', '=', holdId).executeTakeFirst();
      if (prior?.idempotency_key === idempotencyKey) {
        created = false;
        return prior;
      }
      if (prior) throw holdAlreadyOrdered();
      if (hold.status !== 'active' || hold.expires_at <= new Date()) throw holdExpired();
      const items = await holds.holdItems(tx, holdId);
      const { total, currency, categoryPrices } = priceOf(items);
      const quantity = items.seats.length + items.ga.reduce((n, g) => n + g.quantity, 0);
      await enforceCustomerLimit(tx, { performanceId: hold.performance_id, quantity, buyerEmail: buyer.email, customer });
      const inserted = await tx
        .insertInto('orders')
        .values({
          hold_id: holdId,
          performance_id: hold.performance_id,
          idempotency_key: idempotencyKey,
          buyer_name: buyer.name,
          buyer_email: buyer.email,
          locale: buyer.locale,
          total,
          currency,
          payment_provider: ctx.payments.name,
          category_prices: JSON.stringify(categoryPrices),
          customer_id: customer?.id ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await repo.recordCheckout(tx, {
        order_id: inserted.id,
        buyer_email: buyer.email,
        storefront: source.storefront,
        build_id: ctx.buildId,
        client_build_id: source.clientBuildId,
        page_class: source.pageClass,
        widgets: source.widgets,
      });
      await audit(tx, {
        actor: 'hold_token',
        action: 'sales.order.created',
        subjectType: 'order',
        subjectId: inserted.id,
        data: { holdId, customerId: customer?.id ?? null },
      });
      return inserted;
    });
  } catch (error) {
    // Two requests with one key raced; the loser answers with the winner's order.
    if (pgCode(error) === PG.uniqueViolation) {
      const winner = await repo.findOrderByKey(ctx.db, idempotencyKey);
      if (winner) return { order: await replay(ctx, winner, holdId, buyer), created: false };
    }
    throw error;
  }
  return { order: created ? await withPaymentSession(ctx, order) : await replay(ctx, order, holdId, buyer), created };
}

/** What the payment session says it is for: the event and the date (the description is cached a few seconds). */
async function sessionDescription(ctx: AppContext, performanceId: string): Promise<string> {
  const perf = await repo.orderPerformance(ctx.db, performanceId);
  return `${perf.eventTitle} ${perf.starts_at.toISOString().slice(0, 10)}`;
}

async function replay(ctx: AppContext, order: Order, holdId: string, buyer: Buyer): Promise<CreatedOrder> {
  if (order.hold_id !== holdId || !sameBuyer(order, buyer)) {
    throw new AppError('idempotency_key_reused', 409, 'This Idempotency-Key was used for a different request');
  }
  return withPaymentSession(ctx, order);
}

/** Step 2: the provider's payment session, created once; a retry after a failure here creates it then. */
async function withPaymentSession(ctx: AppContext, order: Order): Promise<CreatedOrder> {
  let sessionId = order.payment_session_id;
  let url = order.payment_session_url;
  if (!sessionId || !url) {
    const session = await ctx.payments.createSession({
      orderId: order.id,
      amount: order.total,
      currency: order.currency,
      description: await sessionDescription(ctx, order.performance_id),
      locale: order.locale,
    });
    // Only the first session sticks, so concurrent retries agree on one.
    const stored =
      (await ctx.db
        .updateTable('orders')
        .set({ payment_session_id: session.sessionId, payment_session_url: session.url })
        .where('id', '=', order.id)
        .where('payment_session_id', 'is', null)
        .returning(['payment_session_id', 'payment_session_url'])
        .executeTakeFirst()) ??
      (await ctx.db.selectFrom('orders').select(['payment_session_id', 'payment_session_url']).where('id', '=', order.id).executeTakeFirstOrThrow());
    sessionId = stored.payment_session_id!;
    url = stored.payment_session_url!;
  }
  return { orderId: order.id, accessToken: ctx.orderAccess.tokenFor(order.id), payment: { provider: order.payment_provider, sessionId, url } };
}

/**
 * The order as its buyer (or an operator) sees it; the event's title in `language` (the page's),
 * else in the order's language, else the event's default.
 */
export async function orderView(ctx: AppContext, orderId: string, language: EventLanguage | null = null) {
  const order = await repo.findOrder(ctx.db, orderId);
  if (!order) throw notFound('order', orderId);
  const [tickets, performance] = await Promise.all([repo.orderTickets(ctx.db, orderId), repo.orderPerformance(ctx.db, order.performance_id)]);
  return {
    id: order.id,
    status: order.status,
    buyer: { name: order.buyer_name, email: order.buyer_email, locale: order.locale },
    performance: {
      id: performance.id,
      startsAt: performance.starts_at.toISOString(),
      eventTitle: textsIn(performance.texts, language ?? toLanguage(order.locale)).title,
      eventSlug: performance.eventSlug,
      venueName: performance.venueName,
      timeZone: performance.timeZone,
    },
    holdId: order.hold_id,
    total: order.total,
    currency: order.currency,
    createdAt: order.created_at.toISOString(),
    paidAt: order.paid_at?.toISOString() ?? null,
    payment:
      order.status === 'pending_payment' && order.payment_session_id
        ? { provider: order.payment_provider, sessionId: order.payment_session_id, url: order.payment_session_url! }
        : null,
    tickets: tickets.map((t) => ({
      id: t.id,
      code: t.code,
      status: t.status,
      label: t.label,
      categoryName: t.categoryName,
      price: t.price,
      currency: t.currency,
      seatId: t.seat_id,
      gaAreaId: t.ga_area_id,
      checkedInAt: t.checked_in_at?.toISOString() ?? null,
    })),
  };
}

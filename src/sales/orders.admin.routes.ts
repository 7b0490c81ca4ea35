import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { IdParams, Uuid } from '../catalog/catalog.schemas.js';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { badRequest } from '../platform/errors.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { monitoredOrders } from '../security/incident-response.repository.js';
import { OrderResponse } from './orders.schemas.js';
import { orderView } from './orders.service.js';
import { countOrders, decodeCursor, encodeCursor, listOrdersPage } from './orders-export.repository.js';
import { OrderFilterQuery } from './reports.schemas.js';
import { resendConfirmation } from './payment.service.js';
import { listRefunds } from './refunds.repository.js';
import { cancelOrder, refundOrder, refundView, type RefundAuthority } from './refunds.service.js';
import { salesReport } from './sales-report.js';

const SalesReport = Type.Object({
  performanceId: Uuid,
  status: Type.String(),
  capacity: Type.Integer(),
  sold: Type.Integer(),
  held: Type.Integer({ description: "in fans' holds" }),
  blocked: Type.Integer({ description: 'kept from sale by staff blocks (house seats, kills)' }),
  available: Type.Integer(),
  revenue: Type.Integer({ description: 'paid orders, online and at the counter; complimentary orders never count' }),
  currency: Type.Union([Type.String(), Type.Null()]),
  orders: Type.Object({
    paid: Type.Integer({ description: 'paid for, online or at the counter' }),
    pending: Type.Integer(),
    refunded: Type.Integer(),
    cancelled: Type.Integer(),
    expired: Type.Integer(),
    comp: Type.Integer({ description: 'complimentary orders still valid' }),
  }),
  compTickets: Type.Integer({ description: 'valid complimentary tickets (counted in sold, not in revenue)' }),
  ticketsValid: Type.Integer(),
  checkedIn: Type.Integer(),
});

const RefundRecord = Type.Object({
  id: Uuid,
  amount: Type.Integer({ description: 'minor units returned to the buyer' }),
  currency: Type.String(),
  ticketIds: Type.Array(Uuid),
  providerRefundId: Type.Union([Type.String(), Type.Null()], { description: 'null when no online payment was refunded (paid at the counter, or free)' }),
  actor: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

/** What staff see of an order: the buyer's view, and whether an incident flagged the buyer for monitoring. */
const AdminOrderResponse = Type.Object({
  ...OrderResponse.properties,
  monitoredByIncident: Type.Union([Uuid, Type.Null()], { description: 'the incident whose response flagged this buyer\u2019s account for monitoring' }),
  refunds: Type.Array(RefundRecord, { description: 'the refunds made, oldest first; a refunded ticket is void and listed in one of them' }),
  refunded: Type.Integer({ description: 'minor units refunded so far' }),
});

const OrderList = Type.Object({
  orders: Type.Array(
    Type.Object({
      id: Uuid,
      status: Type.String(),
      buyerName: Type.String(),
      buyerEmail: Type.String(),
      total: Type.Integer(),
      currency: Type.String(),
      performanceId: Uuid,
      channel: Type.String(),
      paymentMethod: Type.String(),
      createdAt: Type.String(),
      paidAt: Type.Union([Type.String(), Type.Null()]),
      monitoredByIncident: Type.Union([Uuid, Type.Null()]),
    }),
  ),
  total: Type.Integer({ description: 'every order the filters match' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `before` for the next page; null on the last' }),
});

const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

/**
 * What a refund needs beyond `orders.refund`: a box office account refunds up to its refund limit,
 * and a refund above REFUND_SUDO_ABOVE needs the person's second factor in the last five minutes.
 * The service checks both against the amount it actually refunds (a few tickets, or what is left).
 */
function refundAuthority(request: FastifyRequest): RefundAuthority | undefined {
  const principal = request.principal;
  if (!principal) return undefined;
  const fresh = principal.kind !== 'staff' || Date.now() - (principal.secondFactorAt?.getTime() ?? 0) <= 5 * 60_000;
  return { limit: principal.refundLimit, secondFactorFresh: fresh };
}

export const ordersAdminRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const CheckoutRecords = Type.Object({
    records: Type.Array(
      Type.Object({
        id: Type.String(),
        orderId: Uuid,
        buyerEmail: Type.String(),
        storefront: Type.String(),
        buildId: Type.String({ description: "The server's front-end build when the order was made" }),
        clientBuildId: Type.Union([Type.String(), Type.Null()], { description: 'The build the buyer\u2019s page said it ran' }),
        pageClass: Type.Union([Type.String(), Type.Null()]),
        widgets: Type.Union([Type.Array(Type.String()), Type.Null()]),
        createdAt: Type.String({ format: 'date-time' }),
      }),
    ),
  });

  app.get(
    '/api/admin/orders',
    {
      // An event manager searches within one of their performances.
      config: { permission: 'orders.read', scope: { of: 'performance', param: 'query:performanceId', required: true } },
      schema: {
        operationId: 'listOrders',
        summary: 'Search the orders',
        tags: ['admin'],
        description:
          'Orders newest first, filtered by buyer email, performance, status, channel and a date range (of creation, or with ' +
          '`dateField=paid` of payment). Pages: pass the answer\u2019s `nextCursor` as `before` for the next one (keyset, as ' +
          'fast on the last page as on the first); `offset` still works for short lists. `total` counts every match.',
        querystring: Type.Object({
          ...OrderFilterQuery,
          before: Type.Optional(Type.String({ maxLength: 60, description: 'the `nextCursor` of the previous page' })),
          ...Paging,
        }),
        response: { 200: OrderList, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const { before, limit, offset, ...filter } = request.query;
      const cursor = before === undefined ? undefined : decodeCursor(before);
      if (cursor === null) throw badRequest('invalid_cursor', 'before must be the nextCursor of a previous page', { field: 'before' });
      const [rows, total] = await Promise.all([listOrdersPage(ctx.db, filter, { limit, offset, before: cursor }), countOrders(ctx.db, filter)]);
      const monitored = await monitoredOrders(
        ctx.db,
        rows.map((o) => o.id),
      );
      const last = rows[rows.length - 1];
      return {
        orders: rows.map((o) => ({
          id: o.id,
          status: o.status,
          buyerName: o.buyer_name,
          buyerEmail: o.buyer_email,
          total: o.total,
          currency: o.currency,
          performanceId: o.performance_id,
          channel: o.channel,
          paymentMethod: o.payment_method,
          createdAt: o.created_at.toISOString(),
          paidAt: o.paid_at?.toISOString() ?? null,
          monitoredByIncident: monitored.get(o.id) ?? null,
        })),
        total,
        nextCursor: last && rows.length === limit ? encodeCursor({ micros: last.micros, id: last.id }) : null,
      };
    },
  );

  app.get(
    '/api/admin/orders/:id',
    {
      config: { permission: 'orders.read', scope: { of: 'order' } },
      schema: {
        operationId: 'getOrderForConsole',
        summary: 'Get an order with its tickets and refunds',
        tags: ['admin'],
        params: IdParams,
        response: { 200: AdminOrderResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const [order, monitored, made] = await Promise.all([
        orderView(ctx, request.params.id),
        monitoredOrders(ctx.db, [request.params.id]),
        listRefunds(ctx.db, request.params.id),
      ]);
      return {
        ...order,
        monitoredByIncident: monitored.get(request.params.id) ?? null,
        refunds: made.map(refundView),
        refunded: made.reduce((sum, r) => sum + r.amount, 0),
      };
    },
  );

  const Changed = Type.Object({ id: Uuid, status: Type.String(), refundId: Type.Optional(Type.String()) });
  const Refunded = Type.Object({
    ...Changed.properties,
    status: Type.String({ description: '`refunded` once no valid ticket is left; `paid` after a partial refund' }),
    amount: Type.Integer({ description: 'minor units refunded by this request' }),
    currency: Type.String(),
    ticketIds: Type.Array(Uuid, { description: 'the tickets this refund voided' }),
    refund: RefundRecord,
    replayed: Type.Optional(Type.Literal(true, { description: 'this answers an earlier request with the same Idempotency-Key' })),
  });
  app.post(
    '/api/admin/orders/:id/refund',
    {
      config: { permission: 'orders.refund', scope: { of: 'order' } },
      schema: {
        operationId: 'refundOrder',
        summary: 'Refund an order, or some of its tickets',
        tags: ['admin'],
        params: IdParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, description: 'Any unique string per refund; a retry with the same key answers the first refund' }),
          ),
        }),
        body: Type.Union([
          Type.Object(
            {
              ticketIds: Type.Optional(
                Type.Array(Uuid, { minItems: 1, maxItems: 500, description: 'refund only these tickets of the order; absent: every valid ticket' }),
              ),
              reason: Type.Optional(Type.String({ maxLength: 500, description: 'kept in the refund record and the audit log; not sent to the buyer' })),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        description:
          'Refunds the whole order (no body), or only the tickets named in `ticketIds`: they turn void, their seats and GA places go back on sale, ' +
          'the provider returns exactly their price, and the buyer is emailed in their language. The order becomes `refunded` when no valid ticket is left. ' +
          'A box office account refunds up to its refund limit (403 `forbidden` above it); a refund above REFUND_SUDO_ABOVE needs a second factor shown in ' +
          'the last five minutes (403 `sudo_required`); both apply to the amount refunded. Tickets not of this order: 400 `unknown_tickets`; ' +
          'tickets already refunded: 409 `tickets_already_refunded`; both name them in `ticketIds`.',
        response: { 200: Refunded, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      refundOrder(ctx, request.params.id, actorFor(request), {
        ticketIds: request.body?.ticketIds,
        reason: request.body?.reason,
        idempotencyKey: request.headers['idempotency-key'],
        authority: refundAuthority(request),
      }),
  );

  app.post(
    '/api/admin/orders/:id/cancel',
    {
      config: { permission: 'orders.cancel', scope: { of: 'order' } },
      schema: {
        operationId: 'cancelOrder',
        summary: 'Cancel an order, voiding any tickets without a refund',
        tags: ['admin'],
        params: IdParams,
        response: { 200: Changed, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => cancelOrder(ctx, request.params.id, actorFor(request)),
  );

  app.post(
    '/api/admin/orders/:id/resend-confirmation',
    {
      config: { permission: 'orders.resend', scope: { of: 'order' } },
      schema: {
        operationId: 'resendOrderConfirmation',
        summary: "Send a paid order's confirmation again",
        tags: ['admin'],
        params: IdParams,
        description: "Sends a paid order's confirmation again, to the buyer's address on the order, with its valid tickets; audited.",
        response: { 202: Type.Object({ messageId: Uuid, tickets: Type.Integer() }), 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => reply.status(202).send(await resendConfirmation(ctx, request.params.id, actorFor(request))),
  );

  app.get(
    '/api/admin/performances/:id/sales',
    {
      config: { permission: 'sales.read', scope: { of: 'performance' } },
      schema: {
        operationId: 'getSalesReport',
        summary: "Get a performance's stock and sales totals",
        tags: ['admin'],
        params: IdParams,
        response: { 200: SalesReport, 404: ErrorResponse },
      },
    },
    async (request) => salesReport(ctx.db, request.params.id),
  );

  // Who ran which front-end build: the list to notify if that build is ever found tampered with.
  app.get(
    '/api/admin/checkout-records',
    {
      // Buyers' emails by build: what a breach investigation reads, not sales staff.
      config: { permission: 'security.read' },
      schema: {
        operationId: 'listCheckoutRecords',
        summary: 'List which front-end build each buyer paid on',
        tags: ['admin'],
        querystring: Type.Object({
          buildId: Type.Optional(Type.String({ maxLength: 100 })),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          ...Paging,
        }),
        response: { 200: CheckoutRecords },
      },
    },
    async (request) => {
      const q = request.query;
      let query = ctx.db.selectFrom('checkout_records').selectAll();
      if (q.buildId) query = query.where((eb) => eb.or([eb('build_id', '=', q.buildId!), eb('client_build_id', '=', q.buildId!)]));
      if (q.from) query = query.where('created_at', '>=', new Date(q.from));
      if (q.to) query = query.where('created_at', '<', new Date(q.to));
      const rows = await query.orderBy('created_at', 'desc').limit(q.limit).offset(q.offset).execute();
      return {
        records: rows.map((r) => ({
          id: r.id,
          orderId: r.order_id,
          buyerEmail: r.buyer_email,
          storefront: r.storefront,
          buildId: r.build_id,
          clientBuildId: r.client_build_id,
          // The page class the buyer paid on and the widget frames it showed (none, on a payment page).
          pageClass: r.page_class,
          widgets: r.widgets,
          createdAt: r.created_at.toISOString(),
        })),
      };
    },
  );
};

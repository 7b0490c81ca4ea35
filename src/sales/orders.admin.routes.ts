import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { IdParams, Uuid } from '../catalog/catalog.schemas.js';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { AppError, badRequest } from '../platform/errors.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { monitoredOrders } from '../security/incident-response.repository.js';
import { OrderResponse } from './orders.schemas.js';
import { orderView } from './orders.service.js';
import { findOrder } from './orders.repository.js';
import { countOrders, decodeCursor, encodeCursor, listOrdersPage } from './orders-export.repository.js';
import { OrderFilterQuery } from './reports.schemas.js';
import { resendConfirmation } from './payment.service.js';
import { cancelOrder, refundOrder } from './refunds.service.js';
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

/** What staff see of an order: the buyer's view, and whether an incident flagged the buyer for monitoring. */
const AdminOrderResponse = Type.Object({
  ...OrderResponse.properties,
  monitoredByIncident: Type.Union([Uuid, Type.Null()], { description: 'the incident whose response flagged this buyer\u2019s account for monitoring' }),
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
 */
async function checkRefundAllowed(ctx: AppContext, request: FastifyRequest, orderId: string): Promise<void> {
  const principal = request.principal;
  const order = await findOrder(ctx.db, orderId);
  if (!order || !principal) return; // the service answers 404 itself
  if (principal.refundLimit !== null && order.total > principal.refundLimit) {
    throw new AppError('forbidden', 403, `This refund is above your limit of ${principal.refundLimit} (minor units)`, { permission: 'orders.refund' });
  }
  const fresh = principal.kind !== 'staff' || Date.now() - (principal.secondFactorAt?.getTime() ?? 0) <= 5 * 60_000;
  if (order.total > ctx.config.refundSudoAbove && !fresh) {
    throw new AppError('sudo_required', 403, 'A refund this large needs your second factor again (POST /api/auth/staff/sudo)', { permission: 'orders.refund' });
  }
}

export const ordersAdminRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const security = [{ admin: [] }];

  app.get(
    '/api/admin/orders',
    {
      // An event manager searches within one of their performances.
      config: { permission: 'orders.read', scope: { of: 'performance', param: 'query:performanceId', required: true } },
      schema: {
        tags: ['admin'],
        security,
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
      schema: { tags: ['admin'], security, params: IdParams, response: { 200: AdminOrderResponse, 404: ErrorResponse } },
    },
    async (request) => {
      const [order, monitored] = await Promise.all([orderView(ctx, request.params.id), monitoredOrders(ctx.db, [request.params.id])]);
      return { ...order, monitoredByIncident: monitored.get(request.params.id) ?? null };
    },
  );

  const Changed = Type.Object({ id: Uuid, status: Type.String(), refundId: Type.Optional(Type.String()) });
  app.post(
    '/api/admin/orders/:id/refund',
    {
      config: { permission: 'orders.refund', scope: { of: 'order' } },
      schema: {
        tags: ['admin'],
        security,
        params: IdParams,
        description:
          'Refunds the whole order. A box office account refunds up to its refund limit (403 `forbidden` above it); a refund above REFUND_SUDO_ABOVE needs a second factor shown in the last five minutes (403 `sudo_required`).',
        response: { 200: Changed, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      await checkRefundAllowed(ctx, request, request.params.id);
      return refundOrder(ctx, request.params.id, actorFor(request));
    },
  );

  app.post(
    '/api/admin/orders/:id/cancel',
    {
      config: { permission: 'orders.cancel', scope: { of: 'order' } },
      schema: { tags: ['admin'], security, params: IdParams, response: { 200: Changed, 404: ErrorResponse, 409: ErrorResponse } },
    },
    async (request) => cancelOrder(ctx, request.params.id, actorFor(request)),
  );

  app.post(
    '/api/admin/orders/:id/resend-confirmation',
    {
      config: { permission: 'orders.resend', scope: { of: 'order' } },
      schema: {
        tags: ['admin'],
        security,
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
      schema: { tags: ['admin'], security, params: IdParams, response: { 200: SalesReport, 404: ErrorResponse } },
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
        tags: ['admin'],
        security,
        querystring: Type.Object({
          buildId: Type.Optional(Type.String({ maxLength: 100 })),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          ...Paging,
        }),
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

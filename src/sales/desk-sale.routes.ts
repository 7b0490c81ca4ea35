import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { badRequest } from '../platform/errors.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { CompBody, CounterHeaders, CounterSaleBody, DeskHeaders, DeskSaleResponse } from './desk-sale.schemas.js';
import { sellAtDesk } from './desk-sale.service.js';

/** Orders staff make: complimentary tickets, and sales at the box office counter. */
export const deskSaleRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin'];
  const responses = { 201: DeskSaleResponse, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse };

  app.post(
    '/api/admin/performances/:id/comps',
    {
      config: { permission: 'orders.comp', scope: { of: 'performance' } },
      schema: {
        operationId: 'issueComps',
        summary: 'Give complimentary tickets',
        tags,
        params: IdParams,
        headers: DeskHeaders,
        body: CompBody,
        description:
          'Issues complimentary tickets for available or blocked seats and GA places (free, or `blockId` for blocked ones): a paid ' +
          'order with channel `comp`, payment method `none` and total 0, its tickets, and the confirmation to the recipient in their language. The reason is kept on the order and audited (`sales.order.comp_issued`). A seat held or sold is a 409 `seats_unavailable` naming it.',
        response: responses,
      },
    },
    async (request, reply) => {
      const { reason, recipient, seatIds, ga } = request.body;
      if (!reason.trim()) throw badRequest('invalid_request', 'body.reason must say why the tickets are given away', { field: 'body.reason' });
      if (!recipient.name.trim()) throw badRequest('invalid_request', 'body.recipient.name is required', { field: 'body.recipient.name' });
      const sale = await sellAtDesk(
        ctx,
        request.params.id,
        { seatIds, ga },
        {
          channel: 'comp',
          paymentMethod: 'none',
          buyer: { name: recipient.name.trim(), email: recipient.email, locale: recipient.locale },
          compReason: reason.trim(),
          idempotencyKey: request.headers['idempotency-key'],
          actor: actorFor(request),
        },
      );
      return reply.status(201).send(sale);
    },
  );

  app.post(
    '/api/admin/performances/:id/box-office-sales',
    {
      config: { permission: 'orders.box_office', scope: { of: 'performance' } },
      schema: {
        operationId: 'sellAtBoxOffice',
        summary: 'Sell tickets at the box office counter',
        tags,
        params: IdParams,
        headers: CounterHeaders,
        body: CounterSaleBody,
        description:
          'Sells available or blocked seats and GA places at the counter at their current prices, paid in cash or by card-present ' +
          'terminal (no online provider): a paid order with channel `box_office`, its tickets at once (codes and a PDF link, for the ' +
          'screen or the printer), and the confirmation if the buyer gives an email. Audited as `sales.order.box_office_sold`.',
        response: responses,
      },
    },
    async (request, reply) => {
      const { paymentMethod, buyer, seatIds, ga } = request.body;
      const sale = await sellAtDesk(
        ctx,
        request.params.id,
        { seatIds, ga },
        {
          channel: 'box_office',
          paymentMethod,
          buyer: { name: buyer?.name?.trim() ?? '', email: buyer?.email ?? '', locale: buyer?.locale ?? 'en' },
          compReason: null,
          idempotencyKey: request.headers['idempotency-key'],
          actor: actorFor(request),
        },
      );
      return reply.status(201).send(sale);
    },
  );
};

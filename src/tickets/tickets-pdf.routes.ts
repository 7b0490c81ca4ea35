import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { bearer } from '../platform/http/admin-auth.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { orderTicketsPdf } from './tickets-pdf.service.js';

export const ticketsPdfRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/orders/:id/tickets.pdf',
    {
      schema: {
        operationId: 'getTicketsPdf',
        summary: "Download an order's tickets as a PDF",
        tags: ['sales'],
        params: IdParams,
        security: [{ orderAccess: [] }],
        description: "The order's valid tickets as a PDF, one A6 page each with its QR code; void tickets are left out.",
        response: {
          200: {
            description: 'application/pdf attachment',
            content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } },
          },
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: { description: '`no_valid_tickets`: unpaid, refunded or cancelled', content: { 'application/json': { schema: ErrorResponse } } },
        },
      },
    },
    async (request, reply) => {
      // As for GET /api/orders/:id: a wrong token and an unknown order look the same.
      if (!ctx.orderAccess.verify(request.params.id, bearer(request))) {
        throw new AppError('unauthorized', 401, 'This order needs its access token: Authorization: Bearer <accessToken>');
      }
      const { filename, pdf } = await orderTicketsPdf(ctx, request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { bearer } from '../platform/http/admin-auth.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { BuyerBody, CreatedOrderResponse, IdempotencyHeaders, OrderResponse, PaidResponse, PaymentBody } from './orders.schemas.js';
import { createOrder, orderView } from './orders.service.js';
import { confirmPayment } from './payment.service.js';

export const ordersRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.post(
    '/api/holds/:id/order',
    {
      schema: {
        tags: ['sales'],
        params: IdParams,
        headers: IdempotencyHeaders,
        body: BuyerBody,
        response: { 201: CreatedOrderResponse, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const headers = request.headers;
      const order = await createOrder(ctx, request.params.id, headers['idempotency-key'], request.body.buyer, {
        storefront: headers['x-taquilla-storefront'] ?? 'web',
        clientBuildId: headers['x-taquilla-build'] ?? null,
      });
      return reply.status(201).send(order);
    },
  );

  app.post(
    '/api/orders/:id/payment',
    {
      schema: {
        tags: ['sales'],
        params: IdParams,
        body: PaymentBody,
        response: { 200: PaidResponse, 402: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const outcome = await confirmPayment(ctx, request.params.id, request.body.token);
      if (outcome.status === 'declined') {
        const message =
          outcome.reason === 'insufficient_funds'
            ? 'The card was declined: insufficient funds'
            : outcome.reason === 'expired_card'
              ? 'The card was declined: it has expired'
              : outcome.reason === 'card_declined'
                ? 'The card was declined by its bank'
                : 'The payment token is not valid for this order; enter the card again';
        throw new AppError('payment_declined', 402, message, { reason: outcome.reason });
      }
      return outcome;
    },
  );

  app.get(
    '/api/orders/:id',
    {
      schema: {
        tags: ['sales'],
        params: IdParams,
        security: [{ orderAccess: [] }],
        response: { 200: OrderResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      // A wrong token and an unknown order look the same, so ids cannot be probed.
      if (!ctx.orderAccess.verify(request.params.id, bearer(request))) {
        throw new AppError('unauthorized', 401, 'This order needs its access token: Authorization: Bearer <accessToken>');
      }
      return orderView(ctx, request.params.id);
    },
  );
};

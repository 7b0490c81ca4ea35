import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, LangQuery } from '../catalog/catalog.schemas.js';
import { toLanguage } from '../catalog/event-texts.js';
import { CUSTOMER_COOKIE, signedInCustomer } from '../accounts/customer-sessions.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { hasAccess, requireAccess } from '../platform/http/credentials.js';
import { sameOrigin } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { BuyerBody, CreatedOrderResponse, IdempotencyHeaders, OrderResponse, PaidResponse, PaymentBody } from './orders.schemas.js';
import { changeBuyer } from './buyer-details.service.js';
import { createOrder, orderView } from './orders.service.js';
import { confirmPayment } from './payment.service.js';

export const ordersRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.post(
    '/api/holds/:id/order',
    {
      schema: {
        operationId: 'createOrder',
        summary: "Turn a hold into an order with the buyer's details",
        tags: ['sales'],
        params: IdParams,
        headers: IdempotencyHeaders,
        body: BuyerBody,
        security: [{ holdAccess: [] }],
        response: { 201: CreatedOrderResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      requireAccess(ctx.holdAccess, 'hold', request.params.id, request);
      const headers = request.headers;
      // A fan signed in on our own pages orders into their account; a cookie riding on another site's request does not.
      const cookie = request.cookies[CUSTOMER_COOKIE];
      const signedIn = cookie && sameOrigin(request, ctx.config) ? await signedInCustomer(ctx.db, cookie) : undefined;
      const customer = signedIn ? { id: signedIn.customer.id, email: signedIn.customer.email } : null;
      const order = await createOrder(
        ctx,
        request.params.id,
        headers['idempotency-key'],
        request.body.buyer,
        {
          storefront: headers['x-taquilla-storefront'] ?? 'web',
          clientBuildId: headers['x-taquilla-build'] ?? null,
          pageClass: headers['x-taquilla-page-class'] ?? null,
          widgets: headers['x-taquilla-widgets'] === undefined ? null : headers['x-taquilla-widgets'].split(',').filter(Boolean),
        },
        customer,
      );
      return reply.status(201).send(order);
    },
  );

  app.post(
    '/api/orders/:id/payment',
    {
      schema: {
        operationId: 'payOrder',
        summary: 'Pay an order with the token from the card form',
        tags: ['sales'],
        params: IdParams,
        body: PaymentBody,
        description:
          'The one-time token from the card form is the credential. Asked again once the order is paid, it answers the outcome; ' +
          "the ticket codes only to the token that paid (for a few minutes) or with the order's access token as Authorization: Bearer.",
        security: [{}, { orderAccess: [] }],
        response: { 200: PaidResponse, 402: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const orderAccess = hasAccess(ctx.orderAccess, request.params.id, request);
      const outcome = await confirmPayment(ctx, request.params.id, request.body.token, { actor: 'payment_token', orderAccess });
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
        operationId: 'getOrder',
        summary: 'Get an order with its tickets',
        tags: ['sales'],
        params: IdParams,
        querystring: LangQuery,
        security: [{ orderAccess: [] }],
        response: { 200: OrderResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      requireAccess(ctx.orderAccess, 'order', request.params.id, request);
      return orderView(ctx, request.params.id, toLanguage(request.query.lang));
    },
  );

  app.patch(
    '/api/orders/:id/buyer',
    {
      schema: {
        operationId: 'updateBuyer',
        summary: "Correct the buyer's details before paying",
        tags: ['sales'],
        params: IdParams,
        body: BuyerBody,
        description:
          "Corrects the buyer's name, email or email language before paying: only while the order is pending_payment and its hold is live " +
          '(409 `order_not_editable` or `hold_expired` otherwise). A new email counts against the per-customer limit like a new order. Audited.',
        security: [{ orderAccess: [] }],
        response: { 200: OrderResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      requireAccess(ctx.orderAccess, 'order', request.params.id, request);
      return changeBuyer(ctx, request.params.id, request.body.buyer);
    },
  );
};

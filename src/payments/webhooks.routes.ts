import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { confirmPayment } from '../sales/payment.service.js';

/**
 * The provider tells us of a payment out of band (the buyer closed the tab after paying). The
 * signature is checked over the raw body, then the same confirmation as the API runs, so the two
 * racing still issue one set of tickets.
 */
export const paymentWebhookRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

  app.post(
    '/api/payments/webhooks/:provider',
    {
      schema: {
        operationId: 'receivePaymentWebhook',
        summary: "Receive a payment provider's notice of a payment",
        description:
          "The provider's signature over the raw body is the credential (checked by the provider's own rules); 400 `invalid_webhook` when it does not verify.",
        tags: ['payments'],
        security: [],
        params: Type.Object({ provider: Type.String({ maxLength: 40 }) }),
        response: { 200: Type.Object({ received: Type.Boolean(), status: Type.Optional(Type.String()) }), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      if (request.params.provider !== ctx.payments.name) throw new AppError('unknown_provider', 404, `No payment provider named ${request.params.provider}`);
      const event = ctx.payments.verifyWebhook(request.headers, String(request.body ?? ''));
      if (event.type !== 'payment.succeeded') return { received: true };
      const order = await ctx.db.selectFrom('orders').select('id').where('payment_session_id', '=', event.sessionId).executeTakeFirst();
      if (!order) throw new AppError('order_not_found', 404, 'No order has this payment session');
      const outcome = await confirmPayment(ctx, order.id, event.token, { actor: 'payment_webhook', orderAccess: false });
      return { received: true, status: outcome.status };
    },
  );
};

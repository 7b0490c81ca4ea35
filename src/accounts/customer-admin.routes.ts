import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { Email } from './customer-auth.routes.js';
import { forceCustomerResets } from './customer-force-reset.service.js';

const Report = Type.Object({
  requested: Type.Integer({ description: 'Distinct addresses asked for' }),
  marked: Type.Integer({ description: 'Accounts marked now; each was signed out everywhere and sent the reset email' }),
  alreadyPending: Type.Integer({ description: 'Accounts marked by an earlier run and not reset since: skipped, nothing sent' }),
  unknown: Type.Integer({ description: 'Addresses with no account' }),
  sessionsEnded: Type.Integer(),
});

/** The operator's side of customer accounts: the forced password reset (also `taquilla customers force-reset`). */
export const customerAdminRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.post(
    '/api/admin/customers/force-reset',
    {
      config: { permission: 'customers.manage', sudo: true },
      // A list of addresses after a breach elsewhere can be long.
      bodyLimit: 1024 * 1024,
      schema: {
        operationId: 'forceCustomerPasswordResets',
        summary: 'Make customers set a new password at their next sign-in',
        tags: ['admin', 'account'],
        description:
          'Marks the accounts of these emails so their next sign-in must set a new password, ends their sessions, and emails each the reset link ' +
          "in the customer's language. Idempotent: accounts already marked and not reset since are skipped, so a repeated run sends nothing twice.",
        body: Type.Object({ emails: Type.Array(Email, { minItems: 1, maxItems: 10_000 }) }, { additionalProperties: false }),
        response: { 200: Report, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => forceCustomerResets(ctx, request.body.emails, actorFor(request), request.ip),
  );
};

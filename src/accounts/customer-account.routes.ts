import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { supportedLocales } from '../notifications/templates.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { requireSameOrigin } from '../platform/http/permission-guard.js';
import { clientOf, Code, customerOf, errors, Password } from './customer-auth.routes.js';
import { recoveryCodesLeft, updateCustomer } from './customer-accounts.repository.js';
import { hasPasskeys } from './customer-passkeys.repository.js';
import { claimOrders, customerOrders } from './customer-orders.service.js';
import { LangQuery } from '../catalog/catalog.schemas.js';
import { toLanguage } from '../catalog/event-texts.js';
import { changeCustomerPassword } from './customer-password.service.js';
import { customerTotpConfirm, customerTotpDisable, customerTotpSetup } from './customer-totp.service.js';
import { attemptOf } from './login-throttle.js';
import { endSession } from './sessions.js';
import { SessionList, TotpSetup } from './sessions.schemas.js';
import { listSubjectSessions } from './sessions.repository.js';

const SupportedLocale = Type.Union(supportedLocales.map((l) => Type.Literal(l)));
const DateTime = Type.String({ format: 'date-time' });
const CustomerOrders = Type.Object({
  orders: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      status: Type.String(),
      tickets: Type.Integer(),
      total: Type.Integer({ description: 'minor units' }),
      currency: Type.String(),
      createdAt: DateTime,
      paidAt: Type.Union([DateTime, Type.Null()]),
      performance: Type.Object({
        id: Type.String({ format: 'uuid' }),
        startsAt: DateTime,
        eventTitle: Type.String(),
        eventSlug: Type.String(),
        venueName: Type.String(),
        timeZone: Type.String(),
      }),
      accessToken: Type.String({ description: "The order's access token, for GET /api/orders/{id} and its tickets" }),
    }),
  ),
  claimable: Type.Integer({ description: 'Guest orders made with the confirmed email, not yet in the account' }),
});

/**
 * What a signed-in fan does with their account, under /api/account: who they are and the language
 * of their emails, their sessions (list, revoke), the optional authenticator app, their password,
 * their orders on any device, and claiming the guest orders made with their confirmed email. The
 * `tq_customer` cookie is the credential; state-changing requests must come from our own pages.
 */
export const customerAccountRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['account'];
  app.addHook('onRequest', async (request) => requireSameOrigin(request, ctx.config));
  /** A step that checks a password or a code counts on the account's sign-in budget: a stolen session cannot guess the password. */
  const attempt = (request: Parameters<typeof attemptOf>[0], email: string) =>
    ctx.loginThrottle.attempt(attemptOf(request, `customer:${email.trim().toLowerCase()}`));

  app.get(
    '/api/account/me',
    {
      schema: {
        operationId: 'getCustomerMe',
        summary: 'Get your account',
        security: [{ customerSession: [] }],
        tags,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errors },
      },
    },
    async (request) => {
      const { customer, session } = await customerOf(ctx, request);
      return {
        id: customer.id,
        email: customer.email,
        emailVerified: customer.email_verified_at !== null,
        name: customer.name,
        locale: customer.locale,
        totp: customer.totp_secret !== null,
        recoveryCodesLeft: customer.totp_secret ? await recoveryCodesLeft(ctx.db, customer.id) : 0,
        passkey: await hasPasskeys(ctx.db, customer.id),
        session: { id: session.id },
      };
    },
  );

  app.patch(
    '/api/account/me',
    {
      schema: {
        operationId: 'updateCustomerMe',
        summary: 'Change your name or email language',
        security: [{ customerSession: [] }],
        tags,
        description: 'Changes the name checkout fills in, or the language of account emails.',
        body: Type.Object(
          { name: Type.Optional(Type.String({ maxLength: 200 })), locale: Type.Optional(SupportedLocale) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { customer } = await customerOf(ctx, request);
      const changes = {
        ...(request.body.name !== undefined ? { name: request.body.name.trim() } : {}),
        ...(request.body.locale ? { locale: request.body.locale } : {}),
      };
      await updateCustomer(ctx.db, customer.id, changes);
      await audit(ctx.db, {
        actor: `customer:${customer.id}`,
        action: 'accounts.customer.updated',
        subjectType: 'customer',
        subjectId: customer.id,
        ip: request.ip,
        data: changes,
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/account/sessions',
    {
      schema: {
        operationId: 'listCustomerSessions',
        summary: 'List your sessions',
        security: [{ customerSession: [] }],
        tags,
        response: { 200: SessionList, ...errors },
      },
    },
    async (request) => {
      const { customer, session } = await customerOf(ctx, request);
      const rows = await listSubjectSessions(ctx.db, 'customer', customer.id);
      return {
        sessions: rows
          .filter((r) => r.state === 'signed_in')
          .map((r) => ({
            id: r.id,
            current: r.id === session.id,
            createdAt: r.created_at.toISOString(),
            lastSeenAt: r.last_seen_at.toISOString(),
            ip: r.ip,
            userAgent: r.user_agent,
            expiresAt: r.absolute_expires_at.toISOString(),
          })),
      };
    },
  );

  app.delete(
    '/api/account/sessions/:id',
    {
      schema: {
        operationId: 'endCustomerSession',
        summary: 'End one of your sessions',
        security: [{ customerSession: [] }],
        tags,
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
        response: { 204: Type.Null(), ...errors, 404: errors[400] },
      },
    },
    async (request, reply) => {
      const { customer } = await customerOf(ctx, request);
      const mine = await listSubjectSessions(ctx.db, 'customer', customer.id);
      if (!mine.some((s) => s.id === request.params.id)) throw new AppError('session_not_found', 404, 'No such session of yours');
      await endSession(ctx.db, request.params.id, `revoked by customer:${customer.id}`);
      await audit(ctx.db, {
        actor: `customer:${customer.id}`,
        action: 'accounts.session.revoked',
        subjectType: 'session',
        subjectId: request.params.id,
        ip: request.ip,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/totp/setup',
    {
      schema: {
        operationId: 'customerTotpSetup',
        summary: 'Start setting up an authenticator app',
        security: [{ customerSession: [] }],
        tags,
        description: 'A secret for an authenticator app; nothing is stored until a code from it is confirmed.',
        response: { 200: TotpSetup, ...errors },
      },
    },
    async (request) => {
      const { customer } = await customerOf(ctx, request);
      return customerTotpSetup(ctx, customer.id);
    },
  );

  app.post(
    '/api/account/totp',
    {
      schema: {
        operationId: 'customerTotpConfirm',
        summary: 'Confirm an authenticator app with a code from it',
        security: [{ customerSession: [] }],
        tags,
        description: 'Confirms the authenticator app with a code from it; answers ten single-use recovery codes, shown once.',
        body: Type.Object({ secret: Type.String({ minLength: 32, maxLength: 32 }), code: Code }, { additionalProperties: false }),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors },
      },
    },
    async (request) => {
      const { customer } = await customerOf(ctx, request);
      await attempt(request, customer.email);
      return { recoveryCodes: await customerTotpConfirm(ctx, customer.id, request.body.secret, request.body.code, clientOf(request)) };
    },
  );

  app.post(
    '/api/account/totp/remove',
    {
      schema: {
        operationId: 'customerTotpRemove',
        summary: 'Turn the authenticator app off',
        security: [{ customerSession: [] }],
        tags,
        description: 'Turns the authenticator app off: the password (15 characters or more, since it will stand alone) and a code (`totp` or `recoveryCode`).',
        body: Type.Object(
          { password: Password, totp: Type.Optional(Code), recoveryCode: Type.Optional(Code) },
          { additionalProperties: false, minProperties: 2, maxProperties: 2 },
        ),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { customer } = await customerOf(ctx, request);
      await attempt(request, customer.email);
      await customerTotpDisable(ctx, customer.id, request.body, clientOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/password/change',
    {
      schema: {
        operationId: 'customerChangePassword',
        summary: 'Change your password',
        security: [{ customerSession: [] }],
        tags,
        description: 'The current password, then the new one; every other session of the account ends.',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ sessionsEnded: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const { customer, session } = await customerOf(ctx, request);
      await attempt(request, customer.email);
      return {
        sessionsEnded: await changeCustomerPassword(ctx, customer.id, session.id, request.body.currentPassword, request.body.newPassword, clientOf(request)),
      };
    },
  );

  app.get(
    '/api/account/orders',
    {
      schema: {
        operationId: 'listCustomerOrders',
        summary: "List your account's orders",
        security: [{ customerSession: [] }],
        tags,
        description:
          "The account's orders, newest first, each with its access token (for GET /api/orders/:id and its tickets); `claimable` counts the guest orders made with the confirmed email. " +
          "Event titles in the language asked for (?lang=), else the event's default; each performance names its venue's timeZone.",
        querystring: LangQuery,
        response: { 200: CustomerOrders, ...errors },
      },
    },
    async (request) => {
      const { customer } = await customerOf(ctx, request);
      return customerOrders(ctx, customer, toLanguage(request.query.lang));
    },
  );

  app.post(
    '/api/account/orders/claim',
    {
      schema: {
        operationId: 'claimGuestOrders',
        summary: 'Add the guest orders made with your email to your account',
        security: [{ customerSession: [] }],
        tags,
        description: 'Adds to the account every guest order made with its confirmed email (403 `email_unverified` before confirming).',
        response: { 200: Type.Object({ claimed: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const { customer } = await customerOf(ctx, request);
      return claimOrders(ctx, customer, clientOf(request));
    },
  );
};

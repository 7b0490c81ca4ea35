import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveLocale } from '../notifications/templates.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { SessionState } from '../platform/database.types.js';
import { AppError } from '../platform/errors.js';
import { requireSameOrigin } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { sendRefusal } from '../shield/shield.hooks.js';
import { requestPasswordReset, resetPassword } from './customer-password.service.js';
import { findCustomerById } from './customer-accounts.repository.js';
import { CUSTOMER_COOKIE, signedInCustomer } from './customer-sessions.js';
import { customerPasswordSignIn, customerSecondFactorSignIn } from './customer-sign-in.service.js';
import { signUp, verifyEmail } from './customer-sign-up.service.js';
import { attemptOf, rememberDevice } from './login-throttle.js';
import { endSession, LIFETIMES, type NewSession, readSession, type SessionInfo } from './sessions.js';

export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const Code = Type.String({ minLength: 6, maxLength: 20 });
const Token = Type.String({ minLength: 20, maxLength: 200 });
const Locale = Type.String({ pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$', maxLength: 35 });
export const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };
const Step = Type.Object({
  state: Type.Union([Type.Literal('second_factor'), Type.Literal('signed_in')]),
  methods: Type.Optional(Type.Array(Type.String())),
});
const Accepted = Type.Object({ state: Type.String() });

export const clientOf = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

export function setCustomerCookie(reply: FastifyReply, secure: boolean, session: NewSession, state: SessionState): void {
  reply.setCookie(CUSTOMER_COOKIE, session.secret, { httpOnly: true, sameSite: 'lax', path: '/api', secure, maxAge: LIFETIMES.customer[state].absolute });
}

/** The signed-in customer of a request, or 401. */
export async function customerOf(ctx: AppContext, request: FastifyRequest) {
  const found = await signedInCustomer(ctx.db, request.cookies[CUSTOMER_COOKIE]);
  if (!found) throw new AppError('unauthorized', 401, 'Sign in to your account first');
  return found;
}

/**
 * A fan's way into their account, under /api/account: sign up, confirm the email, sign in (with
 * the second factor when they set one up), reset a forgotten password, sign out. The session
 * secret travels only in the `tq_customer` cookie (HttpOnly, SameSite=Lax, Path=/api, Secure on
 * https); every state-changing request must come from our own pages. Every step that takes a
 * password, code or token is throttled per address and per account (or per known device) before
 * any password is hashed (login-throttle.ts); they are also the shield's `login` class (proof of
 * work in shield mode), and the ones that email an address the client chose also take the email
 * class's limit per address.
 */
export const customerAuthRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const secure = ctx.config.baseUrl.startsWith('https:');
  const tags = ['account'];
  app.addHook('onRequest', async (request) => requireSameOrigin(request, ctx.config));
  const throttle = ctx.loginThrottle;
  const accountOf = (email: string) => `customer:${email.trim().toLowerCase()}`;
  /** A full sign-in: the account's budget back, and this browser remembered for it. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply, email: string): Promise<void> {
    await throttle.succeeded(attemptOf(request, accountOf(email)));
    rememberDevice(reply, throttle, accountOf(email), secure);
  }

  /** The email class's per-address limit: nobody's inbox is flooded through these forms. */
  async function emailLimited(request: FastifyRequest, reply: FastifyReply, email: string): Promise<boolean> {
    const refusal = await ctx.shield.gateEmail(request.ip, email);
    if (refusal) sendRefusal(reply, refusal);
    return refusal !== undefined;
  }

  app.post(
    '/api/account/sign-up',
    {
      schema: {
        operationId: 'customerSignUp',
        summary: 'Create a fan account',
        security: [],
        tags,
        description:
          'Creates an account and emails a link to confirm the address. The answer is the same whether the email is new or already has an account ' +
          '(its owner is emailed either way). The password needs 15 characters and must not be a common one; a refusal says why (`reason`).',
        body: Type.Object(
          { email: Email, password: Password, name: Type.Optional(Type.String({ maxLength: 200 })), locale: Type.Optional(Locale) },
          { additionalProperties: false },
        ),
        response: { 202: Accepted, ...errors },
      },
    },
    async (request, reply) => {
      const { email, password, name, locale } = request.body;
      if (await emailLimited(request, reply, email)) return reply;
      await signUp(ctx, { email, password, name, locale: resolveLocale(locale ?? 'en') }, clientOf(request));
      return reply.status(202).send({ state: 'verification_sent' });
    },
  );

  app.post(
    '/api/account/verify',
    {
      schema: {
        operationId: 'customerVerifyEmail',
        summary: "Confirm a new account's email and sign in",
        security: [],
        tags,
        description:
          'Confirms the email with the token from the link and the password chosen at sign-up, and signs in. The link works once; ' +
          'a wrong password (401 `invalid_credentials`) leaves it usable.',
        body: Type.Object({ token: Token, password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ state: Type.Literal('signed_in'), email: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      await throttle.attempt(attemptOf(request));
      const { email, session } = await verifyEmail(ctx, request.body.token, request.body.password, clientOf(request));
      setCustomerCookie(reply, secure, session, 'signed_in');
      return { state: 'signed_in' as const, email };
    },
  );

  app.post(
    '/api/account/sign-in',
    {
      schema: {
        operationId: 'customerSignIn',
        summary: 'Sign in to a fan account with email and password',
        security: [],
        tags,
        description:
          'The password. Answers `signed_in`, or `second_factor` when an authenticator app is set up (then POST /api/account/second-factor). ' +
          'A wrong password and an unknown email get the same 401. With the right password: 403 `email_unverified` or `password_reset_required` (a link is emailed).',
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      await throttle.attempt(attemptOf(request, accountOf(request.body.email), true));
      const { session, step } = await customerPasswordSignIn(ctx, request.body.email, request.body.password, clientOf(request));
      setCustomerCookie(reply, secure, session, step.state === 'signed_in' ? 'signed_in' : 'password');
      if (step.state === 'signed_in') await signedIn(request, reply, request.body.email);
      return step;
    },
  );

  app.post(
    '/api/account/second-factor',
    {
      schema: {
        operationId: 'customerSignInSecondFactor',
        summary: 'Finish signing in with a second factor',
        security: [{ customerSession: [] }],
        tags,
        description: "After the password: `{ totp }` (the authenticator app's code, once per 30-second step) or `{ recoveryCode }` (single use).",
        body: Type.Object(
          { totp: Type.Optional(Code), recoveryCode: Type.Optional(Code) },
          { additionalProperties: false, minProperties: 1, maxProperties: 1 },
        ),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      const partial: SessionInfo | undefined = await readSession(ctx.db, 'customer', request.cookies[CUSTOMER_COOKIE]);
      if (!partial) throw new AppError('unauthorized', 401, 'Sign in with your password first');
      const customer = await findCustomerById(ctx.db, partial.subjectId);
      await throttle.attempt(attemptOf(request, accountOf(customer?.email ?? partial.subjectId)));
      setCustomerCookie(reply, secure, await customerSecondFactorSignIn(ctx, partial, request.body, clientOf(request)), 'signed_in');
      if (customer) await signedIn(request, reply, customer.email);
      return { state: 'signed_in' as const };
    },
  );

  app.post(
    '/api/account/password/reset-request',
    {
      schema: {
        operationId: 'customerRequestPasswordReset',
        summary: 'Ask for a link to set a new password',
        security: [],
        tags,
        description: 'Emails a link to set a new password (single use, one hour) when the address has an account; the answer is the same either way.',
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: Accepted, ...errors },
      },
    },
    async (request, reply) => {
      if (await emailLimited(request, reply, request.body.email)) return reply;
      // Answered before the work: whether the address has an account must not show in the time taken either.
      requestPasswordReset(ctx, request.body.email, clientOf(request)).catch((error) => request.log.error({ err: error }, 'password reset email failed'));
      return reply.status(202).send({ state: 'reset_sent' });
    },
  );

  app.post(
    '/api/account/password/reset',
    {
      schema: {
        operationId: 'customerResetPassword',
        summary: 'Set a new password with the emailed link',
        security: [],
        tags,
        description: 'Sets a new password with the token from the link. The link works once; every session of the account ends.',
        body: Type.Object({ token: Token, password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ sessionsEnded: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      await throttle.attempt(attemptOf(request));
      return resetPassword(ctx, request.body.token, request.body.password, clientOf(request));
    },
  );

  app.post(
    '/api/account/sign-out',
    {
      schema: {
        operationId: 'customerSignOut',
        summary: 'Sign out of a fan account',
        security: [{}, { customerSession: [] }],
        tags,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const session = await readSession(ctx.db, 'customer', request.cookies[CUSTOMER_COOKIE]);
      if (session) {
        await endSession(ctx.db, session.id, 'signed out');
        await audit(ctx.db, {
          actor: `customer:${session.subjectId}`,
          action: 'accounts.customer.signed_out',
          subjectType: 'session',
          subjectId: session.id,
          ip: request.ip,
        });
      }
      reply.clearCookie(CUSTOMER_COOKIE, { path: '/api' });
      return reply.status(204).send(null);
    },
  );
};

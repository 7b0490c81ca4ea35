import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { SessionState } from '../platform/database.types.js';
import { AppError } from '../platform/errors.js';
import { requireSameOrigin, STAFF_COOKIE } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { attemptOf, rememberDevice } from './login-throttle.js';
import { ROLE_PERMISSIONS } from './permissions.js';
import { endSession, LIFETIMES, type NewSession, readSession, type SessionInfo } from './sessions.js';
import { SessionList, TotpSetup } from './sessions.schemas.js';
import { listSubjectSessions } from './sessions.repository.js';
import { acceptInvitation, issueRecoveryCodes, passkeyRegister, passkeyRegisterOptions, totpConfirm, totpSetup } from './staff-enrolment.service.js';
import { confirmSudo, passkeySignIn, passkeySignInOptions, passkeySudoOptions, passwordSignIn, secondFactorSignIn } from './staff-sign-in.service.js';
import { findStaffById } from './staff.repository.js';
import { changeOwnPassword, staffView } from './staff.service.js';

const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Code = Type.String({ minLength: 6, maxLength: 20 });
/** A WebAuthn response as @simplewebauthn/browser sends it; the library checks its inside. */
const WebAuthnJson = Type.Object({ id: Type.String({ maxLength: 1024 }), type: Type.String({ maxLength: 40 }) }, { additionalProperties: true });
const Step = Type.Object({
  state: Type.Union([Type.Literal('second_factor'), Type.Literal('enrol'), Type.Literal('signed_in')]),
  methods: Type.Optional(Type.Array(Type.String())),
  recoveryCodes: Type.Optional(Type.Array(Type.String(), { description: 'Shown once, when the first second factor is enrolled' })),
});
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };
/** Answers whose shape is another library's (WebAuthn options) or a view documented elsewhere. */
const Json = Type.Object({}, { additionalProperties: true });

/**
 * Staff sign-in, enrolment and one's own sessions, under /api/auth/staff. The session secret
 * travels only in an HttpOnly cookie scoped to /api, SameSite=Strict, Secure on https; every
 * state-changing request must also come from our own origin (Origin or Sec-Fetch-Site). Every
 * step that takes a secret is throttled per address and per account (or per known device) before
 * any password is hashed or code checked (login-throttle.ts); they are also the shield's `login`
 * class, behind proof of work in shield mode. The account's budget is given back only on a full
 * sign-in, so a right password does not buy more guesses at the second factor.
 */
export const staffAuthRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const secure = ctx.config.baseUrl.startsWith('https:');
  const tags = ['accounts'];
  const client = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

  app.addHook('onRequest', async (request) => requireSameOrigin(request, ctx.config));

  function setSession(reply: FastifyReply, session: NewSession, state: SessionState): void {
    reply.setCookie(STAFF_COOKIE, session.secret, { httpOnly: true, sameSite: 'strict', path: '/api', secure, maxAge: LIFETIMES.staff[state].absolute });
  }

  const throttle = ctx.loginThrottle;
  const accountOf = (email: string) => `staff:${email.trim().toLowerCase()}`;
  /** A full sign-in: the account's budget back, and this browser remembered for it. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply, email: string): Promise<void> {
    await throttle.succeeded(attemptOf(request, accountOf(email)));
    rememberDevice(reply, throttle, accountOf(email), secure);
  }
  /** The attempt of a signed-in (or half signed-in) person, counted on their account. */
  async function attemptBy(request: FastifyRequest, session: SessionInfo) {
    const staff = await findStaffById(ctx.db, session.subjectId);
    const attempt = attemptOf(request, accountOf(staff?.email ?? session.subjectId));
    await throttle.attempt(attempt);
    return { staff, attempt };
  }

  /** The caller's session in one of `states`, or 401. */
  async function sessionIn(request: FastifyRequest, ...states: SessionState[]): Promise<SessionInfo> {
    const session = await readSession(ctx.db, 'staff', request.cookies[STAFF_COOKIE]);
    const staff = session && (await findStaffById(ctx.db, session.subjectId));
    if (!session || !states.includes(session.state) || staff?.status === 'disabled') throw new AppError('unauthorized', 401, 'Sign in first');
    return session;
  }

  app.post(
    '/api/auth/staff/password',
    {
      schema: {
        operationId: 'staffSignInWithPassword',
        summary: 'Sign in to the console with email and password',
        tags,
        security: [],
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      await throttle.attempt(attemptOf(request, accountOf(request.body.email), true));
      const { session, step } = await passwordSignIn(ctx, request.body.email, request.body.password, client(request));
      setSession(reply, session, step.state === 'enrol' ? 'enrol' : 'password');
      return step;
    },
  );

  app.post(
    '/api/auth/staff/second-factor',
    {
      schema: {
        operationId: 'staffSignInSecondFactor',
        summary: 'Finish signing in to the console with a second factor',
        tags,
        security: [{ staffSession: [] }],
        description: "After the password: `{ totp }` (the authenticator app's code) or `{ recoveryCode }` (single use).",
        body: Type.Object(
          { totp: Type.Optional(Code), recoveryCode: Type.Optional(Code) },
          { additionalProperties: false, minProperties: 1, maxProperties: 1 },
        ),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      const partial = await sessionIn(request, 'password');
      const { staff } = await attemptBy(request, partial);
      setSession(reply, await secondFactorSignIn(ctx, partial, request.body, client(request)), 'signed_in');
      if (staff) await signedIn(request, reply, staff.email);
      return { state: 'signed_in' as const };
    },
  );

  app.post(
    '/api/auth/staff/passkey/options',
    {
      schema: {
        operationId: 'staffPasskeySignInOptions',
        summary: 'Get a challenge for signing in to the console with a passkey',
        tags,
        security: [],
        description: 'A challenge for signing in with a passkey (no password needed).',
        response: { 200: Json, 403: ErrorResponse },
      },
    },
    async () => passkeySignInOptions(ctx),
  );

  app.post(
    '/api/auth/staff/passkey',
    {
      schema: {
        operationId: 'staffSignInWithPasskey',
        summary: 'Sign in to the console with a passkey',
        tags,
        security: [],
        body: Type.Object({ response: WebAuthnJson }, { additionalProperties: false }),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      // A passkey cannot be guessed: only the address's budget, against floods of made-up ones.
      await throttle.attempt(attemptOf(request));
      setSession(reply, await passkeySignIn(ctx, request.body.response as unknown as AuthenticationResponseJSON, client(request)), 'signed_in');
      return { state: 'signed_in' as const };
    },
  );

  app.post(
    '/api/auth/staff/invitation',
    {
      schema: {
        operationId: 'acceptStaffInvitation',
        summary: 'Accept an invitation to the console and set a password',
        tags,
        security: [],
        description: 'Accepts an invitation: sets the password (at least 8 characters, not a common one). A second factor must be enrolled next.',
        body: Type.Object({ token: Type.String({ minLength: 20, maxLength: 200 }), password: Password }, { additionalProperties: false }),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      await throttle.attempt(attemptOf(request));
      setSession(reply, await acceptInvitation(ctx, request.body.token, request.body.password, client(request)), 'enrol');
      return { state: 'enrol' as const };
    },
  );

  app.get(
    '/api/auth/staff/me',
    {
      schema: {
        operationId: 'getStaffMe',
        summary: 'Get who is signed in to the console and what they may do',
        tags,
        security: [{ staffSession: [] }],
        response: { 200: Json, 401: ErrorResponse },
      },
    },
    async (request) => {
      const session = await sessionIn(request, 'enrol', 'password', 'signed_in');
      const staff = (await findStaffById(ctx.db, session.subjectId))!;
      const full = session.state === 'signed_in';
      return {
        state: session.state,
        staff: full ? await staffView(ctx, staff) : { id: staff.id, email: staff.email, name: staff.name },
        permissions: full ? [...ROLE_PERMISSIONS[staff.role]] : [],
        session: { id: session.id, secondFactorAt: session.secondFactorAt?.toISOString() ?? null },
      };
    },
  );

  // Enrolment: in the `enrol` state (an invitation just accepted), or signed in (adding a factor).
  app.post(
    '/api/auth/staff/totp/setup',
    {
      schema: {
        operationId: 'staffTotpSetup',
        summary: 'Start setting up an authenticator app',
        tags,
        security: [{ staffSession: [] }],
        response: { 200: TotpSetup, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const session = await sessionIn(request, 'enrol', 'signed_in');
      return totpSetup(ctx, session.subjectId);
    },
  );

  app.post(
    '/api/auth/staff/totp',
    {
      schema: {
        operationId: 'staffTotpConfirm',
        summary: 'Confirm an authenticator app with a code from it',
        tags,
        security: [{ staffSession: [] }],
        body: Type.Object({ secret: Type.String({ minLength: 32, maxLength: 32 }), code: Code }, { additionalProperties: false }),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      const session = await sessionIn(request, 'enrol', 'signed_in');
      const { attempt } = await attemptBy(request, session);
      const done = await totpConfirm(ctx, session, request.body.secret, request.body.code, client(request));
      if (done.session) setSession(reply, done.session, 'signed_in');
      await throttle.succeeded(attempt);
      return { state: 'signed_in' as const, recoveryCodes: done.recoveryCodes };
    },
  );

  app.post(
    '/api/auth/staff/passkeys/options',
    {
      schema: {
        operationId: 'staffPasskeyRegistrationOptions',
        summary: 'Get the options for adding a passkey',
        tags,
        security: [{ staffSession: [] }],
        response: { 200: Json, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const session = await sessionIn(request, 'enrol', 'signed_in');
      return passkeyRegisterOptions(ctx, session.subjectId);
    },
  );

  app.post(
    '/api/auth/staff/passkeys',
    {
      schema: {
        operationId: 'staffAddPasskey',
        summary: 'Add a passkey to your console account',
        tags,
        security: [{ staffSession: [] }],
        body: Type.Object({ response: WebAuthnJson, name: Type.Optional(Type.String({ maxLength: 60 })) }, { additionalProperties: false }),
        response: { 200: Step, ...errors },
      },
    },
    async (request, reply) => {
      const session = await sessionIn(request, 'enrol', 'signed_in');
      const done = await passkeyRegister(
        ctx,
        session,
        request.body.response as unknown as RegistrationResponseJSON,
        request.body.name ?? 'Passkey',
        client(request),
      );
      if (done.session) setSession(reply, done.session, 'signed_in');
      return { state: 'signed_in' as const, recoveryCodes: done.recoveryCodes };
    },
  );

  app.post(
    '/api/auth/staff/sudo/options',
    {
      schema: {
        operationId: 'staffSudoOptions',
        summary: 'Get a passkey challenge for confirming a sensitive action',
        tags,
        security: [{ staffSession: [] }],
        response: { 200: Json, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const session = await sessionIn(request, 'signed_in');
      return passkeySudoOptions(ctx, session.subjectId);
    },
  );

  app.post(
    '/api/auth/staff/sudo',
    {
      schema: {
        operationId: 'staffSudo',
        summary: 'Confirm your second factor for five minutes of sensitive actions',
        tags,
        security: [{ staffSession: [] }],
        description: 'Shows a second factor again (`{ totp }`, `{ recoveryCode }` or `{ passkey }`) for five minutes of sensitive actions.',
        body: Type.Object(
          { totp: Type.Optional(Code), recoveryCode: Type.Optional(Code), passkey: Type.Optional(WebAuthnJson) },
          { additionalProperties: false, minProperties: 1, maxProperties: 1 },
        ),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const session = await sessionIn(request, 'signed_in');
      const { attempt } = await attemptBy(request, session);
      const { totp, recoveryCode, passkey } = request.body;
      await confirmSudo(ctx, session, { totp, recoveryCode, passkey: passkey as unknown as AuthenticationResponseJSON | undefined }, client(request));
      await throttle.succeeded(attempt);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/staff/recovery-codes',
    {
      schema: {
        operationId: 'staffNewRecoveryCodes',
        summary: 'Replace your recovery codes',
        tags,
        security: [{ staffSession: [] }],
        description: 'New recovery codes (the old ones stop working). Needs sudo.',
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const session = await sessionIn(request, 'signed_in');
      if (Date.now() - (session.secondFactorAt?.getTime() ?? 0) > 5 * 60_000) {
        throw new AppError('sudo_required', 403, 'Confirm with your second factor first (POST /api/auth/staff/sudo)');
      }
      return { recoveryCodes: await issueRecoveryCodes(ctx, session.subjectId) };
    },
  );

  app.post(
    '/api/auth/staff/password/change',
    {
      schema: {
        operationId: 'staffChangePassword',
        summary: 'Change your console password',
        tags,
        security: [{ staffSession: [] }],
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ sessionsEnded: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const session = await sessionIn(request, 'signed_in');
      await attemptBy(request, session);
      return { sessionsEnded: await changeOwnPassword(ctx, session.subjectId, session.id, request.body.currentPassword, request.body.newPassword) };
    },
  );

  app.get(
    '/api/auth/staff/sessions',
    {
      schema: {
        operationId: 'listStaffSessions',
        summary: 'List your console sessions',
        tags,
        security: [{ staffSession: [] }],
        response: { 200: SessionList, 401: ErrorResponse },
      },
    },
    async (request) => {
      const session = await sessionIn(request, 'signed_in');
      const rows = await listSubjectSessions(ctx.db, 'staff', session.subjectId);
      return {
        sessions: rows.map((r) => ({
          id: r.id,
          current: r.id === session.id,
          state: r.state,
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
    '/api/auth/staff/sessions/:id',
    {
      schema: {
        operationId: 'endStaffSession',
        summary: 'End one of your console sessions',
        tags,
        security: [{ staffSession: [] }],
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
        response: { 204: Type.Null(), ...errors, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const session = await sessionIn(request, 'signed_in');
      const mine = await listSubjectSessions(ctx.db, 'staff', session.subjectId);
      if (!mine.some((s) => s.id === request.params.id)) throw new AppError('session_not_found', 404, 'No such session of yours');
      await endSession(ctx.db, request.params.id, `revoked by staff:${session.subjectId}`);
      await audit(ctx.db, { actor: `staff:${session.subjectId}`, action: 'accounts.session.revoked', subjectType: 'session', subjectId: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/staff/sign-out',
    {
      schema: {
        operationId: 'staffSignOut',
        summary: 'Sign out of the console',
        tags,
        security: [{}, { staffSession: [] }],
        response: { 204: Type.Null(), 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const session = await readSession(ctx.db, 'staff', request.cookies[STAFF_COOKIE]);
      if (session) await endSession(ctx.db, session.id, 'signed out');
      reply.clearCookie(STAFF_COOKIE, { path: '/api' });
      return reply.status(204).send(null);
    },
  );
};

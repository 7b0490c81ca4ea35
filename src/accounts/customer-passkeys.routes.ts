import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Uuid } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { requireSameOrigin } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { clientOf, customerOf, errors, setCustomerCookie } from './customer-auth.routes.js';
import {
  addCustomerPasskey,
  customerPasskeyOptions,
  customerPasskeySignIn,
  customerPasskeySignInOptions,
  listCustomerPasskeys,
  removeCustomerPasskey,
} from './customer-passkeys.service.js';
import { attemptOf, rememberDevice } from './login-throttle.js';

/** A WebAuthn response as @simplewebauthn/browser sends it; the library checks its inside. */
const WebAuthnJson = Type.Object({ id: Type.String({ maxLength: 1024 }), type: Type.String({ maxLength: 40 }) }, { additionalProperties: true });
/** WebAuthn options: the shape is @simplewebauthn's (pass them to startRegistration / startAuthentication). */
const Json = Type.Object({}, { additionalProperties: true });
const Passkey = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]) });

/**
 * A fan's passkeys, under /api/account: a signed-in fan lists, adds and removes theirs
 * (/passkeys), and anyone may sign in with one alone (/passkey). A passkey cannot be guessed, so
 * a sign-in takes only from the address's budget of attempts (against floods of made-up ones);
 * a success is a full sign-in, which gives the account's budget back and remembers the browser,
 * as the password does. State-changing requests must come from our own pages.
 */
export const customerPasskeyRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const secure = ctx.config.baseUrl.startsWith('https:');
  const tags = ['account'];
  app.addHook('onRequest', async (request) => requireSameOrigin(request, ctx.config));
  const throttle = ctx.loginThrottle;
  // As customer-auth.routes.ts keys the account's budget and device cookie.
  const accountOf = (email: string) => `customer:${email.trim().toLowerCase()}`;

  app.get(
    '/api/account/passkeys',
    {
      schema: {
        operationId: 'listCustomerPasskeys',
        summary: 'List your passkeys',
        security: [{ customerSession: [] }],
        tags,
        description: "The fan's passkeys, oldest first.",
        response: { 200: Type.Object({ passkeys: Type.Array(Passkey) }), ...errors },
      },
    },
    async (request) => {
      const { customer } = await customerOf(ctx, request);
      return { passkeys: await listCustomerPasskeys(ctx, customer.id) };
    },
  );

  app.post(
    '/api/account/passkeys/options',
    {
      schema: {
        operationId: 'customerPasskeyRegistrationOptions',
        summary: 'Get the options for adding a passkey',
        security: [{ customerSession: [] }],
        tags,
        description: 'Options for creating a passkey (for startRegistration); the challenge in them is good once, for two minutes.',
        response: { 200: Json, ...errors },
      },
    },
    async (request) => {
      const { customer } = await customerOf(ctx, request);
      return customerPasskeyOptions(ctx, customer);
    },
  );

  app.post(
    '/api/account/passkeys',
    {
      schema: {
        operationId: 'customerAddPasskey',
        summary: 'Add a passkey to your account',
        security: [{ customerSession: [] }],
        tags,
        description:
          "Stores the passkey the browser created (startRegistration's answer), under an optional name. 401 `passkey_refused` when it does not verify.",
        body: Type.Object({ response: WebAuthnJson, name: Type.Optional(Type.String({ maxLength: 60 })) }, { additionalProperties: false }),
        response: { 201: Passkey, ...errors },
      },
    },
    async (request, reply) => {
      const { customer } = await customerOf(ctx, request);
      const response = request.body.response as unknown as RegistrationResponseJSON;
      return reply.status(201).send(await addCustomerPasskey(ctx, customer.id, response, request.body.name, clientOf(request)));
    },
  );

  app.delete(
    '/api/account/passkeys/:id',
    {
      schema: {
        operationId: 'customerRemovePasskey',
        summary: 'Remove one of your passkeys',
        security: [{ customerSession: [] }],
        tags,
        description: 'Removes one of your passkeys.',
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null(), ...errors, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { customer } = await customerOf(ctx, request);
      await removeCustomerPasskey(ctx, customer.id, request.params.id, clientOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/passkey/options',
    {
      schema: {
        operationId: 'customerPasskeySignInOptions',
        summary: 'Get a challenge for signing in with a passkey',
        security: [],
        tags,
        description: 'A challenge for signing in with a passkey alone (for startAuthentication).',
        response: { 200: Json, ...errors },
      },
    },
    async () => customerPasskeySignInOptions(ctx),
  );

  app.post(
    '/api/account/passkey',
    {
      schema: {
        operationId: 'customerSignInWithPasskey',
        summary: 'Sign in with a passkey',
        security: [],
        tags,
        description:
          "Signs in with a passkey (startAuthentication's answer); no password or code is asked. Any refusal is 401 `passkey_refused`, " +
          'including an account whose email is not confirmed or whose password must be reset (its owner is emailed the link).',
        body: Type.Object({ response: WebAuthnJson }, { additionalProperties: false }),
        response: { 200: Type.Object({ state: Type.Literal('signed_in') }), ...errors },
      },
    },
    async (request, reply) => {
      await throttle.attempt(attemptOf(request));
      const { session, email } = await customerPasskeySignIn(ctx, request.body.response as unknown as AuthenticationResponseJSON, clientOf(request));
      setCustomerCookie(reply, secure, session, 'signed_in');
      await throttle.succeeded(attemptOf(request, accountOf(email)));
      rememberDevice(reply, throttle, accountOf(email), secure);
      return { state: 'signed_in' as const };
    },
  );
};

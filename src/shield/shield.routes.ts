import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { listIncidents } from '../security/incidents.repository.js';
import { Incident } from '../security/incidents.schemas.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';

const ChallengeResponse = Type.Object({
  challenge: Type.String(),
  difficulty: Type.Integer({ description: 'Leading zero bits SHA-256(`<challenge>.<nonce>`) must have' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

const ShieldView = Type.Object({
  mode: Type.Union([Type.Literal('off'), Type.Literal('on')]),
  forced: Type.Boolean(),
  setting: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')]),
  since: Type.String({ format: 'date-time' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  requestsPerSecond: Type.Number(),
  refusedPerSecond: Type.Record(Type.String(), Type.Number()),
  errorsPerSecond: Type.Number(),
  baselinePerSecond: Type.Number(),
  topPrefixes: Type.Array(Type.Object({ prefix: Type.String(), requestsPerSecond: Type.Number() })),
  adminAuthFailuresLastMinute: Type.Integer({ description: 'Wrong admin tokens refused over the last minute (audited as `platform.admin_auth.failed`)' }),
  pressure: Type.Number({ description: '1 = at capacity; classes are shed from their own mark up' }),
  loopDelayMs: Type.Number({ description: "The event loop's delay (p99) over the last sample" }),
  peakInFlight: Type.Integer({
    description: 'The most requests in progress at once over the last sample; the loop delay counts as pressure only from 32 up',
  }),
  difficulty: Type.Integer(),
  blockedAddresses: Type.Integer(),
  enabled: Type.Boolean({ description: 'false when SHIELD_ENABLED=false: no layer is active' }),
});

export const shieldRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/shield/challenge',
    {
      schema: {
        operationId: 'getShieldChallenge',
        summary: 'Get a proof-of-work challenge for joining the line in shield mode',
        tags: ['shield'],
        security: [],
        response: { 200: ChallengeResponse, 429: ErrorResponse, 503: ErrorResponse },
        description:
          'A proof-of-work challenge. While shield mode is on, queue joins need `X-Shield-Solution: <challenge>.<nonce>`, ' +
          'where the nonce is decimal digits and SHA-256 of that whole string (UTF-8) starts with `difficulty` zero bits. ' +
          'Each solution works once, until `expiresAt`. Without a valid one: 401 `challenge_required`.',
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return ctx.shield.challenges.issue(ctx.shield.difficulty(), Date.now());
    },
  );
};

/** The operator's side: shield mode, the traffic view, incidents. */
export const shieldAdminRoutes: FastifyPluginAsyncTypebox<AppContext> = async (admin, ctx) => {
  admin.get(
    '/api/admin/shield',
    {
      config: { permission: 'shield.read' },
      schema: {
        operationId: 'getShield',
        summary: 'Get shield mode and the live traffic view',
        tags: ['admin', 'shield'],
        response: { 200: ShieldView, 401: ErrorResponse },
        description: 'Shield mode and the live traffic view: rates, refusals by reason, top networks.',
      },
    },
    async () => ctx.shield.view(),
  );

  admin.put(
    '/api/admin/shield',
    {
      config: { permission: 'shield.manage', sudo: true },
      schema: {
        operationId: 'setShieldMode',
        summary: 'Force shield mode on or off, or leave it to attack detection',
        tags: ['admin', 'shield'],
        body: Type.Object({ mode: Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('auto')]) }, { additionalProperties: false }),
        response: { 200: ShieldView, 400: ErrorResponse, 401: ErrorResponse },
        description: 'Forces shield mode on or off in every process, or gives it back to attack detection (`auto`). Audited as `shield.mode.set`.',
      },
    },
    async (request) => {
      await ctx.shield.setMode(request.body.mode, actorFor(request));
      return ctx.shield.view();
    },
  );

  admin.get(
    '/api/admin/incidents',
    {
      config: { permission: 'incidents.read' },
      schema: {
        operationId: 'listIncidents',
        summary: 'List the incidents with their timelines',
        tags: ['admin', 'security'],
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }),
        response: { 200: Type.Object({ incidents: Type.Array(Incident) }), 400: ErrorResponse, 401: ErrorResponse },
        description: 'Incidents, newest first, each with its timeline (detected, shield on, operator actions, back to normal).',
      },
    },
    async (request) => ({ incidents: await listIncidents(ctx.db, request.query.limit ?? 50) }),
  );
};

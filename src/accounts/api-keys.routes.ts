import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { PERMISSIONS } from './permissions.js';
import { listApiKeys } from './api-keys.repository.js';
import { apiKeyView, createApiKey, DEFAULT_EXPIRY_DAYS, keyRefusedPermissions, revokeApiKey } from './api-keys.service.js';
import type { Permission as PermissionName } from './permissions.js';

const Permission = Type.String({
  enum: [...PERMISSIONS],
  description: 'A permission the creator holds; never staff.manage, api_keys.manage, access.purge, nor one a sudo route needs',
});
export const apiKeyProperties = {
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'tqk_<public id>: recognises the key; the secret is never shown again' }),
  permissions: Type.Array(Type.String()),
  performanceIds: Type.Array(Uuid, { description: 'Performances a scanner key admits at (empty: any)' }),
  status: Type.String({ description: 'active, expired or revoked' }),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()], { description: 'Recorded at most once a minute' }),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  revokedReason: Type.Union([Type.String(), Type.Null()], { description: 'manual, dormant or purge' }),
};
const ApiKeyView = Type.Object(apiKeyProperties);
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** API keys for integrations and door scanners: list, create (sudo; the token is answered once), revoke. */
export const apiKeysRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin', 'accounts'];
  // Read once all routes are registered: what sudo routes need, no key may hold.
  let refused: ReadonlySet<PermissionName> | undefined;
  const refusedForKeys = () => (refused ??= keyRefusedPermissions(app.routePermissions.values()));

  app.get(
    '/api/admin/api-keys',
    {
      config: { permission: 'api_keys.manage' },
      schema: {
        operationId: 'listApiKeys',
        summary: 'List the API keys',
        tags,
        response: { 200: Type.Object({ apiKeys: Type.Array(ApiKeyView) }), ...errors },
      },
    },
    async () => ({ apiKeys: (await listApiKeys(ctx.db)).map((row) => apiKeyView(row)) }),
  );

  app.post(
    '/api/admin/api-keys',
    {
      config: { permission: 'api_keys.manage', sudo: true },
      schema: {
        operationId: 'createApiKey',
        summary: 'Create an API key',
        tags,
        description:
          'Creates a key. The answer carries `token` (`tqk_<public id>_<secret>`, sent as `Authorization: Bearer <token>`) this once; only its hash is kept. A scanner key holds `checkin.scan` and may be bound to performances.',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
            permissions: Type.Array(Permission, { minItems: 1, maxItems: PERMISSIONS.length }),
            performanceIds: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: DEFAULT_EXPIRY_DAYS })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ apiKey: ApiKeyView, token: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const { key, token } = await createApiKey(ctx.db, request.principal!, request.body, refusedForKeys());
      return reply.status(201).send({ apiKey: apiKeyView(key), token });
    },
  );

  app.delete(
    '/api/admin/api-keys/:id',
    {
      config: { permission: 'api_keys.manage' },
      schema: {
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key',
        tags,
        description: 'Revokes a key at once, on every node.',
        params: Type.Object({ id: Uuid }),
        response: { 200: ApiKeyView, ...errors },
      },
    },
    async (request) => apiKeyView(await revokeApiKey(ctx.db, actorFor(request), request.params.id, 'manual')),
  );
};

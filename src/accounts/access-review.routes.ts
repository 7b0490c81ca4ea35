import { type FastifyPluginAsyncTypebox, type TSchema, Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { accessReport } from './access-review.service.js';
import { apiKeyProperties } from './api-keys.routes.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Flags = Type.Array(Type.String());
const StaffReview = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  status: Type.String({ description: 'invited, active or disabled' }),
  permissions: Type.Array(Type.String()),
  eventIds: Type.Union([Type.Array(Uuid), Type.Null()]),
  performanceIds: Type.Union([Type.Array(Uuid), Type.Null()]),
  refundLimit: Type.Union([Type.Integer(), Type.Null()]),
  factors: Type.Object({ totp: Type.Boolean(), passkeys: Type.Integer(), recoveryCodesLeft: Type.Integer() }),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  lastActivityAt: Type.String({ description: 'Latest of creation, last use and latest invitation: what dormancy counts from' }),
  dormantAt: Nullable(Type.String({ description: 'When the daily job disables it if unused until then' })),
  disabledReason: Nullable(Type.String()),
  flags: Flags,
});
const Disabled = Type.Object({
  type: Type.String(),
  id: Type.String(),
  name: Type.String(),
  role: Nullable(Type.String()),
  lastUsedAt: Nullable(Type.String()),
});

export const AccessReport = Type.Object({
  generatedAt: Type.String(),
  dormantDays: Type.Integer(),
  summary: Type.Object({
    staff: Type.Integer(),
    active: Type.Integer(),
    invited: Type.Integer(),
    disabled: Type.Integer(),
    owners: Type.Integer({ description: 'Active owners' }),
    apiKeys: Type.Integer({ description: 'Active keys' }),
    flagged: Type.Integer(),
  }),
  warnings: Type.Array(Type.String({ description: 'no_active_owner, single_owner, break_glass_on, break_glass_used' })),
  staff: Type.Array(StaffReview),
  apiKeys: Type.Array(Type.Object({ ...apiKeyProperties, dormantAt: Nullable(Type.String()), flags: Flags })),
  breakGlass: Type.Object({ enabled: Type.Boolean(), usesLast30Days: Type.Integer(), lastUsedAt: Nullable(Type.String()) }),
  dormantRuns: Type.Array(Type.Object({ day: Type.String(), ranAt: Type.String(), dormantDays: Type.Integer(), disabled: Type.Array(Disabled) }), {
    description: 'What the daily dormant-account job disabled, last 30 days',
  }),
});

/** The access review: the same report as `taquilla access review`. */
export const accessReviewRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/admin/access-review',
    {
      config: { permission: 'access.review' },
      schema: {
        operationId: 'getAccessReview',
        summary: 'Review who may do what in the console',
        tags: ['admin', 'accounts'],
        description:
          'Every staff account and API key with what it may do, its factors, last use and flags; the owner count; break-glass token uses in the last 30 days; and what the daily dormant-account job disabled.',
        response: { 200: AccessReport, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async () => accessReport(ctx.db, ctx.config),
  );
};

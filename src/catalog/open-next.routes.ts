import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { IdParams, PerformanceStatus, Uuid } from './catalog.schemas.js';
import { openNextPerformance } from './open-next.js';

const OpenedNext = Type.Object({
  id: Uuid,
  status: Type.Literal('on_sale'),
  previous: Type.Object({ id: Uuid, status: PerformanceStatus }),
});

export const openNextRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.post(
    '/api/admin/performances/:id/open-next',
    {
      config: { permission: 'sales.control', scope: { of: 'performance' } },
      schema: {
        operationId: 'openNextPerformance',
        summary: 'Open the next scheduled performance of the same event',
        tags: ['admin'],
        params: IdParams,
        description:
          'Opens the first scheduled performance of the same event that starts after this one. ' +
          '409 `no_next_performance` when there is none; 409 `invalid_transition` when another request opened it first.',
        response: { 200: OpenedNext, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const opened = await openNextPerformance(ctx.db, request.params.id, actorFor(request));
      ctx.availability.invalidate(opened.id);
      return { ...opened, status: 'on_sale' as const };
    },
  );
};

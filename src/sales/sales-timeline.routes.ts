import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { salesTimeline } from './sales-timeline.js';

const Timeline = Type.Object({
  points: Type.Array(
    Type.Object({
      minute: Type.String({ format: 'date-time', description: 'Start of the minute (UTC)' }),
      tickets: Type.Integer({ minimum: 0 }),
      revenue: Type.Integer({ minimum: 0, description: 'Totals of the orders paid in that minute, in minor units' }),
    }),
  ),
});

export const salesTimelineRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/admin/performances/:id/sales/timeline',
    {
      config: { permission: 'sales.read', scope: { of: 'performance' } },
      schema: {
        operationId: 'getSalesTimeline',
        summary: "Get a performance's sales per minute",
        tags: ['admin'],
        params: IdParams,
        querystring: Type.Object({ minutes: Type.Integer({ minimum: 1, maximum: 1440, default: 60 }) }),
        description:
          'Tickets and revenue of paid orders per minute of payment over the last `minutes` minutes, oldest first, ' +
          'one point per minute including the current one, zero-filled. Refunded and cancelled orders drop out.',
        response: { 200: Timeline, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => salesTimeline(ctx.db, request.params.id, request.query.minutes),
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { EventDetail, EventListItem, IdParams, PerformanceDetail } from './catalog.schemas.js';
import { eventDetail, listEvents, performanceDetail } from './catalog.service.js';

export const catalogRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get('/api/events', { schema: { tags: ['catalog'], response: { 200: Type.Array(EventListItem) } } }, async () => listEvents(ctx.db));

  app.get(
    '/api/events/:idOrSlug',
    {
      schema: { tags: ['catalog'], params: Type.Object({ idOrSlug: Type.String({ maxLength: 80 }) }), response: { 200: EventDetail, 404: ErrorResponse } },
    },
    async (request) => eventDetail(ctx.db, request.params.idOrSlug),
  );

  app.get(
    '/api/performances/:id',
    {
      schema: { tags: ['catalog'], params: IdParams, response: { 200: PerformanceDetail, 404: ErrorResponse } },
    },
    async (request) => performanceDetail(ctx.db, request.params.id),
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { EventDetail, EventListItem } from './catalog.schemas.js';
import { eventDetail, listEvents } from './catalog.service.js';

export const catalogRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get('/api/events', { schema: { tags: ['catalog'], response: { 200: Type.Array(EventListItem) } } },
    async () => listEvents(ctx.db));

  app.get('/api/events/:idOrSlug', {
    schema: { tags: ['catalog'], params: Type.Object({ idOrSlug: Type.String({ maxLength: 80 }) }), response: { 200: EventDetail, 404: ErrorResponse } },
  }, async (request) => eventDetail(ctx.db, request.params.idOrSlug));
};

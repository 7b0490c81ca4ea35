import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { adminEventList } from './catalog.admin-list.js';
import { AdminEventListItem } from './catalog.schemas.js';

export const catalogAdminListRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/admin/events',
    {
      config: { permission: 'events.read' },
      schema: {
        operationId: 'listEventsForConsole',
        summary: 'List every event with its categories and performances',
        tags: ['admin'],
        description:
          'Every event, oldest first, with its price categories and all its performances whatever their status; archived events and ' +
          'performances only with `includeArchived=true`.',
        querystring: Type.Object({ includeArchived: Type.Optional(Type.Boolean({ default: false })) }),
        response: { 200: Type.Array(AdminEventListItem), 401: ErrorResponse },
      },
    },
    // An event manager sees only their own events.
    async (request) => {
      const events = await adminEventList(ctx.db, { includeArchived: request.query.includeArchived === true });
      const mine = request.principal?.eventIds;
      return mine ? events.filter((e) => mine.includes(e.id)) : events;
    },
  );
};

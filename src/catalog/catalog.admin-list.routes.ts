import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { adminGuard } from '../platform/http/admin-auth.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { adminEventList } from './catalog.admin-list.js';
import { AdminEventListItem } from './catalog.schemas.js';

export const catalogAdminListRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.addHook('onRequest', adminGuard(ctx.config.adminToken));

  app.get(
    '/api/admin/events',
    {
      schema: {
        tags: ['admin'],
        security: [{ admin: [] }],
        description: 'Every event, oldest first, with its price categories and all its performances whatever their status.',
        response: { 200: Type.Array(AdminEventListItem), 401: ErrorResponse },
      },
    },
    async () => adminEventList(ctx.db),
  );
};

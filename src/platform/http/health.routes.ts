import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';

export const healthRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['platform'],
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.Union([Type.Literal('embedded'), Type.Literal('external')]) }) },
      },
    },
    async () => {
      try {
        await sql`SELECT 1`.execute(ctx.db);
      } catch {
        throw new AppError('database_unavailable', 503, 'The database is not answering');
      }
      return { status: 'ok' as const, database: ctx.databaseKind };
    },
  );
};

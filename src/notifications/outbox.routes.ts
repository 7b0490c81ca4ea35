import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { OutboxIdParams, OutboxListQuery, OutboxListResponse, OutboxMessageDetail, presentDetail, presentSummary } from './outbox.schemas.js';
import { getOutboxMessage, listOutbox } from './outbox.service.js';

/** The operator's view of outgoing email: without SMTP, this is where confirmations are read. */
export const outboxRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/admin/outbox',
    {
      config: { permission: 'outbox.read' },
      schema: {
        operationId: 'listOutbox',
        summary: 'List the outgoing email',
        tags: ['notifications'],
        querystring: OutboxListQuery,
        response: { 200: OutboxListResponse, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const { messages, total } = await listOutbox(ctx.db, request.query);
      return { messages: messages.map(presentSummary), total };
    },
  );

  app.get(
    '/api/admin/outbox/:id',
    {
      config: { permission: 'outbox.read' },
      schema: {
        operationId: 'getOutboxMessage',
        summary: 'Get one outgoing email with its text',
        tags: ['notifications'],
        params: OutboxIdParams,
        response: { 200: OutboxMessageDetail, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => presentDetail(await getOutboxMessage(ctx.db, request.params.id)),
  );
};

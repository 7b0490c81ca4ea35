import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { AvailabilityResponse, AvailabilityStatusResponse, HoldBody, HoldResponse, toHoldRequest } from './holds.schemas.js';
import { createHold, getHold, releaseHold } from './holds.service.js';

export const holdsRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/performances/:id/availability',
    {
      schema: { tags: ['inventory'], params: IdParams, response: { 200: AvailabilityResponse, 404: ErrorResponse } },
    },
    async (request, reply) => {
      if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
        const body = await ctx.availability.gzipped(request.params.id);
        return reply
          .header('content-encoding', 'gzip')
          .header('vary', 'accept-encoding')
          .type('application/json; charset=utf-8')
          .send(body as never); // a Buffer skips serialisation
      }
      return ctx.availability.get(request.params.id);
    },
  );

  app.get(
    '/api/performances/:id/availability/status',
    {
      schema: {
        tags: ['inventory'],
        params: IdParams,
        description: 'What a page polls: sales status, what is left per category and GA area, and the ids of seats that are held or sold.',
        response: { 200: AvailabilityStatusResponse, 404: ErrorResponse },
      },
    },
    async (request) => ctx.availability.status(request.params.id),
  );

  app.post(
    '/api/performances/:id/holds',
    {
      schema: {
        tags: ['inventory'],
        params: IdParams,
        body: HoldBody,
        headers: Type.Object({
          'x-access-token': Type.Optional(
            Type.String({ description: "From the waiting room's status answer; required while the performance's room is active" }),
          ),
        }),
        response: { 201: HoldResponse, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await ctx.waitingRoom.admitHold(request.params.id, request.headers['x-access-token']);
      const hold = await createHold(ctx.db, request.params.id, toHoldRequest(request.body), ctx.config.holdTtlSeconds);
      ctx.availability.invalidate(request.params.id);
      return reply.status(201).send(hold);
    },
  );

  app.get(
    '/api/holds/:id',
    {
      schema: { tags: ['inventory'], params: IdParams, response: { 200: HoldResponse, 404: ErrorResponse } },
    },
    async (request) => getHold(ctx.db, request.params.id),
  );

  app.delete(
    '/api/holds/:id',
    {
      schema: { tags: ['inventory'], params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } },
    },
    async (request, reply) => {
      const hold = await getHold(ctx.db, request.params.id);
      await releaseHold(ctx.db, request.params.id);
      ctx.availability.invalidate(hold.performanceId);
      return reply.status(204).send(null);
    },
  );
};

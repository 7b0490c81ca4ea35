import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { requireAccess } from '../platform/http/credentials.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { AvailabilityResponse, AvailabilityStatusResponse, HoldBody, HoldResponse, PlacedHoldResponse, toHoldRequest } from './holds.schemas.js';
import { getHold, releaseHold } from './holds.service.js';
import { placeHold } from './place-hold.js';

export const holdsRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  // A hold id is printed in addresses and logs; acting on a hold takes its token.
  const security = [{ holdAccess: [] }];
  app.get(
    '/api/performances/:id/availability',
    {
      schema: {
        operationId: 'getAvailability',
        summary: "Get a performance's seat map, prices and what is left to sell",
        tags: ['inventory'],
        security: [],
        params: IdParams,
        response: { 200: AvailabilityResponse, 404: ErrorResponse },
      },
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
        operationId: 'getAvailabilityStatus',
        summary: "Get what is left of a performance's stock",
        tags: ['inventory'],
        security: [],
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
        operationId: 'placeHold',
        summary: 'Hold seats or GA places for a few minutes',
        tags: ['inventory'],
        security: [],
        params: IdParams,
        body: HoldBody,
        headers: Type.Object({
          'x-access-token': Type.Optional(
            Type.String({ maxLength: 200, description: "From the waiting room's status answer; required while the performance's room is active" }),
          ),
          'idempotency-key': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'Any unique string per hold attempt; a retry with the same key and request returns the same hold (and holdToken)',
            }),
          ),
        }),
        response: { 201: PlacedHoldResponse, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { headers } = request;
      const hold = await placeHold(ctx, request.params.id, toHoldRequest(request.body), {
        accessToken: headers['x-access-token'],
        idempotencyKey: headers['idempotency-key'],
      });
      return reply.status(201).send(hold);
    },
  );

  app.get(
    '/api/holds/:id',
    {
      schema: {
        operationId: 'getHold',
        summary: 'Get a hold with its seats and expiry',
        tags: ['inventory'],
        params: IdParams,
        security,
        response: { 200: HoldResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      requireAccess(ctx.holdAccess, 'hold', request.params.id, request);
      return getHold(ctx.db, request.params.id);
    },
  );

  app.delete(
    '/api/holds/:id',
    {
      schema: {
        operationId: 'releaseHold',
        summary: 'Release a hold, putting its seats back on sale',
        tags: ['inventory'],
        params: IdParams,
        security,
        response: { 204: Type.Null(), 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      requireAccess(ctx.holdAccess, 'hold', request.params.id, request);
      const hold = await getHold(ctx.db, request.params.id);
      await releaseHold(ctx.db, request.params.id, 'hold_token');
      ctx.availability.invalidate(hold.performanceId);
      return reply.status(204).send(null);
    },
  );
};

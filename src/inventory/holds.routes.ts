import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { AvailabilityResponse, HoldBody, HoldResponse, toHoldRequest } from './holds.schemas.js';
import { createHold, getHold, releaseHold } from './holds.service.js';

export const holdsRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get('/api/performances/:id/availability', {
    schema: { tags: ['inventory'], params: IdParams, response: { 200: AvailabilityResponse, 404: ErrorResponse } },
  }, async (request) => ctx.availability.get(request.params.id));

  app.post('/api/performances/:id/holds', {
    schema: { tags: ['inventory'], params: IdParams, body: HoldBody, response: { 201: HoldResponse, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } },
  }, async (request, reply) => {
    const hold = await createHold(ctx.db, request.params.id, toHoldRequest(request.body), ctx.config.holdTtlSeconds);
    ctx.availability.invalidate(request.params.id);
    return reply.status(201).send(hold);
  });

  app.get('/api/holds/:id', {
    schema: { tags: ['inventory'], params: IdParams, response: { 200: HoldResponse, 404: ErrorResponse } },
  }, async (request) => getHold(ctx.db, request.params.id));

  app.delete('/api/holds/:id', {
    schema: { tags: ['inventory'], params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } },
  }, async (request, reply) => {
    const hold = await getHold(ctx.db, request.params.id);
    await releaseHold(ctx.db, request.params.id);
    ctx.availability.invalidate(hold.performanceId);
    return reply.status(204).send(null);
  });
};

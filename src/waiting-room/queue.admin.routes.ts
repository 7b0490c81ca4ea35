import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { ActionParams, Moved, RoomPatch, RoomView } from './queue.schemas.js';

export const queueAdminRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin', 'waiting-room'];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

  app.get(
    '/api/admin/performances/:id/queue',
    {
      config: { permission: 'queue.read', scope: { of: 'performance' } },
      schema: {
        operationId: 'getWaitingRoom',
        summary: "Get a performance's waiting room and its numbers",
        tags,
        params: IdParams,
        response: { 200: RoomView, ...errors },
        description:
          'The line: its bounds, length, serving counter, checkout load, admission rate, conversion and abandonment. ' +
          'A performance with an on-sale time gets its room (switched on) the first time it is asked for.',
      },
    },
    async (request) => ctx.waitingRoom.operator.view(request.params.id),
  );

  app.put(
    '/api/admin/performances/:id/queue',
    {
      config: { permission: 'queue.manage', scope: { of: 'performance' } },
      schema: {
        operationId: 'updateWaitingRoom',
        summary: 'Switch a waiting room on or off and set its bounds',
        tags,
        params: IdParams,
        body: RoomPatch,
        response: { 200: RoomView, ...errors },
        description: 'Switches the room on or off and sets its bounds. Audited as `waiting_room.updated`.',
      },
    },
    async (request) => ctx.waitingRoom.operator.update(request.params.id, request.body, actorFor(request)),
  );

  app.post(
    '/api/admin/performances/:id/queue/move-to-next',
    {
      config: { permission: 'queue.manage', scope: { of: 'performance' } },
      schema: {
        operationId: 'moveQueueToNextPerformance',
        summary: 'Move the waiting line to the next performance',
        tags,
        params: IdParams,
        response: { 200: Moved, ...errors },
        description:
          'Opens the next scheduled performance of the event and moves everyone still waiting into its room, in the same ' +
          'order; their tickets keep working. 409 `no_next_performance`, `already_moved`. Audited as `waiting_room.moved`.',
      },
    },
    async (request) => {
      const moved = await ctx.waitingRoom.operator.moveToNext(request.params.id, actorFor(request));
      ctx.availability.invalidate(moved.to);
      return moved;
    },
  );

  app.post(
    '/api/admin/performances/:id/queue/:action',
    {
      config: { permission: 'queue.manage', scope: { of: 'performance' } },
      schema: {
        operationId: 'changeWaitingRoomState',
        summary: 'Pause, resume or close a waiting room',
        tags,
        params: ActionParams,
        response: { 200: RoomView, ...errors },
        description: 'pause (admissions stop; fans keep their places), resume, close (the line ends). 409 `invalid_transition`.',
      },
    },
    async (request) => ctx.waitingRoom.operator.act(request.params.id, request.params.action, actorFor(request)),
  );
};

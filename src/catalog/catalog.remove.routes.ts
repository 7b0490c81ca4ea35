import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { IdParams, Uuid } from './catalog.schemas.js';
import {
  archiveEvent,
  archivePerformance,
  archiveVenue,
  cancelPerformance,
  deleteEvent,
  deletePerformance,
  deleteVenue,
  unarchive,
} from './catalog.remove.service.js';

const Archived = Type.Object({ id: Uuid, status: Type.Optional(Type.String()), archivedAt: Type.Union([Type.String(), Type.Null()]) });
const Cancelled = Type.Object({
  id: Uuid,
  status: Type.Literal('cancelled'),
  releasedHolds: Type.Integer({ description: 'running holds released (an unpaid order on one is cancelled)' }),
  paidOrders: Type.Integer({ description: 'paid orders left to refund' }),
  refunded: Type.Integer(),
  refundFailures: Type.Array(Type.Object({ orderId: Uuid, code: Type.String(), message: Type.String() }), { description: 'the first 100' }),
});

/** Refunding every buyer is `orders.refund` on top of `sales.control`, with a second factor shown in the last five minutes. */
function checkMassRefund(request: FastifyRequest): void {
  const principal = request.principal!;
  if (!principal.permissions.has('orders.refund')) {
    throw new AppError('forbidden', 403, 'Refunding the buyers needs orders.refund as well', { permission: 'orders.refund' });
  }
  if (principal.kind === 'staff' && Date.now() - (principal.secondFactorAt?.getTime() ?? 0) > 5 * 60_000) {
    throw new AppError('sudo_required', 403, 'Refunding every buyer needs your second factor again (POST /api/auth/staff/sudo)', {
      permission: 'orders.refund',
    });
  }
}

export const catalogRemoveRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const errors = { 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
  const deleted = { 204: Type.Null(), ...errors };

  app.delete(
    '/api/admin/performances/:id',
    {
      config: { permission: 'events.write', scope: { of: 'performance' } },
      schema: {
        operationId: 'deletePerformance',
        summary: 'Delete a performance that never sold',
        tags: ['admin'],
        params: IdParams,
        response: deleted,
        description:
          'Deletes a performance no order was ever made for and nobody holds tickets of, with its stock and waiting room. 409 ' +
          '`performance_has_orders` (cancel or archive it instead) or `performance_has_holds` names the count. Audited.',
      },
    },
    async (request, reply) => {
      await deletePerformance(ctx, request.params.id, actorFor(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/admin/events/:id',
    {
      config: { permission: 'events.write', scope: { of: 'event' } },
      schema: {
        operationId: 'deleteEvent',
        summary: 'Delete an event that never sold',
        tags: ['admin'],
        params: IdParams,
        response: deleted,
        description:
          'Deletes an event, its price categories and its performances while none of them ever had an order or has a running hold ' +
          '(409 `event_has_orders` or `event_has_holds` otherwise: archive it instead). Audited.',
      },
    },
    async (request, reply) => {
      await deleteEvent(ctx.db, request.params.id, actorFor(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/admin/venues/:id',
    {
      config: { permission: 'venues.write' },
      schema: {
        operationId: 'deleteVenue',
        summary: 'Delete a venue no performance uses',
        tags: ['admin'],
        params: IdParams,
        response: deleted,
        description: 'Deletes a venue and its seat map while no performance is at it (409 `venue_in_use` names how many). Audited.',
      },
    },
    async (request, reply) => {
      await deleteVenue(ctx.db, request.params.id, actorFor(request));
      return reply.status(204).send(null);
    },
  );

  for (const what of ['performance', 'event', 'venue'] as const) {
    const What = `${what[0]!.toUpperCase()}${what.slice(1)}`;
    const config: { permission: 'venues.write' | 'events.write'; scope?: { of: 'event' | 'performance' } } =
      what === 'venue' ? { permission: 'venues.write' } : { permission: 'events.write', scope: { of: what } };
    app.post(
      `/api/admin/${what}s/:id/archive`,
      {
        config,
        schema: {
          operationId: `archive${What}`,
          summary: `Archive ${what === 'event' ? 'an' : 'a'} ${what}`,
          tags: ['admin'],
          params: IdParams,
          response: { 200: Archived, ...errors },
          description: {
            performance:
              'Hides a performance from the public pages and the console\u2019s default lists, keeping its orders. Allowed while ' +
              'nothing is sold and nobody holds tickets (a performance still selling is closed), or once its sales are over ' +
              '(closed or cancelled); 409 `performance_has_sales` or `performance_has_holds` otherwise. Audited.',
            event: 'Archives an event and each of its performances under the performance\u2019s rule (all or none). Hidden from the public. Audited.',
            venue: 'Hides a venue from the console\u2019s default list once no performance there is selling (409 `venue_in_use`). Audited.',
          }[what],
        },
      },
      async (request) => {
        const actor = actorFor(request);
        if (what === 'performance') return archivePerformance(ctx, request.params.id, actor);
        if (what === 'event') return archiveEvent(ctx, request.params.id, actor);
        return archiveVenue(ctx.db, request.params.id, actor);
      },
    );
    app.post(
      `/api/admin/${what}s/:id/unarchive`,
      {
        config,
        schema: {
          operationId: `unarchive${What}`,
          summary: `Bring back an archived ${what}`,
          tags: ['admin'],
          params: IdParams,
          response: { 200: Archived, ...errors },
          description: `Shows the ${what} again${what === 'performance' ? ' (a performance archived while selling stays closed: open it by hand)' : ''}. Audited.`,
        },
      },
      async (request) => unarchive(ctx.db, what, request.params.id, actorFor(request)),
    );
  }

  app.post(
    '/api/admin/performances/:id/cancel',
    {
      config: { permission: 'sales.control', scope: { of: 'performance' } },
      // The body is optional: a bare POST cancels without refunds.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        operationId: 'cancelPerformance',
        summary: 'Cancel a performance, refunding its paid orders if asked',
        tags: ['admin'],
        params: IdParams,
        body: Type.Object({ refund: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        response: { 200: Cancelled, ...errors },
        description:
          'Cancels a performance for good: sales close, running holds are released (their unpaid orders cancelled). With ' +
          '`refund: true` (needs orders.refund too, and a second factor in the last five minutes) every paid order is ' +
          'refunded through its provider, each on its own, and its tickets voided; without it the paid orders are left to ' +
          'refund and counted (GET /api/admin/orders?performanceId=&status=paid lists them). Cancelling again with refund ' +
          'refunds what is left; 409 `invalid_transition` without it. Audited.',
      },
    },
    async (request) => {
      const refund = request.body.refund === true;
      if (refund) checkMassRefund(request);
      return cancelPerformance(ctx, request.params.id, { refund }, actorFor(request));
    },
  );
};

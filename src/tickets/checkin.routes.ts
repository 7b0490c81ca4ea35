import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { checkIn } from './tickets.service.js';

const CheckInResponse = Type.Object({
  result: Type.String({ description: 'admitted, already_used or invalid' }),
  reason: Type.Optional(Type.String()),
  firstScanAt: Type.Optional(Type.String()),
  ticket: Type.Optional(Type.Object({ id: Type.String(), label: Type.String(), categoryName: Type.String(), performanceId: Type.String() })),
});

export const checkinRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  // A door credential: a staff session with checkin.scan (the door role) or a scanner key. A
  // credential bound to performances admits only their tickets.
  app.post(
    '/api/checkin',
    {
      config: { permission: 'checkin.scan' },
      schema: {
        operationId: 'checkIn',
        summary: 'Admit a ticket at the door',
        tags: ['tickets'],
        description:
          'Admits a ticket once. Needs a door credential (`checkin.scan`: a door session or a scanner key); a credential bound to performances admits only their tickets, answering others `invalid` / `wrong_performance`.',
        body: Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 512 }),
            performanceId: Type.Optional(Type.String({ format: 'uuid', description: 'The performance this door admits; tickets for any other are refused' })),
          },
          { additionalProperties: false },
        ),
        // 400 is either a refused code or a malformed request.
        response: { 200: CheckInResponse, 400: Type.Union([CheckInResponse, ErrorResponse]), 409: CheckInResponse },
      },
    },
    async (request, reply) => {
      const outcome = await checkIn(ctx.db, ctx.tickets, request.body.code, request.body.performanceId, request.principal?.performanceIds ?? null);
      const status = outcome.result === 'admitted' ? 200 : outcome.result === 'already_used' ? 409 : 400;
      return reply.status(status).send(outcome);
    },
  );

  // Public keys for scanners that verify codes offline: public on purpose (they only verify).
  app.get(
    '/api/tickets/keys',
    {
      schema: {
        operationId: 'listTicketKeys',
        summary: 'List the public keys that verify ticket codes',
        tags: ['tickets'],
        security: [],
        response: { 200: Type.Object({ keys: Type.Array(Type.Object({ kid: Type.String(), algorithm: Type.String(), publicKey: Type.String() })) }) },
      },
    },
    async () => ({ keys: ctx.tickets.publicKeys() }),
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { preferredLanguage } from './performance-labels.js';
import { Fairness, Joined, QueueKeyHeaders, Status, Summary, SummaryQuery } from './queue.schemas.js';

export const queueRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['waiting-room'];
  // The store is unreachable (Redis down): 503 queue_unavailable, and when to ask again.
  app.post(
    '/api/performances/:id/queue',
    {
      schema: {
        operationId: 'joinQueue',
        summary: "Join a performance's waiting line",
        tags,
        security: [],
        params: IdParams,
        headers: QueueKeyHeaders,
        description:
          'Joins the line. The same X-Queue-Key (optional) gets the same ticket back while it is live; without one, the ticket ' +
          'itself is the identity and each join is a new place. Before the on-sale time the ' +
          'ticket is in the pre-queue (`pre_queue`), whose places are drawn at opening. 409 `no_waiting_room` when the performance ' +
          'sells without one; 409 `queue_closed` when the room is closed or sold out.',
        response: { 201: Joined, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await ctx.waitingRoom.join(request.params.id, request.headers['x-queue-key'])),
  );

  app.get(
    '/api/queue/status',
    {
      schema: {
        // The Authorization header is not schema-validated here: the service refuses anything that
        // is not a genuine ticket with 401, and this is the hottest route of an on-sale.
        operationId: 'getQueueStatus',
        summary: 'Get your place in the waiting line',
        tags,
        security: [{ queueTicket: [] }],
        description:
          "A fan's place, with header `Authorization: Queue <queueTicket>`. Answered from memory, without the database. " +
          'When admitted, `accessToken` is what hold creation needs. 401 `invalid_queue_ticket` for a forged or altered ticket.',
        response: { 200: Status, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return ctx.waitingRoom.status(request.headers.authorization);
    },
  );

  app.get(
    '/api/performances/:id/queue/summary',
    {
      schema: {
        operationId: 'getQueueSummary',
        summary: 'Get what everyone in a waiting line shares',
        tags,
        security: [],
        params: IdParams,
        querystring: SummaryQuery,
        description:
          'What every fan in the line shares, and what the line is for (event, start, venue and its time zone); cacheable for 2 ' +
          'seconds. The title is in `lang` when given, else in the best language of Accept-Language, when the event has it.',
        response: { 200: Summary, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { lang } = request.query;
      const summary = await ctx.waitingRoom.summary(request.params.id, lang ?? preferredLanguage(request.headers['accept-language']));
      reply.header('cache-control', 'public, max-age=2');
      if (!lang) reply.header('vary', 'accept-language');
      return summary;
    },
  );

  app.get(
    '/api/performances/:id/queue/fairness',
    {
      schema: {
        operationId: 'getQueueFairness',
        summary: "Get the proof of the pre-queue's draw",
        tags,
        security: [],
        params: IdParams,
        description:
          "The pre-queue draw's proof: before opening the commitment (hex sha256 of the seed); after it the seed, " +
          "when it was drawn and how many entered. Rank = HMAC-SHA256(key: the seed's bytes, message: the ticketId's hex), lowest first.",
        response: { 200: Fairness, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const fairness = await ctx.waitingRoom.fairness(request.params.id);
      reply.header('cache-control', 'public, max-age=5');
      return fairness;
    },
  );
};

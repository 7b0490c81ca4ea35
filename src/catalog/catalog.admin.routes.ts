import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { listVenues } from './catalog.repository.js';
import { AdminEventDetail, EventInput, IdParams, PerformanceInput, PerformanceStatus, Uuid, VenueDetail, VenueInput } from './catalog.schemas.js';
import { adminEventDetail, createEvent, createVenue, eventDetail, venueDetail } from './catalog.service.js';
import { changeSalesStatus, createPerformance } from './performances.service.js';

const Created = Type.Object({ id: Uuid }, { additionalProperties: true });
const VenueList = Type.Object({
  venues: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      timeZone: Type.String(),
      archivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      seatCount: Type.Integer(),
      gaCapacity: Type.Integer({ description: 'The standing places of all its GA areas' }),
    }),
  ),
});

export const catalogAdminRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

  app.post(
    '/api/admin/venues',
    {
      bodyLimit: 16 * 1024 * 1024,
      config: { permission: 'venues.write' },
      schema: {
        operationId: 'createVenue',
        summary: 'Create a venue with its seat map',
        tags: ['admin'],
        body: VenueInput,
        response: { 201: Created, ...errors },
        description:
          'A venue with its seat map. timeZone is an IANA zone (default UTC): the dates of its performances are shown in it ' +
          'everywhere; 400 `invalid_time_zone` names the field otherwise.',
      },
    },
    async (request, reply) => reply.status(201).send(await createVenue(ctx.db, request.body, actorFor(request))),
  );

  app.get(
    '/api/admin/venues',
    {
      config: { permission: 'venues.read' },
      schema: {
        operationId: 'listVenues',
        summary: 'List the venues',
        tags: ['admin'],
        description: 'Every venue, oldest first; archived ones (with their archivedAt) only with `includeArchived=true`.',
        querystring: Type.Object({ includeArchived: Type.Optional(Type.Boolean({ default: false })) }),
        response: { 200: VenueList },
      },
    },
    async (request) => ({
      venues: (await listVenues(ctx.db))
        .filter((v) => request.query.includeArchived === true || v.archivedAt === null)
        .map((v) => ({ ...v, archivedAt: v.archivedAt?.toISOString() ?? null, seatCount: v.seatCount ?? 0, gaCapacity: v.gaCapacity ?? 0 })),
    }),
  );

  app.get(
    '/api/admin/venues/:id',
    {
      config: { permission: 'venues.read' },
      schema: {
        operationId: 'getVenue',
        summary: 'Get a venue with its seat map',
        tags: ['admin'],
        params: IdParams,
        response: { 200: VenueDetail, 404: ErrorResponse },
      },
    },
    async (request) => venueDetail(ctx.db, request.params.id),
  );

  // A new event is not yet anyone's: creating one is for roles not limited to some events.
  app.post(
    '/api/admin/events',
    {
      config: { permission: 'events.write', scope: { of: 'unscoped' } },
      schema: {
        operationId: 'createEvent',
        summary: 'Create an event with its price categories',
        tags: ['admin'],
        body: EventInput,
        response: { 201: Created, ...errors },
        description:
          'title and description are in defaultLanguage (en, es, fr, nl or nb; default en); translations gives them in other ' +
          'languages (`{"es": {"title": "...", "description": "..."}}`): fans read their language where given, else the default.',
      },
    },
    async (request, reply) => reply.status(201).send(await createEvent(ctx.db, request.body, actorFor(request))),
  );

  app.get(
    '/api/admin/events/:id',
    {
      config: { permission: 'events.read', scope: { of: 'event' } },
      schema: {
        operationId: 'getEventForEditing',
        summary: 'Get an event as the console edits it',
        tags: ['admin'],
        params: IdParams,
        response: { 200: AdminEventDetail, 401: ErrorResponse, 404: ErrorResponse },
        description:
          'An event as the operator sees and edits it: texts in the default language and every translation, limits and producers, and its performances, archived ones too, with when each was archived.',
      },
    },
    async (request) => {
      const [detail, edited] = await Promise.all([
        eventDetail(ctx.db, request.params.id, null, { includeArchived: true }),
        adminEventDetail(ctx.db, request.params.id),
      ]);
      return { ...detail, ...edited };
    },
  );

  app.post(
    '/api/admin/events/:id/performances',
    {
      bodyLimit: 16 * 1024 * 1024,
      config: { permission: 'events.write', scope: { of: 'event' } },
      schema: {
        operationId: 'createPerformance',
        summary: 'Schedule a performance of an event',
        tags: ['admin'],
        params: IdParams,
        body: PerformanceInput,
        response: { 201: Created, ...errors },
        description:
          'Creates a `scheduled` performance. With onSaleAt it opens by itself at that time (and gets a waiting room); with ' +
          'offSaleAt it closes by itself then. 400 `invalid_dates` names the field: doorsAt and onSaleAt must not be after ' +
          'startsAt, offSaleAt must be after onSaleAt.',
      },
    },
    async (request, reply) => reply.status(201).send(await createPerformance(ctx.db, request.params.id, request.body, actorFor(request))),
  );

  app.post(
    '/api/admin/performances/:id/:action',
    {
      config: { permission: 'sales.control', scope: { of: 'performance' } },
      schema: {
        operationId: 'changeSalesStatus',
        summary: "Open, pause, resume or close a performance's sales",
        tags: ['admin'],
        description:
          'Sales controls: open (scheduled to on_sale), pause, resume, close. Sales also open by themselves at the ' +
          "performance's onSaleAt and close at its offSaleAt, audited with the same action codes and actor `system`; " +
          'opening by hand before the on-sale time puts the performance on sale, and its waiting room still draws the ' +
          'pre-queue at the on-sale time. A pause or resume while a ddos or script_compromise incident is open goes on its ' +
          "timeline, and the event's producerEmails and its venue's contactEmails are emailed once per incident.",
        params: Type.Object({ id: Uuid, action: Type.Union([Type.Literal('open'), Type.Literal('pause'), Type.Literal('resume'), Type.Literal('close')]) }),
        response: { 200: Type.Object({ id: Uuid, status: PerformanceStatus }), ...errors },
      },
    },
    async (request) => {
      const result = await changeSalesStatus(ctx.db, request.params.id, request.params.action, actorFor(request), {
        securityContact: ctx.config.alertEmails[0],
      });
      ctx.availability.invalidate(request.params.id);
      return result;
    },
  );
};

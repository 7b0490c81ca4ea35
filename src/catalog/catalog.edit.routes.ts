import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import {
  EventEdited,
  EventPatch,
  IdParams,
  PerformanceEdited,
  PerformancePatch,
  PriceCategoryEdited,
  PriceCategoryPatch,
  VenueEdited,
  VenuePatch,
} from './catalog.schemas.js';
import { updateEvent, updatePerformance, updatePriceCategory, updateVenue } from './catalog.edit.service.js';

export const catalogEditRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

  app.patch(
    '/api/admin/events/:id',
    {
      config: { permission: 'events.write', scope: { of: 'event' } },
      schema: {
        operationId: 'updateEvent',
        summary: "Change an event's texts, limits or producers",
        tags: ['admin'],
        params: IdParams,
        body: EventPatch,
        response: { 200: EventEdited, ...errors },
        description:
          "Changes the title, description (in the defaultLanguage), defaultLanguage, translations (other languages' " +
          'title and description, replaced whole; one for the default language is a 400 `translation_is_default`), ' +
          'maxTicketsPerOrder (checked on holds made afterwards), or maxTicketsPerCustomer ' +
          '(checked on orders made afterwards; null removes the limit), or producerEmails (up to 10, replaced whole: told when ' +
          'an incident pauses or resumes the sale, or their buyers are in its scope). ' +
          'At least one field; audited as `catalog.event.updated` with the changed fields.',
      },
    },
    async (request) => updateEvent(ctx.db, request.params.id, request.body, actorFor(request)),
  );

  app.patch(
    '/api/admin/venues/:id',
    {
      config: { permission: 'venues.write' },
      schema: {
        operationId: 'updateVenue',
        summary: 'Rename a venue, or change its time zone or contacts',
        tags: ['admin'],
        params: IdParams,
        body: VenuePatch,
        response: { 200: VenueEdited, ...errors },
        description:
          'Renames a venue, sets its timeZone (IANA, e.g. America/Puerto_Rico; 400 `invalid_time_zone` otherwise; ' +
          'performances keep their instant and are shown in the new zone), or replaces its contactEmails (up to 10: told when an incident pauses or resumes the sale of an event ' +
          'there, or its buyers are in its scope). The seat map does not change. Audited as `catalog.venue.updated`.',
      },
    },
    async (request) => updateVenue(ctx.db, request.params.id, request.body, actorFor(request)),
  );

  app.patch(
    '/api/admin/performances/:id',
    {
      config: { permission: 'events.write', scope: { of: 'performance' } },
      schema: {
        operationId: 'updatePerformance',
        summary: "Move a performance's start, doors or sales times",
        tags: ['admin'],
        params: IdParams,
        body: PerformancePatch,
        response: { 200: PerformanceEdited, ...errors },
        description:
          'Moves startsAt, doorsAt, onSaleAt or offSaleAt (`null` clears the last three). doorsAt and onSaleAt must not be ' +
          'after startsAt, and offSaleAt must be after onSaleAt: 400 `invalid_dates` names the field. Sales open by themselves ' +
          'at onSaleAt (a `scheduled` performance, within a second) and close at offSaleAt (one `on_sale`, `paused` or ' +
          '`sold_out`), so moving either time into the past opens or closes sales now. Buyers are not notified. ' +
          'Audited as `catalog.performance.updated`.',
      },
    },
    async (request) => updatePerformance(ctx.db, request.params.id, request.body, actorFor(request)),
  );

  app.patch(
    '/api/admin/price-categories/:id',
    {
      config: { permission: 'events.write', scope: { of: 'price_category' } },
      schema: {
        operationId: 'updatePriceCategory',
        summary: 'Rename a price category or change its price',
        tags: ['admin'],
        params: IdParams,
        body: PriceCategoryPatch,
        response: { 200: PriceCategoryEdited, ...errors, 409: ErrorResponse },
        description:
          'Renames a price category or changes its price (minor units). Orders keep the total they were created with ' +
          'and issued tickets keep their price. Holds store no price: an open hold shows the new price, and an order made ' +
          'from it afterwards is charged the new price. An order created before the change but paid after it is charged its ' +
          'old total while its tickets are issued at the new price. 409 `duplicate` when the event has a category with that name. ' +
          'Audited as `catalog.price_category.updated`.',
      },
    },
    async (request) => updatePriceCategory(ctx.db, request.params.id, request.body, actorFor(request)),
  );
};

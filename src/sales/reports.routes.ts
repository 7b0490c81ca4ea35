import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { CsvFile, ErrorResponse } from '../platform/http/schemas.js';
import { exportAttendees, exportOrders, type CsvExport } from './orders-export.js';
import { eventSalesBreakdown, performanceSalesBreakdown } from './reports.js';
import { EventSalesBreakdown, OrderFilterQuery, PerformanceSalesBreakdown } from './reports.schemas.js';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';

/** Sends an export as a download; X-Total-Rows (data rows, without the header) lets a reader show progress. */
function sendCsv(reply: FastifyReply, file: string, csv: CsvExport) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file}"`)
    .header('cache-control', 'no-store')
    .header('x-total-rows', String(csv.total))
    .send(csv.stream);
}

export const reportsRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  app.get(
    '/api/admin/performances/:id/sales/breakdown',
    {
      config: { permission: 'sales.read', scope: { of: 'performance' } },
      schema: {
        operationId: 'getPerformanceSalesBreakdown',
        summary: "Break a performance's sales down by price category and channel",
        tags: ['admin'],
        params: IdParams,
        description:
          'Tickets and revenue of one performance per price category (every category of the event, sold or not) and per channel ' +
          'and payment method. Sold means a valid ticket of a paid order; complimentary tickets (channel `comp`) are counted apart, at no revenue.',
        response: { 200: PerformanceSalesBreakdown, ...errors },
      },
    },
    async (request) => performanceSalesBreakdown(ctx.db, request.params.id),
  );

  app.get(
    '/api/admin/events/:id/sales/breakdown',
    {
      config: { permission: 'sales.read', scope: { of: 'event' } },
      schema: {
        operationId: 'getEventSalesBreakdown',
        summary: "Break an event's sales down by performance, price category and channel",
        tags: ['admin'],
        params: IdParams,
        description: 'The same breakdown over every performance of an event, with a line per performance.',
        response: { 200: EventSalesBreakdown, ...errors },
      },
    },
    async (request) => eventSalesBreakdown(ctx.db, request.params.id),
  );

  app.get(
    '/api/admin/orders.csv',
    {
      // An event manager exports within one of their performances.
      config: { permission: 'orders.read', scope: { of: 'performance', param: 'query:performanceId', required: true } },
      schema: {
        operationId: 'exportOrders',
        summary: 'Export the orders as CSV',
        tags: ['admin'],
        querystring: Type.Object(OrderFilterQuery),
        description:
          'The orders the list\u2019s filters select, oldest first, as CSV (UTF-8 with a byte order mark, RFC 4180; a text cell ' +
          'starting with = + - @ or a tab is prefixed with an apostrophe). Streamed; X-Total-Rows gives the number of rows. ' +
          'Audited as `sales.orders.exported` with the filters and the row count.',
        response: { 200: CsvFile('The orders, one row each'), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const csv = await exportOrders(ctx.db, request.query, { actor: actorFor(request), ip: request.ip });
      const scope = request.query.performanceId ? `performance-${request.query.performanceId.slice(0, 8)}` : 'all';
      return sendCsv(reply, `orders-${scope}.csv`, csv);
    },
  );

  app.get(
    '/api/admin/performances/:id/attendees.csv',
    {
      config: { permission: 'orders.read', scope: { of: 'performance' } },
      schema: {
        operationId: 'exportAttendees',
        summary: "Export a performance's attendees as CSV",
        tags: ['admin'],
        params: IdParams,
        description:
          'One row per valid ticket of a paid order (the door list and the promoter\u2019s): buyer name and email, seat or GA area, ' +
          'price category, channel, ticket status and check-in time. The ticket\u2019s signed code is not in it: the file is a list ' +
          'of people, not a set of admissions. CSV as the orders export; audited as `sales.attendees.exported`.',
        response: { 200: CsvFile('The attendees, one row per valid ticket'), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const csv = await exportAttendees(ctx.db, request.params.id, { actor: actorFor(request), ip: request.ip });
      return sendCsv(reply, `attendees-${request.params.id.slice(0, 8)}.csv`, csv);
    },
  );
};

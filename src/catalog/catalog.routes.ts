import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { EventDetail, EventListItem, IdParams, LangQuery, PerformanceDetail } from './catalog.schemas.js';
import { eventDetail, listEvents, performanceDetail } from './catalog.service.js';
import { requestedLanguage } from './event-texts.js';

/**
 * Event titles and descriptions come in the language asked for (`?lang=`, else Accept-Language)
 * where the operator wrote one, else in the event's default language; `language` says which.
 * Every performance names its venue's time zone: pages show its dates in the venue's time.
 */
export const catalogRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const language = (request: { query: { lang?: string }; headers: Record<string, string | string[] | undefined> }) =>
    requestedLanguage(request.query.lang, typeof request.headers['accept-language'] === 'string' ? request.headers['accept-language'] : undefined);

  app.get(
    '/api/events',
    {
      schema: {
        operationId: 'listEvents',
        summary: 'List the public events with their performances',
        tags: ['catalog'],
        security: [],
        querystring: LangQuery,
        response: { 200: Type.Array(EventListItem) },
      },
    },
    async (request) => listEvents(ctx.db, language(request)),
  );

  app.get(
    '/api/events/:idOrSlug',
    {
      schema: {
        operationId: 'getEvent',
        summary: 'Get an event by its id or slug',
        tags: ['catalog'],
        security: [],
        params: Type.Object({ idOrSlug: Type.String({ maxLength: 80 }) }),
        querystring: LangQuery,
        response: { 200: EventDetail, 404: ErrorResponse },
      },
    },
    async (request) => eventDetail(ctx.db, request.params.idOrSlug, language(request)),
  );

  app.get(
    '/api/performances/:id',
    {
      schema: {
        operationId: 'getPerformance',
        summary: 'Get a performance with its event and venue',
        tags: ['catalog'],
        security: [],
        params: IdParams,
        querystring: LangQuery,
        response: { 200: PerformanceDetail, 404: ErrorResponse },
      },
    },
    async (request) => performanceDetail(ctx.db, request.params.id, language(request)),
  );
};

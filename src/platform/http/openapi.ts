import swagger from '@fastify/swagger';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { CUSTOMER_COOKIE } from '../../accounts/customer-sessions.js';
import { STAFF_COOKIE } from './permission-guard.js';
import { ErrorResponse } from './schemas.js';

const refusal = (description: string) => Type.Object(ErrorResponse.properties, { description });

/**
 * What every operator route answers besides its own responses: the permission guard takes a
 * bearer credential or the console's session on each of them (whatever the route's schema says),
 * and refuses with 401 or 403 before the route runs.
 */
const OPERATOR_SECURITY: Record<string, string[]>[] = [{ admin: [] }, { staffSession: [] }];
const OPERATOR_REFUSALS = {
  401: refusal('No credential, or one that is not valid (`unauthorized`)'),
  403: refusal(
    'The credential may not do this (`forbidden`, naming the permission), needs a fresh second factor (`sudo_required`), or a cookie came from another site',
  ),
};
/** The shield gates every request by the client's address, whatever the route. */
const RATE_LIMITED = refusal('Too many requests from this address (`rate_limited`); Retry-After says when to try again');

/**
 * Adds to the document what is true of routes by where they sit rather than by their schema:
 * operator routes' credentials and refusals, and the shield's 429. Only the document changes;
 * the routes' own schemas (and so what they serialise) stay as written.
 */
export function documentedSchema(schema: FastifySchema | undefined, route: Pick<RouteOptions, 'config'>): FastifySchema | undefined {
  if (!schema) return schema;
  const own = (schema.response ?? {}) as Record<string, unknown>;
  const operator = Boolean(route.config?.permission);
  const response = { ...(operator ? OPERATOR_REFUSALS : {}), 429: RATE_LIMITED, ...own };
  return { ...schema, response, ...(operator ? { security: OPERATOR_SECURITY } : {}) };
}

/** What an error answer without a description of its own means, by status. */
const ERROR_MEANING: Record<string, string> = {
  400: 'The request is not valid (`error.code` says how; `error.field` names the field where there is one)',
  401: 'A credential is missing or not valid',
  402: 'The payment was declined',
  403: 'Refused to this credential or origin',
  404: 'Not found',
  409: 'The state of what it acts on does not allow it now',
  413: 'The body is too large',
  415: 'The body is not of a type this route takes',
  429: 'Too many requests; Retry-After says when to try again',
  503: 'Unavailable for now; Retry-After says when to try again',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** JSON with sorted keys and no `description`, to tell equal schemas whatever their wording. */
const canonical = (value: Json): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value && typeof value === 'object'
      ? `{${Object.keys(value)
          .filter((k) => k !== 'description')
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`)
          .join(',')}}`
      : JSON.stringify(value);

interface Document {
  paths?: Record<string, Record<string, { responses?: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }> }>>;
  components?: { schemas?: Record<string, Json> };
}

/**
 * Every route answers errors in one shape: the document names it once, as
 * `components.schemas.ErrorResponse`, and says what each error status means where the route does not.
 */
export function shareErrorSchema<T>(document: T): T {
  const doc = document as Document;
  const error = JSON.parse(JSON.stringify(ErrorResponse)) as { [key: string]: Json };
  const shape = canonical(error);
  let shared = false;
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = response.content?.['application/json'];
        if (!media?.schema || !/^[45]/.test(status) || canonical(media.schema) !== shape) continue;
        shared = true;
        // New objects: the ones in the document may be the routes' own schemas.
        response.content = { ...response.content, 'application/json': { ...media, schema: { $ref: '#/components/schemas/ErrorResponse' } } };
        if (response.description === 'Default Response') response.description = ERROR_MEANING[status] ?? 'An error';
      }
    }
  }
  if (shared)
    doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ErrorResponse: { ...error, description: 'The body of every error' } } };
  return document;
}

/** OpenAPI generated from the route schemas, served at /api/openapi.json. */
export async function registerOpenApi(app: FastifyInstance, options: { baseUrl: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Taquilla API',
        version: '0.1.0',
        description: 'The box office HTTP API: catalog, holds, checkout, tickets, check-in, operator routes.',
        license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
      },
      servers: [{ url: options.baseUrl.replace(/\/$/, ''), description: 'This box office (its BASE_URL)' }],
      components: {
        securitySchemes: {
          admin: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (`tqk_...`, made in the console) or the break-glass TAQUILLA_ADMIN_TOKEN',
          },
          staffSession: {
            type: 'apiKey',
            in: 'cookie',
            name: STAFF_COOKIE,
            description: "The console's session, set by signing in at /api/auth/staff; state-changing requests must come from the console's origin",
          },
          customerSession: {
            type: 'apiKey',
            in: 'cookie',
            name: CUSTOMER_COOKIE,
            description: "A fan's account session, set by signing in at /api/account; state-changing requests must come from our own pages",
          },
          orderAccess: { type: 'http', scheme: 'bearer', description: 'The accessToken returned when the order was created' },
          holdAccess: { type: 'http', scheme: 'bearer', description: 'The holdToken returned when the hold was made' },
          queueTicket: {
            type: 'http',
            scheme: 'Queue',
            description: "The waiting room's signed queue ticket, from joining the line: `Authorization: Queue <queueTicket>`",
          },
        },
      },
    },
    transform: ({ schema, url, route }) => ({ schema: documentedSchema(schema, route) as never, url }),
    transformObject: (document) => ('openapiObject' in document ? shareErrorSchema(document.openapiObject) : document.swaggerObject),
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';
import type { AppContext } from '../platform/context.js';
import { audit } from '../platform/audit.js';
import { badRequest, notFound } from '../platform/errors.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { CsvFile, ErrorResponse } from '../platform/http/schemas.js';
import { completeScope, createScope, scopeCsv, type ScopeCriteria } from './incident-scopes.js';
import { getScope, listScopes } from './incident-scopes.repository.js';
import { addIncidentEvent, createIncident, getIncident, updateIncident } from './incidents.repository.js';
import { Incident, IncidentCategory, IncidentSeverity, IncidentStatus } from './incidents.schemas.js';
import { notifyStakeholders } from './incident-stakeholders.js';
import { regulatorDraft } from './regulator-draft.js';

const Uuid = Type.String({ format: 'uuid' });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const ids = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, description }));

const ScopeBody = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'checkout attempts at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'checkout attempts before' })),
    buildIds: ids('front-end builds the checkout page ran (the page\u2019s build or the server\u2019s)'),
    scriptHashes: ids('sha384 of a script: every registered build that served it'),
    performanceIds: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
    eventIds: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
    storefronts: ids('channels (`web`, a partner\u2019s storefront)'),
    pageClasses: Type.Optional(
      Type.Array(Type.Union([Type.Literal('payment'), Type.Literal('account'), Type.Literal('buyer'), Type.Literal('queue'), Type.Literal('operator')]), {
        maxItems: 5,
      }),
    ),
    signedIn: Type.Optional(
      Type.Object(
        {
          addresses: Type.Optional(
            Type.Array(Type.String({ pattern: '^[0-9a-fA-F:.]+(/[0-9]{1,3})?$', maxLength: 50 }), { maxItems: 200, description: 'IPs or CIDR ranges' }),
          ),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { additionalProperties: false, minProperties: 1, description: 'customers whose accounts signed in from these addresses and/or in this window' },
      ),
    ),
    staffActions: Type.Optional(
      Type.Object(
        {
          actors: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50, description: 'audit actors: staff ids, key ids' })),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { additionalProperties: false, minProperties: 1, description: 'buyers and customers these staff acted on (audit log)' },
      ),
    ),
  },
  { additionalProperties: false },
);

const Scope = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  criteria: Type.Record(Type.String(), Type.Unknown()),
  people: Type.Integer({ description: 'distinct buyer emails' }),
  checkoutAttempts: Type.Integer(),
  shareOfCustomers: Type.Number({ description: 'people / everyone who ever bought or tried to' }),
  allPeople: Type.Integer(),
  queryMs: Type.Integer({ description: 'time to the count; the list of people is written just after' }),
  ready: Type.Optional(Type.Boolean({ description: 'whether the list of people is complete (the CSV and the steps wait for it)' })),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
});

type ScopeRow = NonNullable<Awaited<ReturnType<typeof getScope>>>;
const scopeView = (s: ScopeRow) => ({
  id: s.id,
  incidentId: s.incident_id,
  criteria: s.criteria as Record<string, unknown>,
  people: s.people,
  checkoutAttempts: s.checkout_attempts,
  shareOfCustomers: s.all_people ? s.people / s.all_people : 0,
  allPeople: s.all_people,
  queryMs: s.query_ms,
  ready: s.ready_at !== null,
  createdAt: s.created_at.toISOString(),
  createdBy: s.created_by,
});

/**
 * Incident response (GDPR Art. 33/34): operators open incidents by hand, move them through
 * open, contained and resolved, add notes, scope exactly who was affected and export them, and
 * draft the regulator's notice. Reading needs `incidents.read`; everything that changes an
 * incident or reveals the people in it needs `incidents.manage`.
 */
export const incidentRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin', 'security'];
  const mustGet = async (id: string) => {
    const incident = await getIncident(ctx.db, id);
    if (!incident) throw notFound('incident', id);
    return incident;
  };

  app.post(
    '/api/admin/incidents',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'openIncident',
        summary: 'Open an incident by hand',
        tags,
        description: 'Opens an incident by hand (an outside tip, a bank\u2019s fraud alert). `awareAt` starts the 72-hour regulator clock (default now).',
        body: Type.Object(
          {
            kind: IncidentCategory,
            title: Type.String({ minLength: 1, maxLength: 200 }),
            severity: Type.Optional(IncidentSeverity),
            awareAt: Type.Optional(Type.String({ format: 'date-time' })),
            owner: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Incident, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorFor(request);
      const body = request.body;
      const awareAt = body.awareAt ? new Date(body.awareAt) : new Date();
      if (awareAt.getTime() > Date.now() + 60_000) throw badRequest('invalid_request', 'awareAt is in the future', { field: 'awareAt' });
      const id = await ctx.db.transaction().execute(async (tx) => {
        const created = await createIncident(tx, {
          category: body.kind,
          title: body.title.trim(),
          severity: body.severity ?? 'high',
          awareAt,
          openedBy: actor,
          owner: body.owner ?? null,
        });
        await addIncidentEvent(tx, created, 'opened', { by: actor, title: body.title.trim() });
        await audit(tx, { actor, action: 'security.incident.opened', subjectType: 'incident', subjectId: created, ip: request.ip, data: { kind: body.kind } });
        return created;
      });
      return reply.status(201).send(await mustGet(id));
    },
  );

  app.get(
    '/api/admin/incidents/:id',
    {
      config: { permission: 'incidents.read' },
      schema: {
        operationId: 'getIncident',
        summary: 'Get an incident with its timeline and scopes',
        tags,
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Object({ incident: Incident, scopes: Type.Array(Scope) }), ...errors },
      },
    },
    async (request) => ({
      incident: await mustGet(request.params.id),
      scopes: (await listScopes(ctx.db, request.params.id)).map(scopeView),
    }),
  );

  app.patch(
    '/api/admin/incidents/:id',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'updateIncident',
        summary: "Change an incident's status, severity, owner, title or awareness time",
        tags,
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            status: Type.Optional(IncidentStatus),
            severity: Type.Optional(IncidentSeverity),
            owner: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
            title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            awareAt: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Incident, ...errors },
      },
    },
    async (request) => {
      const actor = actorFor(request);
      const body = request.body;
      await ctx.db.transaction().execute(async (tx) => {
        const changed = await updateIncident(tx, request.params.id, { ...body, awareAt: body.awareAt ? new Date(body.awareAt) : undefined });
        if (!changed) throw notFound('incident', request.params.id);
        const { before, after } = changed;
        const diff: Record<string, { from: unknown; to: unknown }> = {};
        for (const key of ['status', 'severity', 'owner', 'title', 'aware_at'] as const) {
          const [a, b] = [before[key], after[key]];
          if (String(a instanceof Date ? a.toISOString() : a) !== String(b instanceof Date ? b.toISOString() : b)) diff[key] = { from: a, to: b };
        }
        if (Object.keys(diff).length === 0) return;
        await addIncidentEvent(tx, request.params.id, diff.status ? `status_${after.status}` : 'updated', { by: actor, ...diff });
        await audit(tx, { actor, action: 'security.incident.updated', subjectType: 'incident', subjectId: request.params.id, ip: request.ip, data: diff });
      });
      return mustGet(request.params.id);
    },
  );

  app.post(
    '/api/admin/incidents/:id/notes',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'addIncidentNote',
        summary: "Add a note to an incident's timeline",
        tags,
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false }),
        response: { 201: Incident, ...errors },
      },
    },
    async (request, reply) => {
      await mustGet(request.params.id);
      await addIncidentEvent(ctx.db, request.params.id, 'note', { by: actorFor(request), text: request.body.text });
      return reply.status(201).send(await mustGet(request.params.id));
    },
  );

  app.post(
    '/api/admin/incidents/:id/scopes',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'createIncidentScope',
        summary: 'Find the people an incident affected',
        tags,
        description:
          'Scopes who was affected: every checkout attempt matching all the criteria given, grouped by buyer email. The list is kept with the scope, for the CSV and the response steps.',
        params: Type.Object({ id: Uuid }),
        body: ScopeBody,
        response: { 201: Scope, ...errors },
      },
    },
    async (request, reply) => {
      const criteria = request.body as ScopeCriteria;
      if (criteria.from && criteria.to && new Date(criteria.from) >= new Date(criteria.to))
        throw badRequest('invalid_request', 'from must be before to', { field: 'from' });
      for (const address of criteria.signedIn?.addresses ?? []) {
        const [ip, bits] = address.split('/');
        const valid = ipaddr.isValid(ip!) && (bits === undefined || Number(bits) <= (ipaddr.parse(ip!).kind() === 'ipv4' ? 32 : 128));
        if (!valid) throw badRequest('invalid_request', `${address} is not an IP address or CIDR range`, { field: 'signedIn.addresses' });
      }
      const scope = await createScope(
        ctx.db,
        { incidentId: request.params.id, criteria, actor: actorFor(request), ip: request.ip },
        { log: (message, error) => request.log.error({ err: error }, message) },
      );
      return reply.status(201).send({ ...scope, criteria: { ...scope.criteria } });
    },
  );

  app.get(
    '/api/admin/incidents/:id/scopes/:scopeId',
    {
      config: { permission: 'incidents.read' },
      schema: {
        operationId: 'getIncidentScope',
        summary: "Get one of an incident's scopes",
        tags,
        params: Type.Object({ id: Uuid, scopeId: Uuid }),
        response: { 200: Scope, ...errors },
      },
    },
    async (request) => {
      const scope = await getScope(ctx.db, request.params.id, request.params.scopeId);
      if (!scope) throw notFound('scope', request.params.scopeId);
      return scopeView(scope);
    },
  );

  app.get(
    '/api/admin/incidents/:id/scopes/:scopeId/people.csv',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'exportIncidentScopePeople',
        summary: "Export the people in an incident's scope as CSV",
        tags,
        description: 'The people in a scope, one row each, with what they typed into Taquilla\u2019s pages. Audited.',
        params: Type.Object({ id: Uuid, scopeId: Uuid }),
        response: { 200: CsvFile('The people in the scope, one row each', false), ...errors },
      },
    },
    async (request, reply) => {
      const scope = await getScope(ctx.db, request.params.id, request.params.scopeId);
      if (!scope) throw notFound('scope', request.params.scopeId);
      await audit(ctx.db, {
        actor: actorFor(request),
        action: 'security.incident.people_exported',
        subjectType: 'incident',
        subjectId: request.params.id,
        ip: request.ip,
        data: { scopeId: scope.id, people: scope.people },
      });
      await completeScope(ctx.db, scope.id);
      // Streamed a page of 5,000 people at a time: a scope of a million never sits in memory.
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="incident-${request.params.id.slice(0, 8)}-scope-${scope.id.slice(0, 8)}.csv"`)
        .send(Readable.from(scopeCsv(ctx.db, scope.id)) as never); // a stream skips serialisation
    },
  );

  app.post(
    '/api/admin/incidents/:id/scopes/:scopeId/stakeholders',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'notifyIncidentStakeholders',
        summary: 'Tell producers and venues how many of their buyers a scope holds',
        tags,
        description:
          'Tells the producers and venue contacts of each event with buyers in the scope how many of their buyers it holds (never who). Once per incident, event and address; audited.',
        params: Type.Object({ id: Uuid, scopeId: Uuid }),
        response: { 200: Type.Object({ events: Type.Integer(), queued: Type.Integer(), alreadyTold: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const scope = await getScope(ctx.db, request.params.id, request.params.scopeId);
      if (!scope) throw notFound('scope', request.params.scopeId);
      const actor = actorFor(request);
      return ctx.db.transaction().execute(async (tx) => {
        const told = await notifyStakeholders(tx, {
          incidentId: request.params.id,
          kind: 'buyers_in_scope',
          scopeId: scope.id,
          contact: ctx.config.alertEmails[0],
        });
        await audit(tx, {
          actor,
          action: 'security.incident.stakeholders_told',
          subjectType: 'incident',
          subjectId: request.params.id,
          ip: request.ip,
          data: { scopeId: scope.id, ...told },
        });
        return { events: told.events, queued: told.queued, alreadyTold: told.alreadyTold };
      });
    },
  );

  app.get(
    '/api/admin/incidents/:id/regulator-draft',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'getRegulatorDraft',
        summary: 'Draft the notice of an incident to the supervisory authority',
        tags,
        description:
          'A draft of the notice to the supervisory authority (GDPR Art. 33(3)), filled from the incident and its newest scope, for a person to review and send.',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errors },
      },
    },
    async (request) => {
      const incident = await mustGet(request.params.id);
      const scopes = await listScopes(ctx.db, request.params.id);
      return regulatorDraft(incident, scopes[0] ? scopeView(scopes[0]) : undefined, { contact: ctx.config.alertEmails[0] ?? ctx.config.mailFrom });
    },
  );
};

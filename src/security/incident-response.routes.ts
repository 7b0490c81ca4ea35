import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { dryRunStep, listStepRuns, startStep, stepRunView } from './incident-response.js';
import { getIncident } from './incidents.repository.js';

const Uuid = Type.String({ format: 'uuid' });
const Step = Type.Union([Type.Literal('notify'), Type.Literal('reset'), Type.Literal('flag'), Type.Literal('revoke_staff')]);
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

const StepRun = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  scopeId: Type.Union([Type.String(), Type.Null()]),
  step: Step,
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  total: Type.Integer({ description: 'people the step walks (the scope\u2019s, or every staff member)' }),
  done: Type.Integer({ description: 'people handled, by this run or an earlier one' }),
  failed: Type.Integer({ description: 'people this run could not handle; running the step again retries them' }),
  left: Type.Integer(),
  rate: Type.Number({ description: 'people per second over the run' }),
  stalled: Type.Boolean({ description: 'running without progress for a minute: its process probably died; start the step again to resume' }),
  startedBy: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const DryRun = Type.Object({
  dryRun: Type.Literal(true),
  step: Step,
  count: Type.Integer({ description: 'people the step would handle now (not handled before)' }),
  total: Type.Integer(),
  alreadyDone: Type.Integer(),
  accounts: Type.Optional(Type.Integer({ description: 'of count, those with a customer account (reset, flag)' })),
  apiKeys: Type.Optional(Type.Integer({ description: 'API keys not revoked yet (revoke_staff)' })),
  sample: Type.Array(Type.Object({ email: Type.String({ description: 'masked: a***@example.com' }), locale: Type.Union([Type.String(), Type.Null()]) })),
});

/**
 * The response steps on an incident's scope, with their progress for the console to poll. A step
 * runs in the background: the request answers 202 with the run as soon as it has started. Starting
 * needs `incidents.manage`; the progress (counts only) needs `incidents.read`, as the incident does.
 */
export const incidentResponseRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin', 'security'];
  // Runs in flight, stopped between two pages when the server closes; the next start resumes them.
  const inFlight = new Set<{ stop: AbortController; finished: Promise<unknown> }>();
  app.addHook('onClose', async () => {
    for (const run of inFlight) run.stop.abort();
    await Promise.allSettled([...inFlight].map((run) => run.finished));
  });

  app.post(
    '/api/admin/incidents/:id/steps',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        operationId: 'runIncidentStep',
        summary: "Run a response step on an incident's scope",
        tags,
        description:
          'Runs a response step: `notify` (the Art. 34 email, in each person\u2019s language), `reset` (customer accounts set a new password; sessions end), `flag` (accounts monitored; shown on their orders) on a scope\u2019s people, or `revoke_staff` (every staff session and API key; staff_access incidents). A person handled before is skipped, so a step can be run again to resume. `dryRun` answers the count and a masked sample and changes nothing.',
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ step: Step, scopeId: Type.Optional(Uuid), dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: DryRun, 202: StepRun, ...errors },
      },
    },
    async (request, reply) => {
      const input = { incidentId: request.params.id, scopeId: request.body.scopeId ?? null, step: request.body.step, actor: actorFor(request), ip: request.ip };
      if (request.body.dryRun) return reply.status(200).send(await dryRunStep(ctx.db, input));
      const stop = new AbortController();
      const { run, finished } = await startStep({ db: ctx.db, config: ctx.config, signal: stop.signal }, input);
      const entry = { stop, finished };
      inFlight.add(entry);
      finished
        .catch((error: unknown) => {
          // Codes only: the people of a scope stay out of the log.
          const code = (error as { code?: string }).code;
          request.log.error({ runId: run.id, step: run.step, code }, 'incident step failed');
        })
        .finally(() => inFlight.delete(entry));
      return reply.status(202).send(stepRunView(run, 0));
    },
  );

  app.get(
    '/api/admin/incidents/:id/steps',
    {
      config: { permission: 'incidents.read' },
      schema: {
        operationId: 'listIncidentSteps',
        summary: "List an incident's response steps and their progress",
        tags,
        description: 'The incident\u2019s step runs, newest first: done, failed, left and rate (people per second).',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Object({ runs: Type.Array(StepRun) }), ...errors },
      },
    },
    async (request) => {
      if (!(await getIncident(ctx.db, request.params.id))) throw notFound('incident', request.params.id);
      return { runs: await listStepRuns(ctx.db, request.params.id) };
    },
  );
};

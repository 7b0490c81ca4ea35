import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { runTamperCheck } from './tamper-check.js';
import { listTamperChecks, type TamperCheckRow } from './tamper-check.repository.js';

const Finding = Type.Object({ page: Type.String(), kind: Type.String(), expected: Type.String(), actual: Type.String() });
const Checked = Type.Object({
  url: Type.String(),
  kind: Type.String({ description: 'page, script or style' }),
  pageClass: Type.Optional(Type.String()),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'null: no answer' }),
  sha384: Type.Union([Type.String(), Type.Null()], { description: 'of the bytes received, decompressed; pages without their nonce' }),
  encoding: Type.Optional(Type.String()),
  buildId: Type.Optional(Type.String()),
});
const TamperCheck = Type.Object({
  id: Type.String(),
  buildId: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.String({ format: 'date-time' }),
  ok: Type.Boolean(),
  pages: Type.Array(Checked),
  findings: Type.Array(Finding),
  incidentId: Type.Union([Type.String(), Type.Null()], { description: 'the script_compromise incident the findings joined' }),
});

const present = (r: TamperCheckRow) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt.toISOString() });

/**
 * The tamper check's runs (PCI DSS 11.6.1): what each fetched, with its hash, and what differed
 * from the registered build; and a run on demand, after a deploy or an alert.
 */
export const tamperCheckRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/admin/security/tamper-checks',
    {
      config: { permission: 'security.read' },
      schema: {
        operationId: 'listTamperChecks',
        summary: 'List the recent tamper checks of the payment and account pages',
        tags: ['admin'],
        description: 'Recent runs of the tamper check of the payment and account pages, newest first, with their findings.',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) }),
        response: { 200: Type.Object({ checks: Type.Array(TamperCheck) }) },
      },
    },
    async (request) => ({ checks: (await listTamperChecks(ctx.db, request.query.limit ?? 20)).map(present) }),
  );

  app.post(
    '/api/admin/security/tamper-checks',
    {
      config: { permission: 'shield.manage' },
      schema: {
        operationId: 'runTamperCheck',
        summary: 'Run the tamper check now',
        tags: ['admin'],
        description: 'Runs the tamper check now (a few seconds at most) and answers the run; findings open or join the script_compromise incident.',
        response: { 200: TamperCheck },
      },
    },
    async (request) => {
      const check = await runTamperCheck(ctx);
      await audit(ctx.db, {
        actor: actorFor(request),
        action: 'security.tamper_check.run',
        subjectType: 'tamper_check',
        subjectId: check.id,
        ip: request.ip,
        data: { ok: check.ok, findings: check.findings.length, incidentId: check.incidentId },
      });
      return present(check);
    },
  );
};

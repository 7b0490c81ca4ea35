import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { createCspAggregator, isScriptCompromiseSign, parseCspReports } from './csp-reports.js';
import { listCspReports, saveCspReports } from './csp-reports.repository.js';
import { CSP_REPORT_PATH } from './page-policy.js';

const REPORT_TYPES = ['application/csp-report', 'application/reports+json'];

/**
 * Where browsers send Content-Security-Policy violations (`report-uri` on every page). Public by
 * nature (any browser that loaded a page may report), so it is classed and limited by the shield
 * like the rest, answers 204 whatever it is sent, and writes at most once a second.
 */
export const cspReportRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  // A signature seen for the first time on a payment or account page opens a script_compromise incident.
  const aggregator = createCspAggregator(async (batch) => {
    const fresh = new Set(await saveCspReports(ctx.db, batch));
    for (const { signature, violation, count } of batch) {
      if (!fresh.has(signature) || !isScriptCompromiseSign(violation)) continue;
      await ctx.scriptCompromise.sign(
        'csp_violation',
        `Code was blocked on a ${violation.pageClass} page: ${violation.directive} refused ${violation.blocked || 'a script'} on ${violation.document}`,
        { signature, count, ...violation },
      );
    }
  });
  let failing = false;
  const flush = () =>
    aggregator.flush().then(
      () => {
        failing = false;
      },
      (error: unknown) => {
        // Reports are evidence, not sales: a database blip loses a second of them, said once.
        if (!failing) app.log.warn({ err: error }, 'CSP reports could not be stored');
        failing = true;
      },
    );
  const timer = setInterval(flush, 1000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await flush();
  });
  app.addContentTypeParser(REPORT_TYPES, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch {
      done(null, null);
    }
  });

  app.post(
    CSP_REPORT_PATH,
    {
      bodyLimit: 16 * 1024,
      schema: {
        operationId: 'reportCspViolations',
        summary: "Receive browsers' Content Security Policy violation reports",
        tags: ['security'],
        security: [],
        description: 'CSP violation reports from browsers (application/csp-report or application/reports+json). Always 204.',
        response: { 204: Type.Null(), 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse },
      },
    },
    async (request, reply) => {
      aggregator.add(parseCspReports(request.body, { paymentOrigin: new URL(ctx.config.paymentOrigin).origin }));
      return reply.status(204).send(null);
    },
  );

  app.register(async (plugin) => {
    const admin = plugin.withTypeProvider<TypeBoxTypeProvider>();
    admin.get(
      '/api/admin/security/csp-reports',
      {
        config: { permission: 'security.read' },
        schema: {
          operationId: 'listCspReports',
          summary: 'List the Content Security Policy violations browsers reported',
          tags: ['admin'],
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
          response: {
            200: Type.Object({
              reports: Type.Array(
                Type.Object({
                  signature: Type.String(),
                  pageClass: Type.String(),
                  document: Type.String(),
                  directive: Type.String(),
                  blocked: Type.String(),
                  source: Type.String(),
                  sample: Type.String(),
                  count: Type.Integer(),
                  firstSeen: Type.String({ format: 'date-time' }),
                  lastSeen: Type.String({ format: 'date-time' }),
                }),
              ),
              dropped: Type.Integer({ description: 'Reports this process counted but did not keep: more new signatures in a second than it keeps' }),
            }),
          },
        },
      },
      async (request) => {
        await flush();
        const rows = await listCspReports(ctx.db, request.query.limit ?? 50);
        return {
          reports: rows.map((r) => ({
            signature: r.signature,
            pageClass: r.page_class,
            document: r.document,
            directive: r.directive,
            blocked: r.blocked,
            source: r.source,
            sample: r.sample,
            count: Number(r.count),
            firstSeen: r.first_seen.toISOString(),
            lastSeen: r.last_seen.toISOString(),
          })),
          dropped: aggregator.dropped,
        };
      },
    );
  });
};

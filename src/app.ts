import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { catalogAdminListRoutes } from './catalog/catalog.admin-list.routes.js';
import { catalogAdminRoutes } from './catalog/catalog.admin.routes.js';
import { catalogEditRoutes } from './catalog/catalog.edit.routes.js';
import { catalogRemoveRoutes } from './catalog/catalog.remove.routes.js';
import { openNextRoutes } from './catalog/open-next.routes.js';
import { catalogRoutes } from './catalog/catalog.routes.js';
import { blocksRoutes } from './inventory/blocks.routes.js';
import { holdsRoutes } from './inventory/holds.routes.js';
import { outboxRoutes } from './notifications/outbox.routes.js';
import { paymentWebhookRoutes } from './payments/webhooks.routes.js';
import type { AppContext } from './platform/context.js';
import { createClientAddress } from './shield/client-address.js';
import { createEarlyRefusal, refuseBlockedConnections } from './shield/early-refusal.js';
import { registerErrorHandler } from './platform/http/error-handler.js';
import { registerApiHeaders } from './platform/http/api-headers.js';
import { registerInputHygiene } from './platform/http/input-hygiene.js';
import { loggerOptions } from './platform/http/logger.js';
import { metricsRoutes } from './platform/http/metrics.routes.js';
import { registerOpenApi } from './platform/http/openapi.js';
import { registerRequestId, requestIdFor } from './platform/http/request-id.js';
import { registerRequestMetrics } from './platform/http/request-metrics.js';
import { registerWeb } from './platform/http/web.js';
import { healthRoutes, registerDraining } from './platform/http/health.routes.js';
import { deskSaleRoutes } from './sales/desk-sale.routes.js';
import { ordersAdminRoutes } from './sales/orders.admin.routes.js';
import { ordersRoutes } from './sales/orders.routes.js';
import { salesTimelineRoutes } from './sales/sales-timeline.routes.js';
import { reportsRoutes } from './sales/reports.routes.js';
import { checkinRoutes } from './tickets/checkin.routes.js';
import { ticketsPdfRoutes } from './tickets/tickets-pdf.routes.js';
import { queueAdminRoutes } from './waiting-room/queue.admin.routes.js';
import { queueRoutes } from './waiting-room/queue.routes.js';
import { staffAuthRoutes } from './accounts/staff-auth.routes.js';
import { staffRoutes } from './accounts/staff.routes.js';
import { apiKeysRoutes } from './accounts/api-keys.routes.js';
import { accessReviewRoutes } from './accounts/access-review.routes.js';
import { customerAccountRoutes } from './accounts/customer-account.routes.js';
import { customerAdminRoutes } from './accounts/customer-admin.routes.js';
import { customerAuthRoutes } from './accounts/customer-auth.routes.js';
import { customerPasskeyRoutes } from './accounts/customer-passkeys.routes.js';
import { cspReportRoutes } from './security/csp-reports.routes.js';
import { auditRoutes } from './security/audit.routes.js';
import { integrityRoutes } from './security/integrity.routes.js';
import { widgetsRoutes } from './widgets/widgets.routes.js';
import { tamperCheckRoutes } from './security/tamper-check.routes.js';
import { incidentRoutes } from './security/incidents.routes.js';
import { incidentResponseRoutes } from './security/incident-response.routes.js';
import { createStatusFastLane } from './waiting-room/status.fast-lane.js';
import { registerLoadSignalHooks } from './waiting-room/load-signal.hooks.js';
import { registerShieldHooks } from './shield/shield.hooks.js';
import { registerPermissionGuard } from './platform/http/permission-guard.js';
import { shieldAdminRoutes, shieldRoutes } from './shield/shield.routes.js';

export type App = FastifyInstance;

/** Builds the whole HTTP app without listening; tests drive it with `app.inject`. */
export async function buildApp(ctx: AppContext, options: { logger?: boolean } = {}): Promise<App> {
  const clientAddress = createClientAddress(ctx.config.trustedProxies);
  let logError: (error: unknown) => void = () => {};
  const fastLane = createStatusFastLane(ctx, clientAddress, (error) => logError(error));
  const requestId = requestIdFor(clientAddress.fromTrustedProxy);
  const refusedEarly = createEarlyRefusal(ctx, clientAddress, requestId);
  let connectionGate: ReturnType<typeof refuseBlockedConnections> | undefined;
  const timeouts = { requestTimeout: 30_000, connectionTimeout: 60_000, keepAliveTimeout: 72_000 };
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(ctx.config.logLevel),
    // Small bodies by default; the venue editor's seat maps raise their own limit.
    bodyLimit: 64 * 1024,
    ...timeouts,
    trustProxy: clientAddress.fastifyTrustProxy,
    // The log's reqId: nginx's X-Request-Id from a trusted proxy, else a new one; echoed in X-Request-Id.
    requestIdHeader: false,
    genReqId: requestId,
    // The shield's refusals that need no promise (a blocked address, a limit already run out)
    // and the queue-status fast lane answer before Fastify; everything else goes to Fastify.
    // Connections from blocked addresses are refused before HTTP is parsed.
    // A slow client may not hold a connection open: headers within 10 s, the whole request
    // within 30 s, an idle connection 60 s.
    serverFactory: (handler) => {
      const server = createServer(
        { headersTimeout: 10_000, requestTimeout: timeouts.requestTimeout, keepAliveTimeout: timeouts.keepAliveTimeout },
        (req, res) => {
          if (!refusedEarly(req, res) && !fastLane(req, res)) handler(req, res);
        },
      );
      server.setTimeout(timeouts.connectionTimeout);
      connectionGate = refuseBlockedConnections(server, ctx, clientAddress, randomUUID);
      return server;
    },
    // Closing (after SIGTERM), requests on open connections are served and close them: registerDraining.
    return503OnClosing: false,
    ajv: { customOptions: { allErrors: false, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  logError = (error) => app.log.error({ err: error }, 'queue status failed');
  // Closing: connections the gate holds (a blocked client yet to send, or reading its refusal) go too.
  app.addHook('preClose', (done) => {
    connectionGate?.closePending();
    done();
  });
  registerRequestId(app);
  registerErrorHandler(app);
  registerRequestMetrics(app);
  registerInputHygiene(app);
  registerApiHeaders(app);
  registerDraining(app, ctx);
  await app.register(cookie);
  registerShieldHooks(app, ctx);
  registerPermissionGuard(app, ctx);
  // The waiting room's admission rate backs off when checkout gets slow or fails.
  registerLoadSignalHooks(app, ctx.waitingRoom.load);
  await registerOpenApi(app, { baseUrl: ctx.config.baseUrl });
  for (const routes of [
    healthRoutes,
    metricsRoutes,
    catalogRoutes,
    catalogAdminRoutes,
    catalogAdminListRoutes,
    catalogEditRoutes,
    catalogRemoveRoutes,
    openNextRoutes,
    holdsRoutes,
    ordersRoutes,
    ordersAdminRoutes,
    blocksRoutes,
    deskSaleRoutes,
    salesTimelineRoutes,
    reportsRoutes,
    ticketsPdfRoutes,
    paymentWebhookRoutes,
    checkinRoutes,
    outboxRoutes,
    queueRoutes,
    queueAdminRoutes,
    shieldRoutes,
    shieldAdminRoutes,
    cspReportRoutes,
    auditRoutes,
    integrityRoutes,
    tamperCheckRoutes,
    incidentRoutes,
    incidentResponseRoutes,
    widgetsRoutes,
    staffAuthRoutes,
    staffRoutes,
    apiKeysRoutes,
    accessReviewRoutes,
    customerAuthRoutes,
    customerAccountRoutes,
    customerPasskeyRoutes,
    customerAdminRoutes,
  ]) {
    await app.register(routes, ctx);
  }
  await registerWeb(app, {
    distDir: ctx.webDistDir,
    buildId: ctx.buildId,
    baseUrl: ctx.config.baseUrl,
    paymentOrigin: ctx.config.paymentOrigin,
    widgets: ctx.widgets,
  });
  return app;
}

import closeWithGrace from 'close-with-grace';
import type { FastifyListenOptions } from 'fastify';
import pino from 'pino';
import { startDormantAccessJob } from './accounts/access-review.job.js';
import { firstOwnerForDevelopment } from './accounts/owner-invitation.service.js';
import { buildApp } from './app.js';
import { seedDemo } from './catalog/demo-seed.js';
import { createSalesSchedule } from './catalog/sales-schedule.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { expireHolds } from './inventory/holds.service.js';
import { flipIfSoldOut } from './inventory/sold-out.js';
import { createMailer } from './notifications/mailer.js';
import { startOutboxWorker } from './notifications/outbox.worker.js';
import { buildTestPaymentServer } from './payments/test-provider/test-provider.server.js';
import { closeContext, createContext } from './platform/context.js';
import { openDatabase } from './platform/database.js';
import { markDraining } from './platform/http/health.routes.js';
import { LOG_REDACT } from './platform/http/logger.js';
import { startMetricsServer } from './platform/metrics-server.js';
import { every, jobErrors } from './platform/jobs.js';
import { migrateToLatest } from './platform/migrate.js';
import { startAuditSealer } from './security/audit-chain.sealer.js';
import { registerBuild } from './security/builds.repository.js';
import { startTamperCheckJob } from './security/tamper-check.job.js';
import { StartupError } from './platform/outages.js';
import { requireRedisPersistence } from './waiting-room/redis-store.js';
import { buildDemoChatServer } from './widgets/demo-chat/demo-chat.server.js';

const started = Date.now();
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

/** A dependency that never answered, or lacks what Taquilla needs: one line, and exit. */
function exitOnStartupError(error: unknown): never {
  if (error instanceof StartupError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const log = pino({ level: config.logLevel, redact: LOG_REDACT });
if (config.redisUrl && config.redisRequireAof) await requireRedisPersistence(config.redisUrl, config.databaseWaitSeconds, log).catch(exitOnStartupError);
else if (config.redisUrl) log.warn('REDIS_REQUIRE_AOF=false: Redis persistence is not checked; a Redis restart without it loses the waiting line');
const database = await openDatabase(config, log).catch(exitOnStartupError);
log.info({ applied: await migrateToLatest(database.db) }, 'database migrated');
if (config.seedDemo) {
  const seeded = await seedDemo(database.db);
  if (seeded) log.info({ eventId: seeded.eventId }, 'empty database: demo concert seeded');
}
// Development, no staff yet: TAQUILLA_OWNER_EMAIL becomes the first owner; the banner prints its invitation.
const firstOwner = await firstOwnerForDevelopment(database.db, config);

const ctx = createContext(config, database.db, database.kind, {
  log: (message, error) => (error === undefined ? log.warn(message) : jobErrors('shield', (e) => log.error({ err: e }, message))(error)),
});
// The build this process serves, registered so each checkout record's build id names its scripts.
if (ctx.buildManifest) await registerBuild(database.db, ctx.buildManifest);
else log.warn({ buildId: ctx.buildId }, 'the front end is not a sealed build (npm run build:web): no manifest to register or check');
for (const warning of config.widgetWarnings) log.warn(warning);
const app = await buildApp(ctx);
const paymentServer = config.paymentTestServer
  ? await buildTestPaymentServer({ secret: config.secret, paymentOrigin: config.paymentOrigin, appOrigin: config.baseUrl, logger: false })
  : undefined;
// The demo support-chat vendor (development): its own origin, so its widget can be tried end to end.
const demoChat = config.demoChatPort === undefined ? undefined : buildDemoChatServer({ appOrigins: [new URL(config.baseUrl).origin], logger: false });

// Background work is safe to run in every process: each claims rows with SKIP LOCKED.
const sweeper = every(
  1000,
  async () => {
    const expired = await expireHolds(database.db);
    if (expired > 0) log.info({ expired }, 'expired holds released');
    // A payment flips its performance to sold out itself; this catches one whose follow-up was lost.
    const soldOut = await flipIfSoldOut(database.db);
    if (soldOut > 0) log.info({ soldOut }, 'performances with nothing left flipped to sold out');
  },
  jobErrors('hold_expiry', (error) => log.error({ err: error }, 'hold expiry failed')),
);
const admissions = ctx.waitingRoom.start(jobErrors('admission_tick', (error) => log.error({ err: error }, 'waiting room tick failed')));
const shield = ctx.shield.start();
// The widget kill switch as every process sees it: read at once, then every 2 s.
const widgetSwitches = ctx.widgets.start(jobErrors('widget_switches', (error) => log.error({ err: error }, 'widget switches could not be read')));
// Sales open at onSaleAt and close at offSaleAt by themselves; every process tries, one wins each.
const salesSchedule = createSalesSchedule(ctx, {
  info: (message, details) => log.info(details ?? {}, message),
  error: (message, error) => log.error({ err: error }, message),
}).start(jobErrors('sales_schedule', (error) => log.error({ err: error }, 'sales schedule failed')));
const mailer = createMailer(config);
// The outbox backs off by itself; a run lost to an outage is counted (the pool logs the outage once).
const outboxLog = { info: log.info.bind(log), error: (data: object, message: string) => jobErrors('outbox', () => log.error(data, message))(data) };
const outbox = startOutboxWorker(database.db, mailer, { intervalMs: 1000, log: outboxLog });
// Audit entries are inserted unsealed (no lock on the purchase path); every process tries to seal
// them into the hash chain once a second, and an advisory lock lets one at a time do it.
const auditSealer = startAuditSealer(
  database.db,
  jobErrors('audit_sealer', (error) => log.error({ err: error }, 'audit sealing failed')),
);
// Once a day (UTC), one process disables staff accounts and API keys unused for STAFF_DORMANT_DAYS.
const dormantAccess = startDormantAccessJob(
  database.db,
  config,
  log,
  jobErrors('access_review', (error) => log.error({ err: error }, 'dormant access review failed')),
);

let tamperCheck: ReturnType<typeof startTamperCheckJob> | undefined;
let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'shutting down after an error');
  else log.info({ signal }, 'shutting down: finishing in-flight requests');
  markDraining(ctx);
  await tamperCheck?.stop();
  await app.close();
  await metricsServer?.close();
  await paymentServer?.close();
  await demoChat?.close();
  await widgetSwitches.stop();
  await sweeper.stop();
  await salesSchedule.stop();
  await admissions.stop();
  await shield.stop();
  await closeContext(ctx);
  await outbox.stop();
  await auditSealer.stop();
  await dormantAccess.stop();
  mailer?.close();
  await database.close();
  log.info('stopped');
});

await app.listen({ port: config.port, host: config.host });
// Every process serves the card form on the same port (SO_REUSEPORT: the kernel spreads
// connections over them), so losing one process does not stop payments. Fastify hands its
// listen options to Node's server.listen, whose `reusePort` its types do not name yet.
if (paymentServer) await paymentServer.listen({ port: config.paymentPort, host: config.host, reusePort: true } as FastifyListenOptions);
// What browsers receive on payment and account pages against the registered build (PCI DSS 11.6.1):
// shortly after start, then every TAMPER_CHECK_MINUTES, one process per interval.
tamperCheck = startTamperCheckJob(ctx, log);
// A scraper on a private network reads /metrics here without a credential; on PORT it needs one.
if (config.metricsPort !== undefined) {
  metricsServer = await startMetricsServer({ port: config.metricsPort, host: config.metricsHost });
  log.info({ host: config.metricsHost, port: metricsServer.port }, 'metrics served without a credential on their own port');
}
if (demoChat) await demoChat.listen({ port: config.demoChatPort!, host: config.host, reusePort: true } as FastifyListenOptions);
if (config.generated.length) {
  log.warn({ settings: config.generated, file: `${config.dataDir}/secrets.json` }, 'development secrets generated; set them in production');
}
// The console signs in with staff accounts; the admin token is only a break-glass API credential, every use audited.
const ownerHint = firstOwner ? `\n  first owner:  ${firstOwner.email}: open ${firstOwner.url} (single use, 72 h)` : '';
const breakGlassHint =
  config.breakGlass && config.generated.includes('TAQUILLA_ADMIN_TOKEN') ? `\n  break-glass:  ${config.adminToken}  (API only, every use audited)` : '';
const adminHint = `${ownerHint}${breakGlassHint}`;
console.log(`\nTaquilla is selling at ${config.baseUrl}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  API:          ${config.baseUrl}/api/events   (OpenAPI: ${config.baseUrl}/api/openapi.json)
  payments:     ${paymentServer ? config.paymentOrigin : 'served elsewhere'} (built-in test provider)
  database:     ${database.kind === 'embedded' ? `embedded PostgreSQL, data in ${config.dataDir}/postgres` : 'DATABASE_URL'}${adminHint}\n`);

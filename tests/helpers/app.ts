import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { closeContext, createContext, type AppContext } from '../../src/platform/context.js';
import { testDatabase, type TestDatabase } from './database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestApp {
  app: App;
  ctx: AppContext;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The whole HTTP app on a fresh database of its own; `env` overrides settings. `setup.context`
 * may change the context before the app is built (another web build, say), and `setup.routes`
 * add routes of the test's own before the app is ready (a route that fails, say).
 */
export async function testApp(
  env: Record<string, string> = {},
  poolSize = 20,
  options: Parameters<typeof createContext>[3] = {},
  setup: { context?: (ctx: AppContext) => void; routes?: (app: App) => void | Promise<void> } = {},
): Promise<TestApp> {
  const database = await testDatabase(poolSize);
  const config = loadConfig({
    NODE_ENV: 'test',
    TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-test-')),
    TAQUILLA_SECRET: TEST_SECRET,
    TAQUILLA_ADMIN_TOKEN: ADMIN_TOKEN,
    DATABASE_URL: database.url,
    PORT: '3900',
    // Every inject comes from 127.0.0.1: the shield's own tests switch it on and drive it.
    SHIELD_ENABLED: 'false',
    // Likewise sign-in throttling: tests sign many people in from 127.0.0.1; login-throttle.test.ts
    // drives the real limits.
    LOGIN_LIMITS: JSON.stringify({
      address: { points: 100_000, seconds: 60 },
      account: { points: 100_000, seconds: 60 },
      hashes: { points: 100_000, seconds: 1 },
    }),
    ...env,
  });
  const ctx = createContext(config, database.db, database.kind, { log: () => {}, ...options });
  setup.context?.(ctx);
  const app = await buildApp(ctx, { logger: process.env.TAQUILLA_TEST_LOG === '1' });
  await setup.routes?.(app);
  await app.ready();
  return {
    app,
    ctx,
    database,
    close: async () => {
      await app.close();
      await closeContext(ctx);
      await database.drop();
    },
  };
}

/** The test provider's own origin (card form and /tokens), built with the app's secret. */
export async function testPayments(ctx: AppContext): Promise<App> {
  const { buildTestPaymentServer } = await import('../../src/payments/test-provider/test-provider.server.js');
  return buildTestPaymentServer({ secret: ctx.config.secret, paymentOrigin: ctx.config.paymentOrigin, appOrigin: ctx.config.baseUrl, logger: false });
}

import { join } from 'node:path';
import type { Config } from '../config.js';
import { createAvailabilityCache, type AvailabilityCache } from '../inventory/availability.js';
import type { PaymentProvider } from '../payments/provider.js';
import { createTestPaymentProvider } from '../payments/test-provider/test-provider.js';
import { createTicketSigner, type TicketSigner } from '../tickets/codes.js';
import { createLoginThrottle, type LoginThrottle } from '../accounts/login-throttle.js';
import { createShield, type Shield, type ShieldOptions } from '../shield/shield.js';
import { createWaitingRoom, type WaitingRoom } from '../waiting-room/waiting-room.js';
import { createPrincipals, type Principals } from '../accounts/principal.js';
import { apiKeyResolver } from '../accounts/api-keys.service.js';
import { accessTokens, type AccessTokens } from './access-tokens.js';
import { computeBuildId } from './build-info.js';
import { readBuildManifest, type BuildManifest } from '../security/build-manifest.js';
import { createAlerts } from '../security/alerts.js';
import { createScriptCompromise, type ScriptCompromise } from '../security/script-compromise.js';
import { loadInventory, type ScriptInventory } from '../security/script-inventory.js';
import { createWidgets, type Widgets } from '../widgets/widgets.js';
import type { Db } from './transaction.js';

/** What every part of the box office is handed: built once at boot, or per test. */
export interface AppContext {
  config: Config;
  db: Db;
  databaseKind: 'embedded' | 'external';
  payments: PaymentProvider;
  tickets: TicketSigner;
  availability: AvailabilityCache;
  /** Bearer tokens for an order (its buyer's) and a hold (whoever made it). */
  orderAccess: AccessTokens;
  holdAccess: AccessTokens;
  /** Who an operator credential (staff session, API key, break-glass token) belongs to. */
  principals: Principals;
  waitingRoom: WaitingRoom;
  shield: Shield;
  /** Sign-in attempts counted per address, account and device, before any password is hashed. */
  loginThrottle: LoginThrottle;
  /** Where the Vite build is, and the hash of it; the build id is recorded on every checkout. */
  webDistDir: string;
  buildId: string;
  /** The sealed build's manifest (every asset's sha384), registered in the database at start. */
  buildManifest: BuildManifest | undefined;
  /** The committed script inventory (PCI DSS 6.4.3): what may run on each page class. */
  inventory: ScriptInventory;
  /** Opens and alerts the `script_compromise` incident (CSP violations on card pages, the tamper check). */
  scriptCompromise: ScriptCompromise;
  /** Third-party widgets: which to show on a page of each class, and the kill switch (read every 2 s). */
  widgets: Widgets;
  /** Where background follow-ups that must not fail a request report their errors. */
  log: (message: string, error?: unknown) => void;
}

/** Lets go of what the context holds open (Redis connections of the shield, the sign-in throttle and the line). */
export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.shield.close();
  await ctx.loginThrottle.close();
  await ctx.waitingRoom.close();
}

export function createContext(
  config: Config,
  db: Db,
  databaseKind: AppContext['databaseKind'],
  options: { shield?: ShieldOptions; log?: (message: string, error?: unknown) => void; webDistDir?: string } = {},
): AppContext {
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const webDistDir = options.webDistDir ?? join(process.cwd(), 'web', 'dist');
  const shield = createShield({ config, db, log, options: options.shield });
  const principals = createPrincipals({ config, db });
  principals.useApiKeys(apiKeyResolver({ config, db }));
  const inventory = loadInventory(config.scriptInventoryPath);
  return {
    config,
    db,
    databaseKind,
    payments: createTestPaymentProvider({ secret: config.secret, paymentOrigin: config.paymentOrigin }),
    tickets: createTicketSigner(config.secret, config.ticketKeyId, config.previousTicketKeyIds),
    availability: createAvailabilityCache(db),
    orderAccess: accessTokens(config.secret, 'order-access'),
    holdAccess: accessTokens(config.secret, 'hold-access'),
    principals,
    waitingRoom: createWaitingRoom({ config, db }),
    shield,
    loginThrottle: createLoginThrottle(config),
    webDistDir,
    buildId: computeBuildId(webDistDir),
    buildManifest: readBuildManifest(webDistDir),
    inventory,
    widgets: createWidgets({ config, db, inventory, log }),
    scriptCompromise: createScriptCompromise({
      db,
      alerts: createAlerts({ db, webhookUrl: config.alertWebhookUrl, emails: config.alertEmails, baseUrl: config.baseUrl, log }),
      log,
    }),
    log,
  };
}

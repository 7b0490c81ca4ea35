/**
 * What the browser tests share: the reason to skip (no Chromium, no web build, no test database),
 * a real app and payment server listening on free ports, and pages that record every Content
 * Security Policy violation and uncaught error so a test can assert there were none.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { App } from '../../src/app.js';
import { testApp, testPayments, type TestApp } from '../helpers/app.js';
import { databaseAvailable, skipReason } from '../helpers/database.js';
import { freePort } from '../helpers/net.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  if (!existsSync(join(process.cwd(), 'web', 'dist', 'index.html'))) return 'the front end is not built: run `npm run build:web`';
  if (!databaseAvailable) return skipReason;
  return undefined;
}

export interface LiveServer {
  t: TestApp;
  payments: App;
  baseUrl: string;
  paymentOrigin: string;
  close(): Promise<void>;
}

/**
 * The whole app on 127.0.0.1 with the test provider on a second port (its own origin). `hostname`
 * is the name the browser uses for the app: `localhost` for passkeys (WebAuthn refuses an IP
 * address as the relying party's id).
 */
export async function startServer(
  env: Record<string, string> = {},
  opts: { hostname?: string; context?: Parameters<typeof testApp>[2] } = {},
): Promise<LiveServer> {
  const [port, paymentPort] = [await freePort(), await freePort()];
  const baseUrl = `http://${opts.hostname ?? '127.0.0.1'}:${port}`;
  const paymentOrigin = `http://127.0.0.1:${paymentPort}`;
  const t = await testApp(
    { PORT: String(port), PAYMENT_PORT: String(paymentPort), BASE_URL: baseUrl, PAYMENT_ORIGIN: paymentOrigin, ...env },
    20,
    opts.context,
  );
  const payments = await testPayments(t.ctx);
  try {
    await t.app.listen({ port, host: '127.0.0.1' });
    await payments.listen({ port: paymentPort, host: '127.0.0.1' });
  } catch (error) {
    await payments.close();
    await t.close();
    throw error;
  }
  return {
    t,
    payments,
    baseUrl,
    paymentOrigin,
    close: async () => {
      await payments.close();
      await t.close();
    },
  };
}

/** `extraArgs`: more Chromium switches, such as a fake camera (`--use-file-for-fake-video-capture`). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** CSP violations (console reports and `securitypolicyviolation` events, in every frame) and uncaught errors. */
  problems: string[];
}

/**
 * Every frame reports its own CSP violations to the test through an exposed binding; the init
 * script comes in through DevTools, so the page's CSP does not apply to it.
 */
const REPORT_VIOLATIONS = `addEventListener('securitypolicyviolation', (e) => {
  const report = globalThis.__taquillaCsp;
  if (typeof report === 'function') report(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.documentURI);
});`;

export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...options });
  const problems: string[] = [];
  await context.exposeFunction('__taquillaCsp', (text: string) => {
    problems.push(`CSP violation: ${text}`);
  });
  await context.addInitScript({ content: REPORT_VIOLATIONS });
  // Every step here takes well under a second; a stuck one should fail long before the test's timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  watch(page, problems);
  return { context, page, problems };
}

function watch(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    const text = message.text();
    // "Failed to load resource: … 4xx" lines are the expected refusals (a declined card, a used ticket).
    if (text.includes('Content Security Policy') || text.includes("requires 'Trusted")) problems.push(`CSP console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    // The server keeps index.html in memory but reads assets from disk: a rebuild of web/dist
    // while it runs (npm run build:web elsewhere) leaves the page asking for files that are gone.
    if (response.status() >= 400 && new URL(response.url()).pathname.startsWith('/assets/')) {
      problems.push(`asset ${response.status()}: ${response.url()} (was web/dist rebuilt while the test ran?)`);
    }
  });
}

/** Runs `fn` with a fresh context and page, and closes it afterwards whatever happens. */
export async function withPage<T>(browser: Browser, fn: (watched: WatchedPage) => Promise<T>, options?: BrowserContextOptions): Promise<T> {
  const watched = await openPage(browser, options);
  try {
    return await fn(watched);
  } catch (error) {
    // What the page said often explains a timeout better than the timeout does.
    if (error instanceof Error && watched.problems.length) error.message += `\nproblems seen in the page:\n  ${watched.problems.join('\n  ')}`;
    throw error;
  } finally {
    await watched.context.close();
  }
}

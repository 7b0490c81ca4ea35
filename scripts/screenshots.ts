/**
 * Screenshots of the buyer pages and the operator console, at a phone's width (390x844) and a
 * desktop's (1280x800), written to docs/screenshots/. Runs the whole app on a throwaway embedded
 * PostgreSQL with the demo concert, sells a few orders (their paid_at spread over the last hour so
 * the dashboard's chart has a shape), then walks a fan through a purchase on each device.
 *
 *   npm run build:web && npx tsx scripts/screenshots.ts
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { buildApp, type App } from '../src/app.js';
import { seedDemo } from '../src/catalog/demo-seed.js';
import { loadConfig } from '../src/config.js';
import { buildTestPaymentServer } from '../src/payments/test-provider/test-provider.server.js';
import { createContext } from '../src/platform/context.js';
import { connect } from '../src/platform/database.js';
import { ensureDatabase, startEmbeddedPostgres } from '../src/platform/embedded-postgres.js';
import { migrateToLatest } from '../src/platform/migrate.js';
import { registerBuild } from '../src/security/builds.repository.js';
import { buildDemoChatServer } from '../src/widgets/demo-chat/demo-chat.server.js';
import { CARD, fillBuyer, payWithCard, staffCookie } from '../tests/browser/flows.js';
import { CHROMIUM, launchBrowser, openPage } from '../tests/browser/harness.js';
import { ADMIN_TOKEN } from '../tests/helpers/app.js';
import { freePort } from '../tests/helpers/net.js';
import { signedInStaff } from '../tests/helpers/staff.js';

const OUT = join('docs', 'screenshots');
const DEVICES: Record<'phone' | 'desktop', BrowserContextOptions> = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 } },
};

if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}`);
if (!existsSync(join('web', 'dist', 'index.html'))) throw new Error('The front end is not built: run `npm run build:web` first');
mkdirSync(OUT, { recursive: true });

// --- the app on its own database ----------------------------------------------------------------
const scratch = mkdtempSync(join(tmpdir(), 'taquilla-shots-'));
chmodSync(scratch, 0o777); // the embedded server runs as the postgres user
const pg = await startEmbeddedPostgres({ dir: join(scratch, 'pg'), port: await freePort(), password: 'shots', fast: true });
await ensureDatabase(pg.url('postgres'), 'taquilla');
const [port, paymentPort, chatPort] = [await freePort(), await freePort(), await freePort()];
const baseUrl = `http://127.0.0.1:${port}`;
// The demo support chat on the shop's pages, approved in a copy of the inventory at this run's port.
const chatOrigin = `http://127.0.0.1:${chatPort}`;
const inventory = JSON.parse(readFileSync('security/script-inventory.json', 'utf8')) as { scripts: { id: string; origin?: string }[] };
for (const entry of inventory.scripts) if (entry.id === 'chat') entry.origin = chatOrigin;
writeFileSync(join(scratch, 'script-inventory.json'), JSON.stringify(inventory));
const config = loadConfig({
  NODE_ENV: 'test',
  TAQUILLA_DATA_DIR: scratch,
  DATABASE_URL: pg.url('taquilla'),
  TAQUILLA_ADMIN_TOKEN: ADMIN_TOKEN,
  TAQUILLA_SECRET: 'screenshots-secret-0123456789abcdef0123456789',
  PORT: String(port),
  PAYMENT_PORT: String(paymentPort),
  BASE_URL: baseUrl,
  PAYMENT_ORIGIN: `http://127.0.0.1:${paymentPort}`,
  SCRIPT_INVENTORY: join(scratch, 'script-inventory.json'),
  WIDGETS: JSON.stringify([{ name: 'chat', url: `${chatOrigin}/chat`, classes: ['buyer', 'queue'], title: 'Support chat' }]),
});
const db = connect(config.databaseUrl!, 10);
let app: App | undefined;
let payments: App | undefined;
let browser: Browser | undefined;
let shieldTick: { stop(): Promise<void> } | undefined;
let widgetSwitches: { stop(): Promise<void> } | undefined;
let chat: App | undefined;
/** Two tickets left unscanned for the scanner screenshots. */
const doorCodes: string[] = [];

try {
  await migrateToLatest(db);
  const seeded = await seedDemo(db);
  assert.ok(seeded);
  const performanceId = seeded.performanceIds[0]!;
  const ctx = createContext(config, db, 'embedded');
  app = await buildApp(ctx, { logger: false });
  // As src/server.ts does at start: the integrity page lists the build served.
  if (ctx.buildManifest) await registerBuild(db, ctx.buildManifest);
  payments = await buildTestPaymentServer({ secret: config.secret, paymentOrigin: config.paymentOrigin, appOrigin: baseUrl, logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  shieldTick = ctx.shield.start();
  await payments.listen({ port: paymentPort, host: '127.0.0.1' });
  chat = buildDemoChatServer({ appOrigins: [baseUrl] });
  await chat.listen({ port: chatPort, host: '127.0.0.1' });
  widgetSwitches = ctx.widgets.start();
  await ctx.widgets.refresh();

  // The screenshots show the sale itself, not the line: the demo performance's waiting room is off.
  const off = await app.inject({
    method: 'PUT',
    url: `/api/admin/performances/${performanceId}/queue`,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { enabled: false },
  });
  assert.equal(off.statusCode, 200, off.body);
  await sell(app, payments, performanceId);
  const owner = await staff(app);
  browser = await launchBrowser();
  for (const device of ['phone', 'desktop'] as const) await buyerPages(browser, device, performanceId);
  // Before the dashboard, whose shield screenshot turns shield mode on (signing up would then take a proof of work).
  for (const device of ['phone', 'desktop'] as const) await fanAccount(browser, device, app);
  for (const device of ['phone', 'desktop'] as const) await dashboard(browser, device, owner, seeded.eventId, performanceId);
  // After the shield screenshots, whose incident list would otherwise show the incident this opens.
  await reportViolations(app);
  // One tamper check, as the job runs after start: the page lists it.
  const check = await app.inject({ method: 'POST', url: '/api/admin/security/tamper-checks', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(check.statusCode, 200, check.body);
  for (const device of ['phone', 'desktop'] as const) await integrity(browser, device, owner);
  const incidentId = await incidentWithScope(app);
  for (const device of ['phone', 'desktop'] as const) await incidentPage(browser, device, owner, incidentId);
  for (const device of ['phone', 'desktop'] as const) await signInPages(browser, device, app);
  // Last, as it puts the second date on sale: its waiting room, as the first fan in line sees it.
  await call(app, 'POST', `/api/admin/performances/${seeded.performanceIds[1]!}/open`, {}, { authorization: `Bearer ${ADMIN_TOKEN}` });
  await call(app, 'PUT', `/api/admin/performances/${seeded.performanceIds[1]!}/queue`, { enabled: true }, { authorization: `Bearer ${ADMIN_TOKEN}` });
  for (const device of ['phone', 'desktop'] as const) await queuePage(browser, device, seeded.performanceIds[1]!);
  for (const name of [
    'event',
    'seatmap',
    'checkout',
    'tickets',
    'dashboard',
    'scanner',
    'shield',
    'staff',
    'integrity',
    'incident',
    'sign-in',
    'enrol',
    'fan-sign-in',
    'fan-account',
    'queue',
  ]) {
    for (const device of ['phone', 'desktop']) {
      const file = join(OUT, `${name}-${device}.png`);
      console.log(`${file}  ${(statSync(file).size / 1024).toFixed(0)} KB`);
    }
  }
} finally {
  await browser?.close();
  await shieldTick?.stop();
  await widgetSwitches?.stop();
  await chat?.close();
  await app?.close();
  await payments?.close();
  await db.destroy();
  await pg.stop();
  rmSync(scratch, { recursive: true, force: true });
}

// --- sales for the dashboard --------------------------------------------------------------------
/** `from` is the buyer's address: each sale comes from its own, as real buyers do (the shield limits per address). */
async function call(
  target: App,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
  from = '127.0.0.1',
) {
  const res = await target.inject({ method, url, payload, headers, remoteAddress: from });
  assert.ok(res.statusCode < 300, `${method} ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Paid orders spread over the last hour, a few tickets scanned, one order awaiting payment and one open hold. */
async function sell(app: App, payments: App, performanceId: string): Promise<void> {
  const availability = await call(app, 'GET', `/api/performances/${performanceId}/availability`);
  const seated = availability.categories.filter((c: { id: string }) => availability.seats.some((s: { categoryId: string }) => s.categoryId === c.id));
  const ga = availability.gaAreas[0].id;
  const minutesAgo = [55, 51, 48, 44, 41, 39, 36, 31, 27, 24, 22, 19, 14, 11, 8, 6, 4, 2];
  const names = ['Ana Rivera', 'Luis Ortega', 'Marie Dubois', 'Sven Berg', 'Carmen Ruiz', 'Pieter de Vries', 'Ingrid Dahl', 'José Santos', 'Lucía Vega'];
  const codes: string[] = [];
  for (const [i, ago] of minutesAgo.entries()) {
    const quantity = 1 + ((i * 5) % 4);
    const body = i % 3 === 2 ? { gaAreaId: ga, quantity } : { categoryId: seated[i % seated.length].id, quantity };
    const from = `198.51.100.${i + 1}`;
    const held = await call(app, 'POST', `/api/performances/${performanceId}/holds`, body, {}, from);
    const name = names[i % names.length]!;
    const buyer = {
      name,
      email: `${name
        .split(' ')[0]!
        .normalize('NFD')
        .replace(/[^a-z]/gi, '')
        .toLowerCase()}@example.com`,
      locale: ['es', 'en', 'fr', 'nl', 'nb'][i % 5],
    };
    const order = await call(
      app,
      'POST',
      `/api/holds/${held.holdId}/order`,
      { buyer },
      { 'idempotency-key': `shots-${i}`, authorization: `Bearer ${held.holdToken}` },
      from,
    );
    const { token } = await call(payments, 'POST', '/tokens', {
      sessionId: order.payment.sessionId,
      cardNumber: '4242424242424242',
      expiry: '12/30',
      cvc: '123',
    });
    const paid = await call(app, 'POST', `/api/orders/${order.orderId}/payment`, { token }, {}, from);
    codes.push(...paid.tickets.map((t: { code: string }) => t.code));
    await sql`UPDATE orders SET paid_at = now() - make_interval(mins => ${ago}), created_at = now() - make_interval(mins => ${ago + 1}) WHERE id = ${order.orderId}`.execute(
      db,
    );
  }
  // Check-in needs a door credential; the break-glass token is one while TAQUILLA_BREAK_GLASS is on.
  for (const code of codes.slice(0, 7)) await call(app, 'POST', '/api/checkin', { code }, { authorization: `Bearer ${ADMIN_TOKEN}` });
  doorCodes.push(...codes.slice(-2));
  const pending = await call(app, 'POST', `/api/performances/${performanceId}/holds`, { categoryId: seated[1].id, quantity: 2 });
  await call(
    app,
    'POST',
    `/api/holds/${pending.holdId}/order`,
    { buyer: { name: 'Nora Lind', email: 'nora@example.com', locale: 'nb' } },
    { 'idempotency-key': 'shots-pending', authorization: `Bearer ${pending.holdToken}` },
  );
  await call(app, 'POST', `/api/performances/${performanceId}/holds`, { gaAreaId: ga, quantity: 3 });
}

// --- the pages --------------------------------------------------------------------------------------
/** Saves the viewport, and says so when the page is wider than the screen (content cut off on a phone). */
async function shoot(page: Page, name: string, device: string): Promise<void> {
  await page.mouse.move(0, 0); // no hover outline left on whatever is under the last click
  const overflow = await page.evaluate(async () => {
    interface El {
      tagName: string;
      className: unknown;
      parentElement: El | null;
      getBoundingClientRect(): { right: number };
    }
    const doc = (
      globalThis as unknown as {
        document: {
          fonts: { ready: Promise<unknown> };
          documentElement: { scrollWidth: number; clientWidth: number };
          querySelectorAll(s: string): Iterable<El>;
        };
      }
    ).document;
    await doc.fonts.ready;
    const screen = doc.documentElement.clientWidth;
    if (doc.documentElement.scrollWidth <= screen) return null;
    // The outermost elements that stick out past the right edge are the ones to fix. (No named
    // helpers in here: tsx wraps them in a `__name` call that does not exist in the page.)
    const culprits: string[] = [];
    for (const el of doc.querySelectorAll('body *')) {
      const right = el.getBoundingClientRect().right;
      if (right <= screen + 1 || (el.parentElement && el.parentElement.getBoundingClientRect().right > screen + 1)) continue;
      const classes = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      culprits.push(`${el.tagName.toLowerCase()}${classes} (right edge ${Math.round(right)} px)`);
    }
    return { width: doc.documentElement.scrollWidth, screen, culprits: culprits.slice(0, 5) };
  });
  if (overflow) console.warn(`warning: ${name}-${device} is ${overflow.width} px wide on a ${overflow.screen} px screen: ${overflow.culprits.join(', ')}`);
  await page.screenshot({ path: join(OUT, `${name}-${device}.png`), animations: 'disabled', caret: 'hide' });
}

async function buyerPages(browser: Browser, device: 'phone' | 'desktop', performanceId: string): Promise<void> {
  const { context, page, problems } = await openPage(browser, DEVICES[device]);
  try {
    await page.goto(`${baseUrl}/events/luna-brava-mar-adentro`);
    await page.getByTestId('buy-link').first().waitFor();
    await shoot(page, 'event', device);

    await page.getByTestId('buy-link').first().click();
    await page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();
    // Two seats side by side in the middle of Platea's fifth row, picked as a fan would.
    const availability = (await (await fetch(`${baseUrl}/api/performances/${performanceId}/availability`)).json()) as {
      seats: { id: string; section: string; row: string; number: number; status: string }[];
    };
    const pair = availability.seats
      .filter((s) => s.section === 'Platea' && s.row === (device === 'phone' ? '6' : '5') && s.number >= 24 && s.status === 'available')
      .slice(0, 2);
    // On a phone the map starts with finger-sized seats; the clicks scroll the chosen ones into view.
    for (const seat of pair) {
      await page.locator(`[data-testid=seat][data-seat-id="${seat.id}"]`).click();
      await page.locator(`[data-testid=selected-seat][data-seat-id="${seat.id}"]`).waitFor();
    }
    // The phone shows the page from its title, the desktop from the top.
    await page.locator('h1').evaluate((h1, phone) => {
      const win = globalThis as unknown as { scrollY: number; scrollTo(x: number, y: number): void };
      const top = (h1 as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top + win.scrollY;
      win.scrollTo(0, phone ? Math.max(0, top - 16) : 0);
    }, device === 'phone');
    await shoot(page, 'seatmap', device);

    await page.getByTestId('hold-seats').click();
    await page.waitForURL(/\/checkout\//);
    await fillBuyer(page, device === 'phone' ? 'Marta Sánchez' : 'Jonas Berg', device === 'phone' ? 'marta@example.com' : 'jonas@example.com');
    const frame = page.frameLocator('[data-testid=payment-frame]');
    await frame.locator('#cardNumber').fill(CARD.ok);
    if (device === 'phone') await page.getByTestId('payment-frame').scrollIntoViewIfNeeded();
    await shoot(page, 'checkout', device);

    await payWithCard(page, CARD.ok);
    await page.waitForURL(/\/orders\//);
    await page.locator('[data-testid=ticket] svg.qr').nth(1).waitFor();
    await shoot(page, 'tickets', device);
    assert.deepEqual(problems, [], `${device}: ${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

// --- fan accounts -----------------------------------------------------------------------------------
/**
 * The buyer of the tickets screenshots (Marta on the phone, Jonas on the desktop) makes an account
 * with the same email, signs in on the page, and claims the guest order they just made.
 */
async function fanAccount(browser: Browser, device: 'phone' | 'desktop', app: App): Promise<void> {
  const email = device === 'phone' ? 'marta@example.com' : 'jonas@example.com';
  const password = 'mar adentro, fila cinco, butaca veinticuatro';
  const fromPage = { origin: baseUrl };
  await call(app, 'POST', '/api/account/sign-up', { email, password, name: device === 'phone' ? 'Marta Sánchez' : 'Jonas Berg', locale: 'es' }, fromPage);
  const link = await db
    .selectFrom('outbox')
    .select('body_text')
    .where('recipient', '=', email)
    .where('kind', '=', 'customer_verify_email')
    .executeTakeFirstOrThrow();
  const token = decodeURIComponent(/#token=(\S+)/.exec(link.body_text)![1]!);
  await call(app, 'POST', '/api/account/verify', { token, password }, fromPage);

  const { context, page, problems } = await openPage(browser, { ...DEVICES[device], locale: 'es-ES' });
  try {
    await page.goto(`${baseUrl}/account/sign-in`);
    await page.getByTestId('sign-in-form').waitFor();
    await page.locator('#sign-in-email').fill(email);
    await shoot(page, 'fan-sign-in', device);
    await page.locator('input[autocomplete=current-password]').fill(password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('account').waitFor();
    await page.getByTestId('claim-orders').click();
    await page.getByTestId('account-order').first().waitFor();
    await shoot(page, 'fan-account', device);
    assert.deepEqual(problems, [], `${device}: ${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

// --- staff ------------------------------------------------------------------------------------------
/** Staff for the staff page: the owner whose session the console screenshots use, two colleagues, one invited. */
async function staff(app: App): Promise<string> {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const people = [
    { role: 'owner', name: 'Marta Sánchez' },
    { role: 'admin', name: 'Jonas Berg' },
    { role: 'box_office', name: 'Lucía Vega', refundLimit: 15000 },
    { role: 'security', name: 'Ingrid Dahl' },
  ] as const;
  let cookie = '';
  for (const person of people) {
    const { role, name, ...limits } = person;
    const made = await signedInStaff(app, role, { ...limits, origin: baseUrl });
    await call(app, 'PATCH', `/api/admin/staff/${made.id}`, { name }, admin);
    cookie ||= made.cookie;
  }
  await call(app, 'POST', '/api/admin/staff', { email: 'pieter@example.com', name: 'Pieter de Vries', role: 'door' }, admin);
  return cookie;
}

/**
 * What browsers would report: an extension's script refused on an event page, and a skimmer's on
 * the checkout page, which opens a script_compromise incident (the list flushes the reports).
 */
async function reportViolations(app: App): Promise<void> {
  const report = (document: string, blocked: string, sample = '') => ({
    'csp-report': { 'document-uri': `${baseUrl}${document}`, 'violated-directive': 'script-src-elem', 'blocked-uri': blocked, 'script-sample': sample },
  });
  for (const body of [
    report('/events/luna-brava-mar-adentro', 'chrome-extension://abcdefghijklmnop/inject.js'),
    report('/checkout/0f8fad5b-d9cb-469f-a165-70867728950e', 'https://cdn-analytics.example/skim.js'),
    report('/checkout/0f8fad5b-d9cb-469f-a165-70867728950e', 'inline', 'fetch("https://cdn-analytics.ex'),
  ]) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/security/csp-reports',
      headers: { 'content-type': 'application/csp-report' },
      payload: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 204, res.body);
  }
  await call(app, 'GET', '/api/admin/security/csp-reports', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });
}

/** Payment-page integrity, with the incident the blocked skimmer opened on top. */
async function integrity(browser: Browser, device: 'phone' | 'desktop', owner: string): Promise<void> {
  const { context, page, problems } = await openPage(browser, DEVICES[device]);
  try {
    await context.addCookies([staffCookie(baseUrl, owner)]);
    await page.goto(`${baseUrl}/console/integrity`);
    await page.getByTestId('integrity-incident').waitFor();
    await page.locator('[data-testid=csp-report]').first().waitFor();
    await page.waitForSelector('#main .loading', { state: 'detached' });
    await shoot(page, 'integrity', device);
    assert.deepEqual(problems, [], `${device}: ${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

/**
 * An incident opened by hand (a bank's tip, aware since yesterday evening), with an owner, a note
 * and a scope counted over the screenshots' own sales, as an operator would have left it.
 */
async function incidentWithScope(app: App): Promise<string> {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const incident = await call(
    app,
    'POST',
    '/api/admin/incidents',
    {
      kind: 'data_exposure',
      title: 'Bank reports card fraud among our buyers',
      severity: 'critical',
      awareAt: new Date(Date.now() - 62 * 3600_000).toISOString(),
    },
    admin,
  );
  await call(app, 'PATCH', `/api/admin/incidents/${incident.id}`, { owner: 'marta@example.com' }, admin);
  await call(
    app,
    'POST',
    `/api/admin/incidents/${incident.id}/notes`,
    { text: 'Banco Norte saw fraud on cards used here last night; they will send the card numbers’ first purchase dates.' },
    admin,
  );
  await call(
    app,
    'POST',
    `/api/admin/incidents/${incident.id}/scopes`,
    { from: new Date(Date.now() - 3 * 3600_000).toISOString(), storefronts: ['web'] },
    admin,
  );
  return incident.id;
}

/** The incident page: the regulator's clock in its last 12 hours, the scope counted, the timeline. */
async function incidentPage(browser: Browser, device: 'phone' | 'desktop', owner: string, incidentId: string): Promise<void> {
  const { context, page, problems } = await openPage(browser, DEVICES[device]);
  try {
    await context.addCookies([staffCookie(baseUrl, owner)]);
    await page.goto(`${baseUrl}/console/incidents/${incidentId}`);
    await page.getByTestId('incident-clock-value').waitFor();
    await page.getByTestId('incident-scope').first().waitFor();
    await page.locator('[data-testid=scope-performance]').first().waitFor();
    await page.waitForSelector('#main .loading', { state: 'detached' });
    // On a phone the clock fills the first screen: show the scope, which is what the page is for.
    if (device === 'phone') await page.getByTestId('incident-scopes').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shoot(page, 'incident', device);
    assert.deepEqual(problems, [], `${device}: ${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

/** The way in: the sign-in page, and a new colleague's enrolment with an authenticator app (its QR code). */
async function signInPages(browser: Browser, device: 'phone' | 'desktop', app: App): Promise<void> {
  const { context, page, problems } = await openPage(browser, DEVICES[device]);
  try {
    await page.goto(`${baseUrl}/console`);
    await page.getByTestId('sign-in').waitFor();
    await shoot(page, 'sign-in', device);

    const email = `new-${device}@example.com`;
    const invited = await call(
      app,
      'POST',
      '/api/admin/staff',
      { email, name: 'Carmen Ruiz', role: 'event_manager' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    await page.goto(invited.invitationUrl);
    await page.getByTestId('invite-password').fill('a harbour full of lanterns');
    await page.getByTestId('invite-repeat').fill('a harbour full of lanterns');
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('enrol-totp').click();
    await page.locator('[data-testid=totp-enrol] svg.qr').waitFor();
    await shoot(page, 'enrol', device);
    assert.deepEqual(problems, [], `${device}: ${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

/** The waiting room in Spanish: what the line is for, the place, and no pace before anyone is let in. */
async function queuePage(browser: Browser, device: 'phone' | 'desktop', performanceId: string): Promise<void> {
  const { context, page, problems } = await openPage(browser, DEVICES[device]);
  try {
    await page.goto(`${baseUrl}/queue/${performanceId}`);
    await page.locator('[data-testid=queue-state][data-state=waiting]').waitFor();
    await page.locator('[data-testid=queue-language] button[data-locale=es]').click();
    await page.locator('[data-testid=queue-show]:not([hidden])').waitFor();
    await page.getByTestId('queue-pace').waitFor();
    await shoot(page, 'queue', device);
    assert.deepEqual(problems, [], `${device}: ${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

async function dashboard(browser: Browser, device: 'phone' | 'desktop', owner: string, eventId: string, performanceId: string): Promise<void> {
  const { context, page, problems } = await openPage(browser, DEVICES[device]);
  try {
    // The owner's session, as the sign-in page would have left it (the cookie is HttpOnly).
    await context.addCookies([staffCookie(baseUrl, owner)]);
    await page.goto(`${baseUrl}/console`);
    await page.getByTestId('sign-out').waitFor({ state: 'attached' });
    await page.goto(`${baseUrl}/console/events/${eventId}/performances/${performanceId}`);
    await page.getByTestId('sales-chart').waitFor();
    await page.getByTestId('live-indicator').waitFor();
    await shoot(page, 'dashboard', device);

    // The door scanner, as staff see it after admitting a ticket bought a moment ago.
    await page.getByTestId('nav-scanner').click();
    await page.getByTestId('scan-input').fill(doorCodes[device === 'phone' ? 0 : 1]!);
    await page.getByTestId('scan-input').press('Enter');
    await page.locator('[data-testid=scan-result][data-result=admitted]').waitFor();
    await shoot(page, 'scanner', device);

    // The shield, forced on by the operator, with the traffic of the screenshots themselves.
    const forced = await app!.inject({ method: 'PUT', url: '/api/admin/shield', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { mode: 'on' } });
    assert.equal(forced.statusCode, 200, forced.body);
    await page.getByTestId('nav-shield').click();
    await page.locator('[data-testid=shield-mode][data-mode=on]').waitFor();
    await shoot(page, 'shield', device);

    await page.goto(`${baseUrl}/console/staff`);
    await page.locator('[data-testid=staff-row][data-status=invited]').first().waitFor();
    await shoot(page, 'staff', device);
    assert.deepEqual(problems, [], `${device}: ${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

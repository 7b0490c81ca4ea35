import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createShow } from '../helpers/fixtures.js';
import { pickSeats } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

/** What the server answers while the database restarts. */
const unavailable = {
  status: 503,
  headers: { 'retry-after': '1', 'content-type': 'application/json' },
  body: JSON.stringify({ error: { code: 'database_unavailable', message: 'The database is not answering; retry shortly' } }),
};

describe('browser calm retries', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: while the box office answers 503 database_unavailable, the page retries by itself with a calm message in the fan language, then shows the events', {
    timeout: 30_000,
  }, async () => {
    await createShow(server.t.app, { rows: 1, perRow: 5, slug: 'calm-retry-show' });
    await withPage(
      browser,
      async ({ page, problems }) => {
        let refused = 0;
        await page.route(
          (url) => url.pathname === '/api/events',
          (route) => (refused++ < 2 ? route.fulfill(unavailable) : route.continue()),
        );
        await page.goto(`${server.baseUrl}/`);
        const calm = page.getByTestId('calm-notice');
        await calm.waitFor();
        assert.equal(await calm.innerText(), 'La taquilla está muy ocupada en este momento. Lo seguimos intentando por ti; no cierres esta página.');
        await page.locator('a[href="/events/calm-retry-show"]').first().waitFor();
        await calm.waitFor({ state: 'detached' });
        assert.equal(refused, 3, 'two refusals waited out, then the real answer');
        assert.equal(await page.getByTestId('error').count(), 0, 'no error shown');
        assert.deepEqual(problems, []);
      },
      { locale: 'es-ES' },
    );
  });

  test('browser: a hold refused with 503 busy is sent again under the same Idempotency-Key, and the fan gets one hold', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    await withPage(browser, async ({ page, problems }) => {
      const keys: string[] = [];
      await page.route(`**/api/performances/${show.performanceId}/holds`, (route) => {
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (keys.length === 1) {
          return route.fulfill({
            status: 503,
            headers: { 'retry-after': '1', 'content-type': 'application/json' },
            body: JSON.stringify({ error: { code: 'busy', message: 'Tickets are in high demand; please retry' } }),
          });
        }
        return route.continue();
      });
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await pickSeats(page, 2);
      await page.getByTestId('hold-seats').click();
      await page.getByTestId('calm-notice').waitFor();
      await page.waitForURL(/\/checkout\//);
      assert.equal(keys.length, 2);
      assert.ok(keys[0]!.length >= 16, 'the hold carries an Idempotency-Key');
      assert.equal(keys[1], keys[0], 'the retry carries the same key');
      const holds = await server.t.ctx.db.selectFrom('holds').select('id').where('performance_id', '=', show.performanceId).execute();
      assert.equal(holds.length, 1);
      assert.deepEqual(problems, []);
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { admin } from '../helpers/app.js';
import { createShow, hold } from '../helpers/fixtures.js';
import { pickSeats } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

describe('browser waiting room', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: a fan joins the line, is admitted, and holds seats with the access token', { timeout: 45_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    const { db, waitingRoom } = server.t.ctx;
    // An on-sale time gives the performance a waiting room, switched on.
    await db
      .updateTable('performances')
      .set({ on_sale_at: new Date(Date.now() - 60_000) })
      .where('id', '=', show.performanceId)
      .execute();
    const room = await server.t.app.inject({ url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin });
    assert.equal(room.statusCode, 200, room.body);
    assert.equal(room.json().enabled, true);
    await waitingRoom.tick();

    const refused = await hold(server.t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    assert.equal(refused.statusCode, 403, 'no hold without admission');
    assert.equal(refused.json().error.code, 'not_admitted');

    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await page.getByTestId('queue-notice').waitFor();
      await page.getByTestId('queue-join').click();
      await page.waitForURL(/\/queue\//);
      await page.locator('[data-testid=queue-state][data-state=waiting], [data-testid=queue-state][data-state=admitted]').waitFor();
      // The server's admission tick, which the harness does not run by itself.
      const ticking = setInterval(() => {
        void waitingRoom.tick();
      }, 500);
      try {
        await page.waitForURL(new RegExp(`/performances/${show.performanceId}$`), { timeout: 20_000 });
      } finally {
        clearInterval(ticking);
      }
      await page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();
      await pickSeats(page, 1);
      await page.getByTestId('hold-seats').click();
      await page.waitForURL(/\/checkout\//);
      await page.getByTestId('hold-item').first().waitFor();
      assert.deepEqual(problems, []);
    });
  });
});

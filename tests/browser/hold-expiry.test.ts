import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { expireHolds } from '../../src/inventory/holds.service.js';
import { createShow } from '../helpers/fixtures.js';
import { fillBuyer, pickSeats } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

describe('browser hold expiry', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  // The shortest hold the config allows, so the countdown runs out within the test.
  before(async () => {
    [server, browser] = await Promise.all([startServer({ HOLD_TTL_SECONDS: '5' }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: the hold expires and the fan is told', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      const [seatId] = await pickSeats(page, 1);
      await page.getByTestId('hold-seats').click();
      await page.waitForURL(/\/checkout\//);
      const countdown = page.getByTestId('countdown');
      await countdown.waitFor();
      assert.ok(Number(await countdown.getAttribute('data-seconds')) <= 5);
      await fillBuyer(page); // the fan gets as far as the card form, then dawdles
      await page.getByTestId('payment-frame').waitFor();

      const ended = page.locator('[data-testid=hold-ended][data-reason=expired]');
      await ended.waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId('payment-frame').count(), 0, 'the card form is gone');

      // The server's sweeper (a job in server.ts) returns the stock; here the test runs it.
      let released = 0;
      for (let i = 0; i < 20 && released === 0; i++) {
        released = await expireHolds(server.t.ctx.db);
        if (released === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(released, 1);

      await page.getByTestId('back-to-performance').click();
      await page.waitForURL(new RegExp(`/performances/${show.performanceId}$`));
      await page.locator(`[data-testid=seat][data-seat-id="${seatId}"][data-status=available]`).waitFor();
      assert.deepEqual(problems, []);
    });
  });
});

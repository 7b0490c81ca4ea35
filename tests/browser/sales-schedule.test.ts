import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createSalesSchedule } from '../../src/catalog/sales-schedule.js';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const failed = (error: unknown) => assert.fail(`sales schedule: ${String(error)}`);

describe('browser sales schedule', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: a fan in the pre-queue moves on at the on-sale time without a reload, is admitted and picks seats', { timeout: 45_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10, open: false });
    const { waitingRoom } = server.t.ctx;
    const onSaleAt = Math.ceil(Date.now() / 1000) * 1000 + 5000;
    const set = await server.t.app.inject({
      method: 'PATCH',
      url: `/api/admin/performances/${show.performanceId}`,
      headers: admin,
      payload: { onSaleAt: new Date(onSaleAt).toISOString() },
    });
    assert.equal(set.statusCode, 200, set.body);
    // The harness runs no background jobs; the schedule runs here as server.ts runs it. The
    // admission tick waits until the fan is seen drawn, so the draw and the admission show apart.
    const schedule = createSalesSchedule(server.t.ctx, { info: () => {}, error: (message) => assert.fail(message) }).start(failed);
    let ticking: ReturnType<typeof setInterval> | undefined;
    try {
      await withPage(browser, async ({ page, problems }) => {
        await page.goto(`${server.baseUrl}/queue/${show.performanceId}`);
        await page.locator('[data-testid=queue-state][data-state=pre_queue]').waitFor();
        // Set in this document: a reload or a navigation would lose it.
        await page.evaluate(() => {
          (globalThis as unknown as { stayed: boolean }).stayed = true;
        });
        await page.locator('[data-testid=queue-state][data-state=waiting]').waitFor({ timeout: onSaleAt - Date.now() + 4000 });
        const movedAfter = Date.now() - onSaleAt;
        console.log(`# metric queue page left the pre-queue ${movedAfter} ms after the on-sale time`);
        assert.ok(movedAfter >= 0, 'not before the on-sale time');
        assert.equal(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed), true, 'the same page, not reloaded');

        ticking = setInterval(() => {
          void waitingRoom.tick();
        }, 500);
        await page.waitForURL(new RegExp(`/performances/${show.performanceId}$`), { timeout: 15_000 });
        await page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();
        assert.deepEqual(problems, []);
      });
    } finally {
      clearInterval(ticking);
      await schedule.stop();
    }
  });

  test('browser: the console counts down to the on-sale time, and the console and the fan’s page show the sale open without a reload', {
    timeout: 45_000,
  }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10, open: false });
    const onSaleAt = Math.ceil(Date.now() / 1000) * 1000 + 12_000;
    const offSaleAt = onSaleAt + 2 * 3_600_000;
    const set = await server.t.app.inject({
      method: 'PATCH',
      url: `/api/admin/performances/${show.performanceId}`,
      headers: admin,
      payload: { onSaleAt: new Date(onSaleAt).toISOString(), offSaleAt: new Date(offSaleAt).toISOString() },
    });
    assert.equal(set.statusCode, 200, set.body);
    const schedule = createSalesSchedule(server.t.ctx, { info: () => {}, error: (message) => assert.fail(message) }).start(failed);
    try {
      await withPage(browser, async (fan) => {
        await fan.page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
        await fan.page.locator('[data-testid=sale-status][data-status=scheduled]').waitFor();
        await withPage(browser, async (operator) => {
          await signIn(operator.page, server);
          await operator.page.goto(`${server.baseUrl}/console/events/${show.eventId}/performances/${show.performanceId}`);
          await operator.page.locator('[data-testid=sales-status][data-status=scheduled]').waitFor();
          const countdown = operator.page.locator('[data-testid=sales-countdown][data-kind=opens]');
          const time = () => countdown.getByTestId('countdown-time').textContent();
          const first = await time();
          assert.match(first ?? '', /^00:00:[01]\d$/);
          // It ticks: within a second and a half it shows less.
          let later = first;
          for (const until = Date.now() + 1500; later === first && Date.now() < until; ) {
            await new Promise((r) => setTimeout(r, 100));
            later = await time();
          }
          assert.ok(later !== null && first !== null && later < first, `${first}, then ${later}`);
          await operator.page.locator('[data-testid=sales-status][data-status=on_sale]').waitFor({ timeout: onSaleAt - Date.now() + 4000 });
          console.log(`# metric the console showed the sale open ${Date.now() - onSaleAt} ms after the on-sale time`);
          await operator.page.locator('[data-testid=sales-countdown][data-kind=closes]').waitFor();
          assert.match((await operator.page.getByTestId('countdown-time').textContent()) ?? '', /^0[12]:\d\d:\d\d$/);
          assert.deepEqual(operator.problems, []);
        });
        // The fan's page asks again just after the on-sale time, whatever its 5 s poll says.
        await fan.page.locator('[data-testid=sale-status][data-status=on_sale]').waitFor({ timeout: Math.max(1000, onSaleAt - Date.now() + 4000) });
        assert.deepEqual(fan.problems, []);
      });
    } finally {
      await schedule.stop();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createShow } from '../helpers/fixtures.js';
import { buyThroughApi, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

describe('browser operator console', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: the operator pauses the sale and the fan sees it', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    await withPage(browser, async (fan) => {
      await fan.page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await fan.page.locator('[data-testid=sale-status][data-status=on_sale]').waitFor();
      await fan.page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();

      let pausedAt = 0;
      await withPage(browser, async (operator) => {
        await signIn(operator.page, server);
        await operator.page.goto(`${server.baseUrl}/console/events/${show.eventId}/performances/${show.performanceId}`);
        await operator.page.getByTestId('sales-pause').click();
        await operator.page.locator('[data-testid=sales-status][data-status=paused]').waitFor();
        pausedAt = Date.now();
        assert.deepEqual(operator.problems, []);
      });

      // The fan's page asks again every 5 s; nothing else tells it.
      await fan.page.locator('[data-testid=sale-status][data-status=paused]').waitFor({ timeout: 8_000 });
      console.log(`# metric the fan saw the pause after ${Date.now() - pausedAt} ms (refresh every 5 s)`);
      assert.equal(await fan.page.locator('[data-testid=seat-map][data-interactive=true]').count(), 0, 'the map stops taking picks');
      assert.equal(await fan.page.getByTestId('hold-seats').isDisabled(), true);
      assert.deepEqual(fan.problems, []);
    });
  });

  test('browser: the door scans a ticket twice and the second is refused', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    const {
      codes: [code],
    } = await buyThroughApi(server, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    const otherShow = await createShow(server.t.app, { rows: 1, perRow: 5 });
    const {
      codes: [otherCode],
    } = await buyThroughApi(server, otherShow.performanceId, { categoryId: otherShow.categories.Front, quantity: 1 });
    await withPage(browser, async ({ page, problems }) => {
      // A door account: the scanner is all it sees, and where the console takes it.
      await signIn(page, server, 'door');
      await page.waitForURL(/\/console\/scanner$/);
      await page.getByTestId('nav-scanner').click();
      const input = page.getByTestId('scan-input');
      await input.fill(code!);
      await input.press('Enter');
      await page.locator('[data-testid=scan-result][data-result=admitted]').waitFor();

      await input.fill(code!);
      await page.getByTestId('scan-submit').click();
      await page.locator('[data-testid=scan-result][data-result=already_used]').waitFor();
      assert.match(await page.getByTestId('scan-detail').innerText(), /First scanned/);
      assert.equal(await page.locator('[data-testid=scan-history] li').count(), 2);

      // A door set to this show refuses another show's ticket, and leaves it unused.
      await page.getByTestId('scan-performance').selectOption(show.performanceId);
      await input.fill(otherCode!);
      await input.press('Enter');
      await page.locator('[data-testid=scan-result][data-result=invalid]').waitFor();
      assert.match(await page.getByTestId('scan-detail').innerText(), /another performance/);
      const unused = await server.t.ctx.db.selectFrom('tickets').select('checked_in_at').where('code', '=', otherCode!).executeTakeFirstOrThrow();
      assert.equal(unused.checked_in_at, null);

      // A code that was never issued is refused as well.
      await input.fill(`${code!.slice(0, -4)}AAAA`);
      await input.press('Enter');
      await page.locator('[data-testid=scan-result][data-result=invalid]').waitFor();
      assert.deepEqual(problems, []);
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createShow } from '../helpers/fixtures.js';
import { signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

describe('browser box office', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: the box office blocks house seats, turns one into a comp and sells another for cash, with QR codes on screen', {
    timeout: 60_000,
  }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 6, gaCapacity: 10 });
    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server);
      await page.goto(`${server.baseUrl}/console/events/${show.eventId}/performances/${show.performanceId}`);
      await page.getByTestId('performance-box-office').click();
      await page.getByTestId('bo-seats').waitFor();
      const seat = (label: string) => page.getByTestId(`bo-seat-${label}`);
      const seatLabels = await page.locator('.bo-seat').evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').replace('bo-seat-', '')));
      assert.equal(seatLabels.length, 12);
      const [a, b, c] = seatLabels as [string, string, string];

      // Block two seats as house seats.
      await seat(a).click();
      await seat(b).click();
      await page.getByTestId('bo-block-kind').selectOption('house');
      await page.getByTestId('bo-block-note').fill('Director');
      await page.getByTestId('bo-block-submit').click();
      await page.locator(`[data-testid="bo-seat-${a}"][data-state=blocked]`).waitFor();
      assert.equal(await page.getByTestId('bo-block-item').count(), 1);

      // One house seat becomes a comp.
      await seat(a).click();
      await page.getByTestId('bo-comp-reason').fill('Director’s guest');
      await page.getByTestId('bo-comp-name').fill('Marta Soler');
      await page.getByTestId('bo-comp-email').fill('marta@example.com');
      await page.getByTestId('bo-comp-submit').click();
      await page.getByTestId('bo-result').waitFor();
      assert.equal(await page.locator('[data-testid=bo-ticket] svg.qr').count(), 1);
      await page.locator(`[data-testid="bo-seat-${a}"][data-state=taken]`).waitFor();
      await page.getByTestId('bo-done').click();

      // A free seat and two standing places sold for cash: the tickets show at once.
      await seat(c).click();
      await page.getByTestId('bo-ga-Floor').fill('2');
      await page.getByTestId('bo-cash').check();
      await page.getByTestId('bo-sell-submit').click();
      await page.getByTestId('bo-result').waitFor();
      assert.equal(await page.locator('[data-testid=bo-ticket] svg.qr').count(), 3);
      assert.match((await page.getByTestId('bo-result').textContent()) ?? '', /Sold · cash/);
      assert.equal(await page.getByTestId('bo-print').isVisible(), true);
      await page.screenshot({ path: 'docs/screenshots/console-box-office.png', fullPage: true });
      assert.deepEqual(problems, []);
    });
    const orders = await server.t.ctx.db
      .selectFrom('orders')
      .select(['channel', 'payment_method', 'total'])
      .where('performance_id', '=', show.performanceId)
      .orderBy('created_at')
      .execute();
    assert.deepEqual(orders, [
      { channel: 'comp', payment_method: 'none', total: 0 },
      { channel: 'box_office', payment_method: 'cash', total: 5000 + 2 * 3000 },
    ]);
  });
});

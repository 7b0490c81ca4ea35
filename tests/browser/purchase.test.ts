import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createShow } from '../helpers/fixtures.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';
import { CARD, expectCount, fillBuyer, payWithCard, pickSeats, ticketsOnOrderPage } from './flows.js';

const skip = browserSkipReason();

describe('browser purchases', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: a fan buys two seats and a GA place end to end and sees QR tickets', { timeout: 45_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 3, perRow: 10, gaCapacity: 50 });
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await page.locator('[data-testid=sale-status][data-status=on_sale]').waitFor();
      await pickSeats(page, 2);
      // Seats and a standing place go into one hold, one order, one payment.
      await page.getByTestId('selection-ga-quantity').selectOption('1');
      await page.locator('[data-testid=selected-ga][data-quantity="1"]').waitFor();
      await page.getByTestId('hold-seats').click();
      await page.waitForURL(/\/checkout\//);
      await expectCount(page.getByTestId('hold-item'), 3);
      await fillBuyer(page);
      await payWithCard(page, CARD.ok);
      const codes = await ticketsOnOrderPage(page, 3);
      const tickets = await server.t.ctx.db.selectFrom('tickets').select(['seat_id', 'ga_area_id']).where('code', 'in', codes).execute();
      assert.equal(tickets.filter((x) => x.seat_id).length, 2, 'two seated tickets');
      assert.equal(tickets.filter((x) => x.ga_area_id === show.gaAreaId).length, 1, 'one standing ticket');

      for (const code of codes) {
        const claims = server.t.ctx.tickets.verify(code);
        assert.ok(claims, `the app's signer accepts ${code}`);
        assert.equal(claims.performanceId, show.performanceId);
      }
      assert.deepEqual(problems, []);
    });
  });

  test('browser: a declined card, then a good one', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await pickSeats(page, 1);
      await page.getByTestId('hold-seats').click();
      await page.waitForURL(/\/checkout\//);
      await fillBuyer(page);
      await payWithCard(page, CARD.declined);
      const error = page.getByTestId('error');
      await error.waitFor();
      assert.match(await error.innerText(), /declined/i);
      assert.equal(new URL(page.url()).pathname.startsWith('/checkout/'), true, 'still at checkout');

      await payWithCard(page, CARD.ok);
      const [code] = await ticketsOnOrderPage(page, 1);
      assert.ok(server.t.ctx.tickets.verify(code!));
      assert.deepEqual(problems, []);
    });
  });
});

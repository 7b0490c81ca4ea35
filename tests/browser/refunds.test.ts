import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createShow } from '../helpers/fixtures.js';
import { buyThroughApi, expectCount, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

describe('browser refunds', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: the box office refunds one ticket of three, within its limit, and that seat is sold again', { timeout: 60_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 4 });
    const seats = show.seats.slice(0, 3).map((s) => s.id);
    const { orderId } = await buyThroughApi(server, show.performanceId, { seatIds: seats });
    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server, 'box_office', { refundLimit: 6000 });
      await page.goto(`${server.baseUrl}/console/orders/${orderId}`);
      await expectCount(page.getByTestId('ticket-row'), 3);
      // The whole order (150.00) is above the limit; single tickets (50.00) are not.
      await page.getByTestId('order-refund-over-limit').waitFor();
      const boxes = page.getByTestId('ticket-select');
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      assert.match(await page.getByTestId('refund-selection').innerText(), /2 tickets selected · €100\.00/);
      await page.getByTestId('refund-selection-over-limit').waitFor();
      assert.equal(await page.getByTestId('refund-tickets').isDisabled(), true);
      await boxes.nth(0).uncheck();
      assert.equal(await page.getByTestId('refund-tickets').isDisabled(), false);

      const row = page.getByTestId('ticket-row').nth(1);
      const ticketId = await row.getAttribute('data-ticket-id');
      const label = await row.locator('td').nth(1).innerText();
      await page.getByTestId('refund-tickets').click();
      const dialog = page.getByTestId('refund-tickets-dialog');
      await dialog.waitFor();
      assert.match(await dialog.getByTestId('refund-tickets-list').innerText(), new RegExp(`${label}.*€50\\.00`));
      await dialog.getByTestId('refund-reason').fill('cannot come');
      await page.getByTestId('refund-tickets-confirm').click();
      await page.getByTestId('order-result').waitFor();
      assert.match(await page.getByTestId('order-result').innerText(), /€50\.00 refunded for 1 ticket/);

      await page.locator(`[data-ticket-id="${ticketId}"] [data-testid=ticket-status][data-status=refunded]`).waitFor();
      await expectCount(page.locator('[data-testid=ticket-status][data-status=valid]'), 2);
      await expectCount(page.getByTestId('refund-row'), 1);
      assert.equal(await page.getByTestId('refund-amount').innerText(), '€50.00');
      assert.equal(await page.locator('[data-testid=order-status]').getAttribute('data-status'), 'paid');
      assert.equal(await page.getByTestId('order-refunded').innerText(), '−€50.00');
      // The refunded ticket can no longer be ticked; the two left can.
      await expectCount(page.getByTestId('ticket-select'), 2);
      assert.deepEqual(problems, []);
    });

    const refunds = await server.t.ctx.db.selectFrom('refunds').select(['amount', 'reason', 'ticket_ids']).where('order_id', '=', orderId).execute();
    assert.equal(refunds.length, 1);
    assert.deepEqual([refunds[0]!.amount, refunds[0]!.reason], [5000, 'cannot come']);
    const mail = await server.t.ctx.db.selectFrom('outbox').select('subject').where('order_id', '=', orderId).where('kind', '=', 'order_refund').execute();
    assert.deepEqual(
      mail.map((m) => m.subject),
      ['Reembolso parcial de tu pedido: Test Show'],
    );
    // Someone else buys the refunded seat straight away.
    const refundedSeat = (await server.t.ctx.db.selectFrom('tickets').select('seat_id').where('id', '=', refunds[0]!.ticket_ids[0]!).executeTakeFirstOrThrow())
      .seat_id;
    const again = await buyThroughApi(server, show.performanceId, { seatIds: [refundedSeat!] });
    assert.equal(again.codes.length, 1);
  });
});

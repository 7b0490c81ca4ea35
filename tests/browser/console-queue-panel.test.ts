import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { createShow } from '../helpers/fixtures.js';
import { signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

/** WCAG 2 contrast ratio between two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The computed text and background colours of an element, read in the page. */
type Styled = { ownerDocument: { defaultView: { getComputedStyle(el: unknown): { color: string; backgroundColor: string } } } };
const colours = (button: Locator) =>
  button.evaluate((el) => {
    const style = (el as unknown as Styled).ownerDocument.defaultView.getComputedStyle(el);
    return [style.color, style.backgroundColor];
  });

describe('browser console waiting-room panel', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: a new performance’s waiting room tells the real tickets left, and its pause buttons read at 4.5:1', { timeout: 30_000 }, async () => {
    // 4 rows of 47 seats and 4 standing places: 192 tickets, none sold, and no admission tick has run.
    const show = await createShow(server.t.app, { rows: 4, perRow: 47, gaCapacity: 4 });
    await server.t.ctx.db
      .updateTable('performances')
      .set({ on_sale_at: new Date(Date.now() - 60_000) })
      .where('id', '=', show.performanceId)
      .execute();
    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server);
      await page.goto(`${server.baseUrl}/console/events/${show.eventId}/performances/${show.performanceId}`);
      await page.locator('[data-testid=queue-panel] [data-testid=queue-state][data-state=open]').waitFor();
      assert.match(await page.getByTestId('queue-panel').innerText(), /192 tickets left/);

      for (const id of ['queue-pause', 'sales-pause']) {
        const [color, background] = await colours(page.getByTestId(id));
        const ratio = contrast(color!, background!);
        assert.ok(ratio >= 4.5, `${id}: ${color} on ${background} is ${ratio.toFixed(2)}:1`);
      }
      assert.deepEqual(problems, []);
    });
  });
});

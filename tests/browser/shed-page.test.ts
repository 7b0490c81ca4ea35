import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { testApp, type TestApp } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { freePort } from '../helpers/net.js';
import { browserSkipReason, launchBrowser, withPage } from './harness.js';

const skip = browserSkipReason();

describe('browser shed page', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let pressure = 0;
  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    [t, browser] = await Promise.all([
      testApp({ SHIELD_ENABLED: 'true', PORT: String(port), BASE_URL: baseUrl }, 20, { shield: { pressure: () => pressure } }),
      launchBrowser(),
    ]);
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('browser: a shed performance page shows a calm page in Spanish, styled under its CSP, and loads the real page by itself', {
    timeout: 30_000,
  }, async () => {
    const show = await createShow(t.app);
    await withPage(
      browser,
      async ({ page, problems }) => {
        pressure = 1.5; // browsing is shed, the rest is not
        const response = await page.goto(`${baseUrl}/performances/${show.performanceId}`);
        assert.equal(response?.status(), 503);
        const heading = page.getByRole('heading', { name: 'La taquilla está muy ocupada en este momento' });
        await heading.waitFor();
        assert.equal(await page.evaluate('getComputedStyle(document.body).display'), 'grid', 'its inline style applies');
        const retryAfter = Number(response?.headers()['retry-after']);
        pressure = 0;
        const shedAt = Date.now();
        // No click: the page asks again by itself after Retry-After.
        await heading.waitFor({ state: 'detached', timeout: (retryAfter + 5) * 1000 });
        assert.ok(Date.now() - shedAt >= (retryAfter - 1) * 1000, `asked again after ${Date.now() - shedAt} ms (Retry-After: ${retryAfter})`);
        await page.locator('meta[name="taquilla-build"]').waitFor({ state: 'attached' });
        assert.deepEqual(problems, []);
      },
      { locale: 'es-ES' },
    );
  });

  test('browser: a fan can stop the shed page trying again by itself, and try again when ready', { timeout: 30_000 }, async () => {
    const show = await createShow(t.app);
    await withPage(browser, async ({ page, problems }) => {
      pressure = 1.5;
      const response = await page.goto(`${baseUrl}/performances/${show.performanceId}`);
      assert.equal(response?.status(), 503);
      const retryAfter = Number(response?.headers()['retry-after']);
      await page.getByRole('button', { name: 'Stop trying by itself' }).click();
      await page.getByText('It will not try again by itself.').waitFor();
      assert.equal(await page.evaluate('document.activeElement.id'), 'now', 'focus on "Try again now"');
      pressure = 0;
      // Past its Retry-After, still the shed page: nothing reloaded it.
      await new Promise((resolve) => setTimeout(resolve, (retryAfter + 1) * 1000));
      assert.equal(await page.locator('h1').innerText(), 'The box office is very busy right now');
      await page.getByRole('link', { name: 'Try again now' }).click();
      await page.locator('meta[name="taquilla-build"]').waitFor({ state: 'attached' });
      assert.deepEqual(problems, []);
    });
  });
});

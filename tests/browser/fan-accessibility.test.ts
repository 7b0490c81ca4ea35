/**
 * The fan side has no axe-core violations (WCAG 2.2 A and AA and axe's best practices) on any page
 * or state a fan meets: the events list, an event, a performance in each of its sale states, the
 * checkout from the buyer form to a declined card (the provider's card frame checked on its own
 * origin), the order with its tickets, the waiting room, the shed page, the account pages and the
 * not-found page. In English, again in Spanish along the purchase, and on a phone for the
 * performance, checkout and order pages. One server and one browser for all of it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContextOptions, Frame, Page, Route } from 'playwright-core';
import { totpCode } from '../../src/accounts/totp.js';
import { admin, testApp } from '../helpers/app.js';
import { emailedToken, uniqueEmail, waitFor } from '../helpers/customers.js';
import { createShow } from '../helpers/fixtures.js';
import { freePort } from '../helpers/net.js';
import { expectAccessible } from './axe.js';
import { buyThroughApi, CARD, expectCount, payWithCard, pickSeats, ticketsOnOrderPage, virtualAuthenticator } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const SPANISH = { locale: 'es-ES' };
const PASSWORD = 'a long passphrase only this fan knows';

/** The provider's card form, a frame from another origin, once its fields are there. */
async function cardFrame(page: Page): Promise<Frame> {
  const frame = await (await page.getByTestId('payment-frame').elementHandle())!.contentFrame();
  assert.ok(frame, 'the card form is a frame');
  await frame.locator('#cardNumber').waitFor();
  return frame;
}

/**
 * Moves to `path` as the app's own links do (router.ts): the same document, so axe-core, injected
 * once into it, does not have to be parsed again. Only within one page class (shop, checkout,
 * account); across classes the app itself loads a new document.
 */
async function openInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    const win = globalThis as unknown as {
      history: { pushState(state: null, title: string, url: string): void };
      dispatchEvent(event: unknown): void;
      PopStateEvent: new (type: string) => unknown;
    };
    win.history.pushState(null, '', to);
    win.dispatchEvent(new win.PopStateEvent('popstate'));
  }, path);
}

/** A performance of a venue with no seats, only standing room, on sale. */
async function standingOnly(server: LiveServer): Promise<string> {
  const post = async (url: string, payload: object) => {
    const res = await server.t.app.inject({ method: 'POST', url, headers: admin, payload });
    assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    return res.json();
  };
  const venue = await post('/api/admin/venues', { name: 'Standing Hall', seats: [], gaAreas: [{ name: 'Floor', capacity: 40 }] });
  const event = await post('/api/admin/events', {
    slug: `standing-${Math.random().toString(36).slice(2, 10)}`,
    title: 'Standing Show',
    maxTicketsPerOrder: 10,
    priceCategories: [{ name: 'Floor', price: 3000, currency: 'EUR' }],
  });
  const gaArea = (await server.t.app.inject({ url: `/api/admin/venues/${venue.id}`, headers: admin })).json().gaAreas[0].id;
  const performance = await post(`/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    pricing: [{ categoryId: event.priceCategories[0].id, gaAreaIds: [gaArea] }],
  });
  await post(`/api/admin/performances/${performance.id}/open`, {});
  return performance.id;
}

describe('browser: every fan page and state passes axe-core', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    // `localhost`: the account page's passkeys need a domain name as the relying party.
    [server, browser] = await Promise.all([startServer({}, { hostname: 'localhost' }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * The purchase from the events list to the tickets, checked at every step: the map, seats and a
   * standing place picked, the buyer form with a typo caught, the details sent and edited, a
   * declined card, the paid order.
   */
  async function purchase(options: BrowserContextOptions, how: string): Promise<void> {
    const slug = `axe-${Math.random().toString(36).slice(2, 10)}`;
    const show = await createShow(server.t.app, { rows: 3, perRow: 10, gaCapacity: 50, slug });
    await withPage(
      browser,
      async ({ page, problems }) => {
        await page.goto(`${server.baseUrl}/`);
        await page.locator(`[data-testid=event][data-event-slug="${slug}"]`).waitFor();
        await expectAccessible(page, `the events list ${how}`);

        await page.locator(`[data-testid=event][data-event-slug="${slug}"] a[href="/events/${slug}"]`).click();
        await page.locator(`[data-testid=performance][data-performance-id="${show.performanceId}"]`).waitFor();
        await expectAccessible(page, `an event page ${how}`);

        await page.locator(`[data-testid=performance][data-performance-id="${show.performanceId}"] [data-testid=buy-link]`).click();
        await page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();
        await expectAccessible(page, `a performance's seat map ${how}`);
        await pickSeats(page, 2);
        await page.getByTestId('selection-ga-quantity').selectOption('1');
        await page.locator('[data-testid=selected-ga][data-quantity="1"]').waitFor();
        await expectAccessible(page, `a performance with seats and a standing place picked ${how}`);

        await page.getByTestId('hold-seats').click();
        await page.waitForURL(/\/checkout\//);
        await expectCount(page.getByTestId('hold-item'), 3);
        await page.getByTestId('countdown').waitFor();
        await page.getByTestId('buyer-form').waitFor();
        await expectAccessible(page, `the checkout's buyer form ${how}`);

        await page.getByTestId('buyer-name').fill('Ana Rivera');
        await page.getByTestId('buyer-email').fill('ana@gmial.con');
        await page.keyboard.press('Tab');
        await page.getByTestId('email-suggestion').waitFor();
        await expectAccessible(page, `the checkout with an email typo suggested ${how}`);
        await page.getByTestId('email-suggestion-accept').click();

        await page.getByTestId('buyer-submit').click();
        await page.getByTestId('buyer-summary').waitFor();
        await expectAccessible(page, `the checkout's payment step ${how}`);
        await expectAccessible(await cardFrame(page), `the card form ${how}`);

        await page.getByTestId('buyer-edit').click();
        await page.getByTestId('buyer-cancel').waitFor();
        await expectAccessible(page, `the checkout's edit step ${how}`);
        await page.getByTestId('buyer-submit').click();
        await page.getByTestId('buyer-summary').waitFor();

        await payWithCard(page, CARD.declined);
        await page.getByTestId('error').waitFor();
        await expectAccessible(page, `the checkout after a declined card ${how}`);
        await expectAccessible(await cardFrame(page), `the card form after a declined card ${how}`);

        await payWithCard(page, CARD.ok);
        await ticketsOnOrderPage(page, 3);
        await expectAccessible(page, `the paid order with its tickets ${how}`);

        await openInApp(page, '/no-such-page');
        await page.getByTestId('not-found').waitFor();
        await expectAccessible(page, `the not-found page ${how}`);
        assert.deepEqual(problems, []);
      },
      options,
    );
  }

  test('browser: the purchase path in English on a desktop', { timeout: 120_000 }, () => purchase({}, 'in English'));
  test('browser: the purchase path in Spanish', { timeout: 120_000 }, () => purchase(SPANISH, 'in Spanish'));
  test('browser: the purchase path on a phone', { timeout: 120_000 }, () => purchase(PHONE, 'on a phone'));

  test('browser: performances standing only, sold out and not yet on sale, and an order page without access', { timeout: 120_000 }, async () => {
    const standing = await standingOnly(server);
    const gone = await createShow(server.t.app, { rows: 1, perRow: 2, gaCapacity: 1 });
    await buyThroughApi(server, gone.performanceId, { seatIds: gone.seats.map((s) => s.id), gaAreaId: gone.gaAreaId, quantity: 1 });
    const later = await createShow(server.t.app, { rows: 2, perRow: 5, open: false });
    await server.t.ctx.db
      .updateTable('performances')
      .set({ on_sale_at: new Date(Date.now() + 7 * 86_400_000) })
      .where('id', '=', later.performanceId)
      .execute();
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${standing}`);
      await page.getByTestId('ga-quantity').selectOption('2');
      await expectAccessible(page, 'a standing-only performance, two places chosen');

      await openInApp(page, `/performances/${gone.performanceId}`);
      await page.locator('[data-testid=sale-status][data-status=sold_out]').waitFor();
      await expectAccessible(page, 'a sold-out performance');

      await openInApp(page, `/performances/${later.performanceId}`);
      await page.locator('[data-testid=sale-status][data-status=scheduled]').waitFor();
      await expectAccessible(page, 'a performance not yet on sale');

      await openInApp(page, '/orders/00000000-0000-4000-8000-000000000000');
      await page.getByTestId('order-no-access').waitFor();
      await expectAccessible(page, 'an order page without access');
      assert.deepEqual(problems, []);
    });
  });

  test('browser: the fan’s own hold back from checkout, the question before releasing it, and a hold run out, on a desktop and a phone', {
    timeout: 120_000,
  }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    for (const [options, how] of [
      [{}, 'in English'],
      [PHONE, 'on a phone'],
    ] as [BrowserContextOptions, string][]) {
      await withPage(
        browser,
        async ({ page, problems }) => {
          await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
          await pickSeats(page, 1);
          await page.getByTestId('hold-seats').click();
          await page.waitForURL(/\/checkout\//);
          await page.getByTestId('release').click();
          await page.getByTestId('release-confirm').waitFor();
          await expectAccessible(page, `the checkout asking before releasing ${how}`);
          await page.getByTestId('release-no').click();
          await page.goBack();
          await page.getByTestId('own-hold').waitFor();
          await expectAccessible(page, `a performance back from checkout with the fan's hold ${how}`);
          await page.getByTestId('own-hold').getByTestId('release').click();
          await page.getByTestId('release-confirm').waitFor();
          await expectAccessible(page, `a performance asking before releasing the fan's hold ${how}`);
          await page.getByTestId('release-yes').click();
          await page.getByTestId('own-hold').waitFor({ state: 'detached' });

          // A hold that ran out while the fan was away: the checkout says so.
          await pickSeats(page, 1);
          await page.getByTestId('hold-seats').click();
          await page.waitForURL(/\/checkout\//);
          const holdId = new URL(page.url()).pathname.split('/').pop()!;
          await server.t.ctx.db
            .updateTable('holds')
            .set({ expires_at: new Date(Date.now() - 1000) })
            .where('id', '=', holdId)
            .execute();
          await page.reload();
          await page.locator('[data-testid=hold-ended][data-reason=expired]').waitFor();
          await expectAccessible(page, `the checkout of a hold that ran out ${how}`);
          assert.deepEqual(problems, []);
        },
        options,
      );
    }
  });

  test('browser: the waiting room, before the sale, waiting and let in, in English and Spanish', { timeout: 120_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    const { db, waitingRoom } = server.t.ctx;
    await db
      .updateTable('performances')
      .set({ on_sale_at: new Date(Date.now() - 60_000) })
      .where('id', '=', show.performanceId)
      .execute();
    const room = await server.t.app.inject({ url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin });
    assert.equal(room.json().enabled, true, room.body);

    const later = await createShow(server.t.app, { rows: 1, perRow: 10, open: false });
    await db
      .updateTable('performances')
      .set({ on_sale_at: new Date(Date.now() + 7 * 86_400_000) })
      .where('id', '=', later.performanceId)
      .execute();

    const ways: [BrowserContextOptions, string][] = [
      [{}, 'in English'],
      [{ ...SPANISH, ...PHONE }, 'in Spanish on a phone'],
    ];
    for (const [options, how] of ways) {
      await withPage(
        browser,
        async ({ page, problems }) => {
          await page.goto(`${server.baseUrl}/queue/${later.performanceId}`);
          await page.locator('[data-testid=queue-state][data-state=pre_queue]').waitFor();
          await page.getByTestId('queue-opens').waitFor();
          await expectAccessible(page, `the waiting room before the sale opens ${how}`);

          await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
          await page.getByTestId('queue-notice').waitFor();
          await expectAccessible(page, `a performance sold through the waiting room ${how}`);

          // The performance page the fan is let in to answers 204 No Content once, so the browser
          // stays on the waiting room showing "your turn" long enough to be checked.
          let letIn = false;
          await page.route(`${server.baseUrl}/performances/${show.performanceId}`, (route: Route) => {
            letIn = true;
            return route.fulfill({ status: 204 });
          });
          await page.goto(`${server.baseUrl}/queue/${show.performanceId}`);
          await page.locator('[data-testid=queue-state][data-state=waiting]').waitFor();
          await page.getByTestId('queue-show').waitFor();
          await expectAccessible(page, `the waiting room, in line ${how}`);

          await waitingRoom.tick();
          await page.locator('[data-testid=queue-state][data-state=admitted]').waitFor();
          for (let i = 0; i < 100 && !letIn; i++) await new Promise((resolve) => setTimeout(resolve, 50));
          assert.ok(letIn, 'the waiting room sent the fan on to the performance');
          assert.equal(new URL(page.url()).pathname, `/queue/${show.performanceId}`);
          await expectAccessible(page, `the waiting room, let in ${how}`);
          await page.unrouteAll();
          assert.deepEqual(problems, []);
        },
        options,
      );
    }
  });

  test('browser: the shed page, trying again by itself and stopped, in English and Spanish', { timeout: 120_000 }, async () => {
    // Shedding needs the shield switched on and pressure of the test's choosing: an app of its own.
    // Pressure 10 asks for 20 s or more before the retry, so the page does not reload under the check.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const shedding = await testApp({ SHIELD_ENABLED: 'true', PORT: String(port), BASE_URL: baseUrl }, 20, { shield: { pressure: () => 10 } });
    try {
      await shedding.app.listen({ port, host: '127.0.0.1' });
      const show = await createShow(shedding.app);
      for (const options of [{}, SPANISH]) {
        await withPage(
          browser,
          async ({ page, problems }) => {
            const response = await page.goto(`${baseUrl}/performances/${show.performanceId}`);
            assert.equal(response?.status(), 503);
            const language = options === SPANISH ? 'Spanish' : 'English';
            await page.locator('h1').waitFor();
            await expectAccessible(page, `the shed page (${language})`);
            await page.locator('#stop').click();
            await page.locator('#stopped').waitFor();
            await expectAccessible(page, `the shed page, no longer trying by itself (${language})`);
            assert.deepEqual(problems, []);
          },
          options,
        );
      }
    } finally {
      await shedding.close();
    }
  });

  test('browser: the account pages, from signing up to the signed-in page with orders, passkeys, sessions and an authenticator app', {
    timeout: 180_000,
  }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 5 });
    for (const options of [{}, SPANISH]) {
      const how = options === SPANISH ? 'in Spanish' : 'in English';
      const email = uniqueEmail('axe');
      await withPage(
        browser,
        async ({ page, problems }) => {
          await virtualAuthenticator(page);
          await page.goto(`${server.baseUrl}/account/sign-up`);
          await page.getByTestId('sign-up-form').waitFor();
          await expectAccessible(page, `the sign-up page ${how}`);
          await page.getByTestId('sign-up-name').fill('Ana Rivera');
          await page.getByTestId('sign-up-email').fill(email);
          await page.getByTestId('sign-up-password').fill('short');
          await page.getByTestId('sign-up-submit').click();
          await page.getByTestId('account-error').waitFor();
          await expectAccessible(page, `the sign-up page refusing a password ${how}`);
          await page.getByTestId('sign-up-password').fill(PASSWORD);
          await page.getByTestId('sign-up-submit').click();
          await page.getByTestId('sign-up-sent').waitFor();
          await expectAccessible(page, `the sign-up page, email sent ${how}`);

          const token = await emailedToken(server.t.ctx.db, email, 'customer_verify_email');
          await openInApp(page, `/account/verify#token=${encodeURIComponent(token)}`);
          await page.getByTestId('verify-form').waitFor();
          await expectAccessible(page, `the verify page ${how}`);
          await page.getByTestId('verify-password').fill(PASSWORD);
          await page.getByTestId('verify-submit').click();
          await page.getByTestId('verified').waitFor();
          await expectAccessible(page, `the verify page, confirmed ${how}`);

          // A paid order with this email, claimed on the account page.
          const { orderId } = await buyThroughApi(server, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
          await server.t.ctx.db.updateTable('orders').set({ buyer_email: email }).where('id', '=', orderId).execute();
          await page.getByTestId('to-account').click();
          await page.getByTestId('account').waitFor();
          await page.getByTestId('passkeys-none').waitFor();
          await page.locator('[data-testid=session-row][data-current=true]').waitFor();
          await expectAccessible(page, `the account page, nothing set up yet ${how}`);
          await page.getByTestId('claim-orders').click();
          await page.getByTestId('account-order').first().waitFor();
          await expectAccessible(page, `the account page with its orders ${how}`);

          await page.getByTestId('passkey-add-open').click();
          await page.getByTestId('passkey-add').waitFor();
          await expectAccessible(page, `the account page adding a passkey ${how}`);
          await page.getByTestId('passkey-create').click();
          await page.getByTestId('passkey-row').waitFor();
          await page.getByTestId('passkey-remove').click();
          await page.getByTestId('passkey-confirm').waitFor();
          await expectAccessible(page, `the account page with a passkey, asking before removing it ${how}`);

          await page.getByTestId('totp-start').click();
          await page.getByTestId('totp-enrol').waitFor();
          await expectAccessible(page, `the account page setting up an authenticator app ${how}`);
          const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
          await page.getByTestId('totp-confirm').fill(totpCode(secret));
          await page.getByTestId('totp-confirm-submit').click();
          await expectCount(page.getByTestId('recovery-code'), 10);
          await expectAccessible(page, `the account page showing recovery codes ${how}`);
          await page.getByTestId('recovery-saved').check();
          await page.getByTestId('recovery-done').click();
          await page.locator('[data-testid=account-totp][data-enabled=true]').waitFor();
          await expectAccessible(page, `the account page with an authenticator app ${how}`);

          await page.getByTestId('sign-out').click();
          await page.getByTestId('signed-out').waitFor();
          await expectAccessible(page, `the sign-in page after signing out ${how}`);
          await page.getByTestId('sign-in-email').fill(email);
          await page.getByTestId('sign-in-password').fill('not the passphrase at all');
          await page.getByTestId('sign-in-submit').click();
          await page.getByTestId('account-error').waitFor();
          await expectAccessible(page, `the sign-in page refusing a password ${how}`);
          await page.getByTestId('sign-in-password').fill(PASSWORD);
          await page.getByTestId('sign-in-submit').click();
          await page.getByTestId('second-factor').waitFor();
          await expectAccessible(page, `the sign-in page's second step ${how}`);

          await openInApp(page, '/account/forgot');
          await page.getByTestId('forgot-form').waitFor();
          await expectAccessible(page, `the password reset request ${how}`);
          await page.getByTestId('forgot-email').fill(email);
          await page.getByTestId('forgot-submit').click();
          await page.getByTestId('forgot-sent').waitFor();
          await expectAccessible(page, `the password reset request, sent ${how}`);
          const reset = await waitFor(() => emailedToken(server.t.ctx.db, email, 'customer_reset_password'));
          await openInApp(page, `/account/reset#token=${encodeURIComponent(reset)}`);
          await page.getByTestId('reset-form').waitFor();
          await expectAccessible(page, `the password reset ${how}`);
          await page.getByTestId('reset-password').fill('a new passphrase for this account');
          await page.getByTestId('reset-repeat').fill('a new passphrase for this account');
          await page.getByTestId('reset-submit').click();
          await page.getByTestId('reset-done').waitFor();
          await expectAccessible(page, `the password reset, done ${how}`);
          assert.deepEqual(problems, []);
        },
        options,
      );
    }
  });
});

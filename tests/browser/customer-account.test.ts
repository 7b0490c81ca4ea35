import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { totpCode } from '../../src/accounts/totp.js';
import { emailedToken, emailsTo, uniqueEmail, waitFor } from '../helpers/customers.js';
import { buyer, createShow } from '../helpers/fixtures.js';
import { nextCode } from '../helpers/staff.js';
import { buyThroughApi, expectCount } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const PASSWORD = 'una frase larga que solo yo conozco';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

type Doc = { documentElement: { scrollWidth: number; clientWidth: number }; cookie: string };

/** How far the page scrolls sideways: 0 when everything fits the viewport. */
async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { documentElement: root } = (globalThis as unknown as { document: Doc }).document;
    return root.scrollWidth - root.clientWidth;
  });
}

/** Waits for the form's refusal to say `expected` (a previous refusal may still show for a moment). */
async function refusal(page: Page, expected: RegExp, timeout = 10_000): Promise<void> {
  const error = page.getByTestId('account-error');
  const deadline = Date.now() + timeout;
  let seen = '';
  while (!expected.test(seen)) {
    if (Date.now() > deadline) assert.fail(`expected the refusal to match ${expected}, saw "${seen}"`);
    seen = (await error.count()) ? await error.innerText().catch(() => '') : '';
    if (!expected.test(seen)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function autocompleteOf(page: Page, testid: string): Promise<string | null> {
  return page.getByTestId(testid).getAttribute('autocomplete');
}

/** An account made and confirmed through the API, as from our own pages (the routes check Origin). */
async function fanThroughApi(server: LiveServer, email: string, password: string): Promise<void> {
  const headers = { origin: server.baseUrl };
  const up = await server.t.app.inject({ method: 'POST', url: '/api/account/sign-up', headers, payload: { email, password, locale: 'en' } });
  assert.equal(up.statusCode, 202, up.body);
  const token = await emailedToken(server.t.ctx.db, email, 'customer_verify_email');
  const verified = await server.t.app.inject({ method: 'POST', url: '/api/account/verify', headers, payload: { token, password } });
  assert.equal(verified.statusCode, 200, verified.body);
}

describe('browser customer accounts', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: a fan signs up in Spanish, confirms the email, claims a guest order, sets up an authenticator app, signs out, and signs in on a phone', {
    timeout: 90_000,
  }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 5 });
    // Bought earlier as a guest, with the email the account will have (the fixtures' buyer).
    const { orderId } = await buyThroughApi(server, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    const email = buyer.email;
    let secret = '';

    await withPage(
      browser,
      async ({ page, problems }) => {
        // Guest checkout stays the default: the header only offers a way in.
        await page.goto(`${server.baseUrl}/`);
        const link = page.getByTestId('account-link');
        assert.equal(await link.getAttribute('data-signed-in'), 'false');
        assert.equal(await link.innerText(), 'Iniciar sesión');
        await link.click();
        await page.getByTestId('sign-in').waitFor();
        assert.equal(await page.locator('h1').innerText(), 'Iniciar sesión');
        await page.getByRole('link', { name: 'Crea una' }).click();

        await page.getByTestId('sign-up').waitFor();
        assert.equal(await page.locator('h1').innerText(), 'Crear una cuenta');
        assert.equal(await page.getByTestId('sign-up-language').inputValue(), 'es', 'emails in the language of the page');
        assert.equal(await autocompleteOf(page, 'sign-up-email'), 'email');
        assert.equal(await autocompleteOf(page, 'sign-up-password'), 'new-password');
        await page.getByTestId('sign-up-name').fill('Ana Rivera');
        await page.getByTestId('sign-up-email').fill(email);
        // The server's reasons for refusing a password, in Spanish.
        await page.getByTestId('sign-up-password').fill('corta');
        await page.getByTestId('sign-up-submit').click();
        await refusal(page, /demasiado corta: usa al menos 15 caracteres/);
        await page.getByTestId('sign-up-password').fill('1qaz2wsx3edc4rfv');
        await page.getByTestId('sign-up-submit').click();
        await refusal(page, /lista de contraseñas comunes o filtradas/);
        await page.getByTestId('sign-up-password').fill(PASSWORD);
        await page.getByTestId('sign-up-submit').click();
        await page.getByTestId('sign-up-sent').waitFor();
        assert.match(await page.getByTestId('sign-up-sent').innerText(), new RegExp(`Hemos enviado un correo a ${email}`));
        const mail = await emailsTo(server.t.ctx.db, email);
        assert.deepEqual(
          mail.filter((m) => m.kind === 'customer_verify_email').map((m) => m.locale),
          ['es'],
          'the confirmation email is in Spanish',
        );

        // The emailed link: its token leaves the address bar; the password chosen at sign-up confirms.
        const token = await emailedToken(server.t.ctx.db, email, 'customer_verify_email');
        await page.goto(`${server.baseUrl}/account/verify#token=${encodeURIComponent(token)}`);
        await page.getByTestId('verify').waitFor();
        assert.equal(await page.locator('h1').innerText(), 'Confirma tu correo');
        assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
        await page.getByTestId('verify-password').fill('no es la contraseña');
        await page.getByTestId('verify-submit').click();
        await refusal(page, /Esa contraseña no es correcta/);
        await page.getByTestId('verify-password').fill(PASSWORD);
        await page.getByTestId('verify-submit').click();
        await page.getByTestId('verified').waitFor();
        assert.equal(await page.evaluate(() => (globalThis as unknown as { document: Doc }).document.cookie), '', 'the session cookie is HttpOnly');
        await page.getByTestId('to-account').click();

        // The account: the guest order is offered, claimed, and opens its tickets.
        await page.getByTestId('account').waitFor();
        assert.equal(await page.locator('h1').innerText(), 'Mi cuenta');
        assert.equal(await page.getByTestId('account-link').innerText(), 'Mi cuenta');
        await page.locator('[data-testid=claim][data-claimable="1"]').waitFor();
        await expectCount(page.getByTestId('account-order'), 0);
        await page.getByTestId('claim-orders').click();
        assert.match(await page.getByTestId('claimed').innerText(), /1 pedido añadido a tu cuenta/);
        await page.locator(`[data-testid=account-order][data-order-id="${orderId}"][data-status=paid]`).waitFor();
        await page.locator('[data-testid=claim][data-claimable="0"]').waitFor();
        await page.getByTestId('account-order-open').click();
        await page.waitForURL(new RegExp(`/orders/${orderId}$`));
        await expectCount(page.getByTestId('ticket'), 1);
        await page.goBack();

        // Two-step sign-in: the otpauth URI as a QR code and as text, a code from the app, the recovery codes once.
        await page.getByTestId('totp-start').click();
        await page.getByTestId('totp-enrol').waitFor();
        secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
        assert.match(await page.getByTestId('totp-uri').innerText(), /^otpauth:\/\/totp\//);
        assert.equal(await page.locator('[data-testid=totp-enrol] svg.qr').count(), 1);
        assert.equal(await autocompleteOf(page, 'totp-confirm'), 'one-time-code');
        await page.getByTestId('totp-confirm').fill(totpCode(secret));
        await page.getByTestId('totp-confirm-submit').click();
        await expectCount(page.getByTestId('recovery-code'), 10);
        assert.equal(await page.getByTestId('recovery-done').isDisabled(), true, 'not before the fan says they saved them');
        await page.getByTestId('recovery-saved').check();
        await page.getByTestId('recovery-done').click();
        await page.locator('[data-testid=account-totp][data-enabled=true]').waitFor();

        await page.locator('[data-testid=session-row][data-current=true]').waitFor();
        await page.getByTestId('sign-out').click();
        await page.getByTestId('signed-out').waitFor();
        assert.equal(await page.getByTestId('account-link').innerText(), 'Iniciar sesión');
        const status = await page.evaluate(() => fetch('/api/account/me').then((r) => r.status));
        assert.equal(status, 401, 'the session has ended on the server');
        assert.deepEqual(problems, []);
      },
      { locale: 'es-ES' },
    );

    // Another device: a phone, where everything fits the screen's width.
    await withPage(
      browser,
      async ({ page, problems }) => {
        await page.goto(`${server.baseUrl}/account`);
        await page.getByTestId('sign-in').waitFor();
        assert.equal(await sidewaysScroll(page), 0, 'no sideways scroll on the sign-in page');
        assert.equal(await autocompleteOf(page, 'sign-in-email'), 'email');
        assert.equal(await autocompleteOf(page, 'sign-in-password'), 'current-password');
        await page.getByTestId('sign-in-email').fill(email);
        await page.getByTestId('sign-in-password').fill('no es la contraseña');
        await page.getByTestId('sign-in-submit').click();
        await refusal(page, /El correo o la contraseña no son correctos/);
        await page.getByTestId('sign-in-password').fill(PASSWORD);
        await page.getByTestId('sign-in-submit').click();

        await page.getByTestId('second-factor').waitFor();
        assert.equal(await autocompleteOf(page, 'totp-code'), 'one-time-code');
        assert.equal(await sidewaysScroll(page), 0, 'no sideways scroll on the second step');
        await page.getByTestId('totp-code').fill(nextCode(secret));
        await page.getByTestId('second-factor-submit').click();

        await page.getByTestId('account').waitFor();
        await page.locator(`[data-testid=account-order][data-order-id="${orderId}"]`).waitFor();
        await expectCount(page.getByTestId('session-row'), 1);
        assert.equal(await sidewaysScroll(page), 0, 'no sideways scroll on the account page');
        assert.deepEqual(problems, []);
      },
      { locale: 'es-ES', ...PHONE },
    );
  });

  test('browser: a forgotten password is reset through the emailed link, which works once', { timeout: 60_000 }, async () => {
    const email = uniqueEmail('forgot');
    await fanThroughApi(server, email, 'the passphrase i no longer remember');
    const newPassword = 'a brand new passphrase for the fan';
    await withPage(
      browser,
      async ({ page, problems }) => {
        await page.goto(`${server.baseUrl}/account/sign-in`);
        await page.getByTestId('forgot-link').click();
        await page.getByTestId('forgot').waitFor();
        await page.getByTestId('forgot-email').fill(email);
        await page.getByTestId('forgot-submit').click();
        await page.getByTestId('forgot-sent').waitFor();
        assert.equal(await sidewaysScroll(page), 0);

        const token = await waitFor(() => emailedToken(server.t.ctx.db, email, 'customer_reset_password'));
        const link = `${server.baseUrl}/account/reset#token=${encodeURIComponent(token)}`;
        await page.goto(link);
        await page.getByTestId('reset').waitFor();
        assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
        assert.equal(await autocompleteOf(page, 'reset-password'), 'new-password');
        await page.getByTestId('reset-password').fill(newPassword);
        await page.getByTestId('reset-repeat').fill('something else entirely');
        await page.getByTestId('reset-submit').click();
        await refusal(page, /not the same/);
        await page.getByTestId('reset-password').fill('too short');
        await page.getByTestId('reset-repeat').fill('too short');
        await page.getByTestId('reset-submit').click();
        await refusal(page, /too short: use at least 15 characters/);
        await page.getByTestId('reset-password').fill(newPassword);
        await page.getByTestId('reset-repeat').fill(newPassword);
        await page.getByTestId('reset-submit').click();
        await page.getByTestId('reset-done').waitFor();

        // The link works once (opened afresh, as from the email: the same address with a new hash would not reload).
        await page.goto('about:blank');
        await page.goto(link);
        await page.getByTestId('reset-password').fill('yet another long passphrase here');
        await page.getByTestId('reset-repeat').fill('yet another long passphrase here');
        await page.getByTestId('reset-submit').click();
        await refusal(page, /not valid, was already used, or has expired/);

        await page.goto(`${server.baseUrl}/account/sign-in`);
        await page.getByTestId('sign-in-email').fill(email);
        await page.getByTestId('sign-in-password').fill(newPassword);
        await page.getByTestId('sign-in-submit').click();
        await page.locator(`[data-testid=account][data-email="${email}"]`).waitFor();
        await page.getByTestId('orders-none').waitFor();
        assert.deepEqual(problems, []);
      },
      PHONE,
    );
  });
});

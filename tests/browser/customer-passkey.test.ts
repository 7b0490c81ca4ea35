import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { emailedToken, uniqueEmail } from '../helpers/customers.js';
import { expectCount, virtualAuthenticator } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const PASSWORD = 'une phrase assez longue que moi seule connais';

/** An account made and confirmed through the API, as from our own pages (the routes check Origin). */
async function fanThroughApi(server: LiveServer, email: string): Promise<void> {
  const headers = { origin: server.baseUrl };
  const up = await server.t.app.inject({ method: 'POST', url: '/api/account/sign-up', headers, payload: { email, password: PASSWORD, locale: 'fr' } });
  assert.equal(up.statusCode, 202, up.body);
  const token = await emailedToken(server.t.ctx.db, email, 'customer_verify_email');
  const verified = await server.t.app.inject({ method: 'POST', url: '/api/account/verify', headers, payload: { token, password: PASSWORD } });
  assert.equal(verified.statusCode, 200, verified.body);
}

async function signInWithPassword(page: Page, server: LiveServer, email: string): Promise<void> {
  await page.goto(`${server.baseUrl}/account/sign-in`);
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.locator(`[data-testid=account][data-email="${email}"]`).waitFor();
}

/** Waits for the element to say `expected` (an earlier message may still show for a moment). */
async function says(page: Page, testid: string, expected: RegExp, timeout = 10_000): Promise<void> {
  const element = page.getByTestId(testid);
  const deadline = Date.now() + timeout;
  let seen = '';
  while (!expected.test(seen)) {
    if (Date.now() > deadline) assert.fail(`expected ${testid} to match ${expected}, saw "${seen}"`);
    seen = (await element.count()) ? await element.innerText().catch(() => '') : '';
    if (!expected.test(seen)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('browser customer passkeys', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    // `localhost`, not 127.0.0.1: a passkey's relying party is a domain name.
    [server, browser] = await Promise.all([startServer({}, { hostname: 'localhost' }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: a fan adds a passkey in French, signs in with it alone, and removes it', { timeout: 90_000 }, async () => {
    const email = uniqueEmail('passkey');
    await fanThroughApi(server, email);

    await withPage(
      browser,
      async ({ page, problems }) => {
        const { cdp, authenticatorId } = await virtualAuthenticator(page);
        await signInWithPassword(page, server, email);

        // The section, in French: none yet, then one made by the device under the name the fan chose.
        const section = page.getByTestId('account-passkeys');
        assert.equal(await section.locator('h2').innerText(), 'Clés d’accès');
        await says(page, 'passkeys-none', /Vous n’avez ajouté aucune clé d’accès/);
        await page.getByTestId('passkey-add-open').click();
        assert.notEqual(await page.getByTestId('passkey-name').inputValue(), '', 'the name starts as the kind of device');
        await page.getByTestId('passkey-name').fill('Portable d’Amélie');
        await page.getByTestId('passkey-create').click();
        await says(page, 'passkey-notice', /Clé d’accès « Portable d’Amélie » ajoutée/);
        await expectCount(page.getByTestId('passkey-row'), 1);
        const today = new Intl.DateTimeFormat('fr', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());
        assert.equal(await page.getByTestId('passkey-dates').innerText(), `Ajoutée le ${today} · pas encore utilisée`);
        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
        assert.equal(credentials.length, 1);
        assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable credential: it signs in without an email');

        // The same device again: it already holds this account's passkey, and the fan is told so.
        await page.getByTestId('passkey-add-open').click();
        await page.getByTestId('passkey-create').click();
        await says(page, 'passkey-add-error', /Cet appareil a déjà une clé d’accès pour votre compte/);
        await expectCount(page.getByTestId('passkey-row'), 1);
        await page.getByTestId('passkey-add').getByRole('button', { name: 'Annuler' }).click();

        await page.getByTestId('sign-out').click();
        await page.getByTestId('signed-out').waitFor();
        assert.equal(await page.getByTestId('account-link').getAttribute('data-signed-in'), 'false');

        // A prompt the fan does not complete (the device cannot verify them) is explained, not a failure.
        await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
        assert.equal(await page.getByTestId('passkey-sign-in').innerText(), 'Se connecter avec une clé d’accès');
        await page.getByTestId('passkey-sign-in').click();
        await says(page, 'passkey-sign-in-error', /La connexion avec une clé d’accès a été annulée ou a pris trop de temps/);
        await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });

        // The passkey alone: no email, no password.
        await page.getByTestId('passkey-sign-in').click();
        await page.locator(`[data-testid=account][data-email="${email}"]`).waitFor();
        assert.equal(new URL(page.url()).pathname, '/account');
        assert.equal(await page.getByTestId('account-link').getAttribute('data-signed-in'), 'true', 'the header knows the fan is signed in');
        assert.equal(await page.getByTestId('account-link').innerText(), 'Compte');
        await says(page, 'passkey-dates', /· dernière utilisation : /);

        // Removing asks first; "Annuler" keeps it.
        await page.getByTestId('passkey-remove').click();
        await says(page, 'passkey-confirm', /Supprimer « Portable d’Amélie » \?/);
        await page.getByTestId('passkey-confirm').getByRole('button', { name: 'Annuler' }).click();
        await expectCount(page.getByTestId('passkey-row'), 1);
        await page.getByTestId('passkey-remove').click();
        await page.getByTestId('passkey-remove-yes').click();
        await says(page, 'passkey-notice', /Clé d’accès « Portable d’Amélie » supprimée/);
        await expectCount(page.getByTestId('passkey-row'), 0);
        await page.getByTestId('passkeys-none').waitFor();

        // The device still holds it, but the account no longer accepts it.
        await page.getByTestId('sign-out').click();
        await page.getByTestId('signed-out').waitFor();
        await page.getByTestId('passkey-sign-in').click();
        await says(page, 'passkey-sign-in-error', /Cette clé d’accès n’a pas été acceptée/);
        assert.equal(await page.getByTestId('account-link').getAttribute('data-signed-in'), 'false');
        assert.deepEqual(problems, []);
      },
      { locale: 'fr-FR' },
    );
  });

  test('browser: without WebAuthn the sign-in page offers no passkey and the account page says why', { timeout: 60_000 }, async () => {
    const email = uniqueEmail('no-webauthn');
    await fanThroughApi(server, email);
    await withPage(
      browser,
      async ({ context, page, problems }) => {
        await context.addInitScript({ content: 'delete globalThis.PublicKeyCredential;' });
        await page.goto(`${server.baseUrl}/account/sign-in`);
        await page.getByTestId('sign-in-form').waitFor();
        await expectCount(page.getByTestId('passkey-sign-in'), 0);
        await signInWithPassword(page, server, email);
        await says(page, 'passkeys-unsupported', /Este navegador no puede crear ni usar llaves de acceso/);
        await expectCount(page.getByTestId('passkey-add-open'), 0);
        assert.deepEqual(problems, []);
      },
      { locale: 'es-ES' },
    );
  });
});

/**
 * The console in Spanish: the switch on the sign-in page and in the console's sidebar, remembered
 * in the browser and set on <html lang>; then each translated page is read in Spanish. On each,
 * some Spanish words must show, no English message of the catalogue may be left in the page's
 * text (the English messages that differ from their Spanish ones; those with {placeholders} are
 * skipped), and axe-core finds nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createShow } from '../helpers/fixtures.js';
import { expectSpanish } from './console-spanish.js';
import { buyThroughApi, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
/** The page's globals used inside page.evaluate (the tests are type-checked without the DOM library). */
declare const document: { documentElement: { lang: string } };

describe('browser console language', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: the console switches to Spanish, remembers it, and its translated pages have no English left', { timeout: 120_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 4 });
    const { orderId } = await buyThroughApi(server, show.performanceId, { seatIds: show.seats.slice(0, 2).map((s) => s.id) });

    await withPage(browser, async ({ page, problems }) => {
      // Signed out, in an English browser: the sign-in page is English until the switch is used.
      await page.goto(`${server.baseUrl}/console`);
      await page.getByTestId('sign-in').waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByTestId('locale-es').click();
      await expectSpanish(page, 'sign-in page', ['Iniciar sesión', 'Correo electrónico', 'Contraseña']);

      // Signed in: the choice is remembered, the whole console is Spanish.
      await signIn(page, server, 'owner');
      // (It opens on the events page, not translated yet: only the shell is checked here.)
      for (const word of ['Pedidos', 'Escáner de entrada', 'Cerrar sesión'])
        await page.getByTestId('nav').locator('..').locator('..').getByText(word).first().waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
      assert.equal(await page.getByTestId('locale-es').getAttribute('aria-pressed'), 'true');

      // The sidebar's switch goes back to English and to Spanish again, without a reload.
      await page.getByTestId('locale-en').click();
      await page.getByTestId('nav-orders').getByText('Orders').waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await page.getByTestId('locale-es').click();
      await page.getByTestId('nav-orders').getByText('Pedidos').waitFor();
      assert.equal(await page.evaluate(() => localStorage.getItem('taquilla.console.locale')), 'es');

      await page.goto(`${server.baseUrl}/console/scanner`);
      await page.getByTestId('scan-input').waitFor();
      await expectSpanish(page, 'door scanner', ['Listo para escanear', 'Código del boleto', 'Escaneos recientes']);
      await page.getByTestId('scan-input').fill('not-a-ticket');
      await page.getByTestId('scan-submit').click();
      await page.locator('[data-testid=scan-result][data-result=invalid]').waitFor();
      await expectSpanish(page, 'door scanner after a refused code', ['Boleto no válido', 'No válido']);

      await page.goto(`${server.baseUrl}/console/orders`);
      await page.getByTestId('orders-table').waitFor();
      await expectSpanish(page, 'orders list', ['Busca un pedido', 'Pedidos, los más recientes primero', 'Exportar CSV', 'Comprador', 'Pagado']);

      await page.goto(`${server.baseUrl}/console/orders/${orderId}`);
      await page.getByTestId('ticket-row').first().waitFor();
      await expectSpanish(page, 'order page', ['Boletos (2)', '2 boletos', 'Reenviar confirmación', 'Panel de ventas', 'Válido']);
      // Money in Spanish (Puerto Rico's usage keeps the symbol first).
      assert.match(await page.getByTestId('order-total').innerText(), /€\s?100[.,]00|100,00\s?€|EUR\s?100\.00/);
      await page.getByTestId('order-refund').click();
      await page.getByTestId('order-refund-dialog').getByText('¿Reembolsar este pedido?').waitFor();
      await expectSpanish(page, 'order refund dialog', ['Esto no se puede deshacer', 'Cancelar']);

      assert.deepEqual(problems, []);
    });
  });
});

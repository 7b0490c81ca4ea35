/**
 * The console's events and venues pages in Spanish: the events list, a new event with its
 * validation errors, an event (texts per language, performances, edit, archive and delete with
 * the server's refusals in their dialogs), the venues list, a venue import whose CSV has an error
 * on a named line, and a venue with its seat map and time zone. Each state is read with
 * `expectSpanish` (Spanish words seen, no English message of the catalogue left, axe-core clean);
 * the same pages are checked once with axe-core in English.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { expectAccessible } from './axe.js';
import { expectSpanish } from './console-spanish.js';
import { buyThroughApi, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

/** A seat map whose line 3 has a seat number that is not a number, and line 4 no section. */
const BAD_CSV = 'section,row,number,x,y\nPlatea,A,1,10,10\nPlatea,A,dos,20,10\n,A,3,30,10\n';

describe('browser console in Spanish: events and venues', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A show with one paid order (so deleting and archiving are refused) and its venue's id. */
  async function soldShow() {
    const show = await createShow(server.t.app, { rows: 1, perRow: 4 });
    await buyThroughApi(server, show.performanceId, { seatIds: [show.seats[0]!.id] });
    const detail = await server.t.app.inject({ url: `/api/admin/events/${show.eventId}`, headers: admin });
    assert.equal(detail.statusCode, 200, detail.body);
    const venueId = (detail.json() as { performances: { venue: { id: string } }[] }).performances[0]!.venue.id;
    assert.ok(venueId);
    return { ...show, venueId };
  }

  /** Opens a remove action's dialog and confirms it; the server refuses, and the dialog says why. */
  async function refusedInDialog(page: Page, testid: string): Promise<void> {
    await page.getByTestId(testid).click();
    const dialog = page.getByTestId(`${testid}-dialog`);
    await dialog.waitFor();
    await page.getByTestId(`${testid}-confirm`).click();
    await dialog.getByTestId('error').waitFor();
  }

  async function closeDialog(page: Page, testid: string): Promise<void> {
    await page.keyboard.press('Escape');
    await page.getByTestId(`${testid}-dialog`).waitFor({ state: 'hidden' });
  }

  test('browser: the events and venues pages pass axe-core in English', { timeout: 120_000 }, async () => {
    const show = await soldShow();
    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server, 'owner');
      await page.goto(`${server.baseUrl}/console/events`);
      await page.getByTestId('event-card').first().waitFor();
      await expectAccessible(page, 'events list');

      await page.goto(`${server.baseUrl}/console/events/new`);
      await page.getByTestId('event-create').click();
      await page.getByText('Give the event a title.').waitFor();
      await expectAccessible(page, 'new event with validation errors');
      await page.getByTestId('event-title').fill('Trial tour');
      await page.getByTestId('category-name').fill('General');
      await page.getByTestId('category-price').fill('20');
      await page.getByTestId('event-create').click();
      await page.getByText('No performances yet.').waitFor();
      await expectAccessible(page, 'a new event with no performances');

      await page.goto(`${server.baseUrl}/console/events/${show.eventId}`);
      await page.getByTestId('event-details-form').waitFor();
      await page.getByTestId('event-translations').locator('summary').click();
      await page.getByLabel('Title in French').waitFor();
      await expectAccessible(page, 'event page');
      await refusedInDialog(page, 'event-archive');
      assert.match(await page.getByTestId('event-archive-dialog').innerText(), /1 paid order is for a performance still selling/);
      await expectAccessible(page, 'event archive dialog with the refusal');
      await closeDialog(page, 'event-archive');

      await page.goto(`${server.baseUrl}/console/venues`);
      await page.getByTestId('venues-table').waitFor();
      await expectAccessible(page, 'venues list');

      await page.goto(`${server.baseUrl}/console/venues/new`);
      await page.locator('details.help summary').click();
      await page.getByTestId('venue-file').setInputFiles({ name: 'teatro.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
      await page.getByTestId('import-errors').waitFor();
      assert.match(
        await page.getByTestId('import-errors').innerText(),
        /2 problems in teatro\.csv[\s\S]*Line 3: number must be a whole number[\s\S]*Line 4: section is empty/,
      );
      await page.getByTestId('venue-create').click();
      await page.getByTestId('import-blocked').waitFor();
      await expectAccessible(page, 'venue import with a CSV error');

      await page.goto(`${server.baseUrl}/console/venues/${show.venueId}`);
      await page.getByTestId('venue-map').waitFor();
      await page.getByTestId('venue-time-zone-form').waitFor();
      await expectAccessible(page, 'venue page');
      assert.deepEqual(problems, []);
    });
  });

  test('browser: the events and venues pages read in Spanish, with no English left', { timeout: 180_000 }, async () => {
    const show = await soldShow();
    // A Spanish title, so the texts per language are open on the event page.
    const patched = await server.t.app.inject({
      method: 'PATCH',
      url: `/api/admin/events/${show.eventId}`,
      headers: admin,
      payload: { defaultLanguage: 'en', translations: { es: { title: 'Función de prueba' } } },
    });
    assert.equal(patched.statusCode, 200, patched.body);

    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server, 'owner');
      await page.getByTestId('locale-es').click();
      await page.getByTestId('nav-orders').getByText('Pedidos').waitFor();

      // The events list.
      await page.goto(`${server.baseUrl}/console/events`);
      await page.getByTestId('event-card').first().waitFor();
      await expectSpanish(page, 'events list', ['Lo que se vende', 'Mostrar archivados', 'Nuevo evento', '1 función', 'Panel de ventas', 'A la venta']);

      // A new event: refused until it has a title and a named category, then created.
      await page.goto(`${server.baseUrl}/console/events/new`);
      await page.getByTestId('event-create').click();
      await expectSpanish(page, 'new event with validation errors', [
        'Ponle un título al evento.',
        'Ponle un nombre a la categoría.',
        'Identificador en la dirección',
        'Idioma del título y la descripción',
        'Otros idiomas',
        'Categorías de precio',
        'Añadir categoría de precio',
        'Crear evento',
      ]);
      assert.equal(await page.getByTestId('event-default-language').locator('option[value=fr]').innerText(), 'Francés');
      await page.getByTestId('event-title').fill('Gira de prueba');
      await page.getByTestId('category-name').fill('General');
      await page.getByTestId('category-price').fill('20');
      await page.getByTestId('event-create').click();
      await page.getByText('Todavía no hay funciones.').waitFor();
      await expectSpanish(page, 'a new event', ['Evento “Gira de prueba” creado', 'Añade la primera', 'Añadir función', 'Archivar', 'Eliminar']);
      // Archived: nothing was sold, so the server agrees.
      await page.getByTestId('event-archive').click();
      await page.getByTestId('event-archive-dialog').waitFor();
      await expectSpanish(page, 'archive dialog', ['¿Archivar este evento?', 'Desaparece de las páginas públicas', 'Cancelar']);
      await page.getByTestId('event-archive-confirm').click();
      await page.getByTestId('event-note').waitFor();
      await expectSpanish(page, 'an archived event', ['El evento está archivado', 'Este evento está archivado', 'Volver a mostrar']);

      // An event with a sale: texts per language, performances, edit, and the refusals.
      await page.goto(`${server.baseUrl}/console/events/${show.eventId}`);
      await page.getByTestId('event-details-form').waitFor();
      await page.getByTestId('event-title-es').waitFor();
      await expectSpanish(page, 'event page', [
        'Funciones',
        'Comienza',
        'Recinto',
        'Precios:',
        'Detalles',
        'Título en español',
        'Descripción en francés',
        'Máximo de boletos por pedido',
        'Ver la página de compra',
      ]);
      await page.getByTestId('event-max-tickets').fill('0');
      await page.getByText('Un número entero del 1 al 100.').waitFor();
      await page.getByTestId('event-max-tickets').fill('8');
      await page.getByTestId('event-save').click();
      await page.getByTestId('event-saved').waitFor();
      await expectSpanish(page, 'event page after an edit', ['Guardado.', 'Guardar cambios']);

      await refusedInDialog(page, 'event-archive');
      await expectSpanish(page, 'archive refused', ['¿Archivar este evento?', 'Hay 1 pedido pagado de una función que sigue a la venta']);
      await closeDialog(page, 'event-archive');
      await refusedInDialog(page, 'event-delete');
      await expectSpanish(page, 'delete refused', ['¿Eliminar este evento?', 'Eliminar definitivamente', 'Se hizo 1 pedido para este evento']);
      await closeDialog(page, 'event-delete');

      // The venues list.
      await page.goto(`${server.baseUrl}/console/venues`);
      await page.getByTestId('venues-table').waitFor();
      await expectSpanish(page, 'venues list', ['Lugares con un mapa de asientos', 'Importar un recinto', 'Asientos', 'Admisión general', 'Capacidad']);

      // The import: its help on the file formats, then a CSV whose errors name their lines, and the
      // create button saying what is missing.
      await page.goto(`${server.baseUrl}/console/venues/new`);
      const help = page.locator('details.help summary');
      await help.click();
      await expectSpanish(page, 'venue import page', [
        'Importar un recinto',
        'Zona horaria',
        'Ahora allí',
        'Vista previa',
        'Formatos de archivo',
        'un asiento por línea',
        'Añadir área de admisión general',
      ]);
      // Closed again: the file's words in the error messages are also in the examples, and the
      // Spanish check takes out each piece of data in turn.
      await help.click();
      await page.getByTestId('venue-file').setInputFiles({ name: 'teatro.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
      await page.getByTestId('import-errors').waitFor();
      await page.getByTestId('venue-create').click();
      await page.getByTestId('import-blocked').waitFor();
      await expectSpanish(page, 'venue import with a CSV error', [
        '2 problemas en teatro.csv',
        'Línea 3: el campo number debe ser un número entero del 0 al 100000 (se leyó "dos")',
        'Línea 4: el campo section está vacío',
        'Ponle un nombre al recinto.',
        'Corrige los problemas del archivo',
      ]);

      // A venue: its seat map, sections and time zone (with a zone this browser does not know).
      await page.goto(`${server.baseUrl}/console/venues/${show.venueId}`);
      await page.getByTestId('venue-map').waitFor();
      await page.getByTestId('venue-time-zone').fill('Mars/Olympus_Mons');
      await expectSpanish(page, 'venue page', [
        '4 asientos',
        'Mapa de asientos',
        'Zona horaria',
        'no es una zona horaria que este navegador conozca',
        'Guardar zona horaria',
        'Secciones',
        'Áreas de admisión general',
        'Archivar',
      ]);
      assert.equal(await page.getByTestId('venue-map').locator('svg[role=img]').getAttribute('aria-label'), 'Mapa de asientos de Test Hall');
      assert.deepEqual(problems, []);
    });
  });
});

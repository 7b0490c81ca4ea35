/**
 * The console's security pages in Spanish: the shield, payment-page integrity, the incidents list
 * and one incident (scope builder, response steps, timeline, a step's dialog), the outbox and one
 * message. Each is read once in English with axe-core, then in Spanish: some Spanish words must
 * show, no English message of the catalogue may be left, and axe-core finds nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { registerBuild } from '../../src/security/builds.repository.js';
import { addIncidentEvent, openIncident } from '../../src/security/incidents.repository.js';
import { INCIDENT_KIND } from '../../src/shield/shield.js';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { expectAccessible } from './axe.js';
import { expectSpanish } from './console-spanish.js';
import { buyThroughApi, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const json = { ...admin, 'content-type': 'application/json' };

describe('browser console in Spanish: shield, integrity, incidents, outbox', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([
      startServer({
        SHIELD_ENABLED: 'true',
        // Two widgets: one asked for a payment page too (refused there, with a warning), one to switch off.
        WIDGETS: JSON.stringify([
          { name: 'resenas', url: 'http://127.0.0.1:9/resenas', classes: ['buyer', 'payment'], title: 'Reseñas del público' },
          { name: 'mapa', url: 'http://127.0.0.1:9/mapa', classes: ['buyer', 'queue'], title: 'Mapa del recinto' },
        ]),
      }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Everything these pages show: a purchase (a checkout, an email), a flood, a skimmer's report, a switched-off widget, an incident opened by hand. */
  async function createState(): Promise<{ incidentId: string }> {
    // As the server process does at start (the test app does not): the build it serves, with its manifest.
    assert.ok(server.t.ctx.buildManifest, 'the front end is a sealed build');
    await registerBuild(server.t.ctx.db, server.t.ctx.buildManifest);
    const show = await createShow(server.t.app, { rows: 1, perRow: 4 });
    await buyThroughApi(server, show.performanceId, { seatIds: [show.seats[0]!.id] });

    const flood = await openIncident(server.t.ctx.db, INCIDENT_KIND, 'Possible flood: 5,000 requests/s from 3 networks');
    await addIncidentEvent(server.t.ctx.db, flood.id, 'detected', { rule: 'rate', reason: '5,000 requests/s', traffic: { requestsPerSecond: 5000 } });
    await addIncidentEvent(server.t.ctx.db, flood.id, 'shield_on', {});

    // A script blocked on the checkout page: a CSP report that opens a script_compromise incident.
    const report = await server.t.app.inject({
      method: 'POST',
      url: '/api/security/csp-reports',
      headers: { 'content-type': 'application/csp-report' },
      payload: JSON.stringify({
        'csp-report': {
          'document-uri': `${server.baseUrl}/checkout/0f8fad5b-d9cb-469f-a165-70867728950e`,
          'violated-directive': 'script-src-elem',
          'effective-directive': 'script-src-elem',
          'blocked-uri': 'https://skim.example/a.js',
        },
      }),
    });
    assert.equal(report.statusCode, 204);
    // The operators' list flushes the reports first, so the incident is open once it answers.
    assert.equal((await server.t.app.inject({ url: '/api/admin/security/csp-reports', headers: admin })).statusCode, 200);
    const compromise = await server.t.ctx.db.selectFrom('incidents').select('id').where('kind', '=', 'script_compromise').executeTakeFirst();
    assert.ok(compromise, 'the report opened a script_compromise incident');

    const off = await server.t.app.inject({
      method: 'POST',
      url: '/api/admin/widgets/mapa/disable',
      headers: json,
      payload: { reason: 'El proveedor no responde' },
    });
    assert.equal(off.statusCode, 200, off.body);

    const opened = await server.t.app.inject({
      method: 'POST',
      url: '/api/admin/incidents',
      headers: json,
      payload: { kind: 'data_exposure', title: 'Banco reporta fraude con tarjetas', severity: 'high', awareAt: new Date(Date.now() - 3_600_000).toISOString() },
    });
    assert.equal(opened.statusCode, 201, opened.body);
    return { incidentId: opened.json().id };
  }

  /** Each page as a test reads it: it opens and shows what the state made. */
  const pages = (page: Page, incidentId: string) => ({
    async shield() {
      await page.goto(`${server.baseUrl}/console/shield`);
      await page.getByTestId('shield-mode').waitFor();
      const flood = page.locator('[data-testid=incident]', { has: page.locator('[data-testid=incident-page-link]', { hasText: 'Possible flood' }) });
      await flood.getByTestId('incident-toggle').click();
      await flood.locator('[data-testid=incident-step][data-what=shield_on]').waitFor();
    },
    async integrity() {
      await page.goto(`${server.baseUrl}/console/integrity`);
      await page.getByTestId('integrity-incident').waitFor();
      await page.locator('[data-testid=tamper-check]').first().waitFor();
      await page.locator('[data-testid=widget][data-disabled=true]').waitFor();
      await page.getByTestId('csp-report').first().waitFor();
      await page.getByTestId('inventory-entry').first().waitFor();
      const current = page.locator('[data-testid=build][data-current=true]');
      await current.getByRole('button').click();
      await current.getByTestId('build-manifest').waitFor();
    },
    async incidents() {
      await page.goto(`${server.baseUrl}/console/incidents`);
      await page.locator(`[data-testid=incident-row][data-id="${incidentId}"]`).waitFor();
    },
    async incident() {
      await page.goto(`${server.baseUrl}/console/incidents/${incidentId}`);
      await page.getByTestId('incident-scope').waitFor();
      await page.getByTestId('step-notify').waitFor();
      await page.locator('[data-testid=incident-event][data-what=status_contained]').waitFor();
      await page.getByTestId('regulator-draft-open').click();
      await page.getByTestId('regulator-draft-text').waitFor();
    },
    async stepDialog() {
      await page.getByTestId('step-notify').click();
      await page.getByTestId('step-dry-count').waitFor();
    },
    async outbox() {
      await page.goto(`${server.baseUrl}/console/outbox`);
      await page.getByTestId('outbox-row').first().waitFor();
    },
    async message() {
      // The buyer's confirmation: it links to its order.
      await page.locator('[data-testid=outbox-row]:has([title=order_confirmation])').getByRole('link').click();
      await page.getByTestId('outbox-text').waitFor();
    },
  });

  test('browser: the shield, integrity, incidents and outbox pages read in Spanish, with nothing left in English, and pass axe in both languages', {
    timeout: 180_000,
  }, async () => {
    const { incidentId } = await createState();
    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server, 'owner');
      const go = pages(page, incidentId);

      // In English first, as an operator would fill the incident: a tamper check, a scope, a note, contained.
      await go.shield();
      await expectAccessible(page, 'shield page (English)');

      await page.goto(`${server.baseUrl}/console/integrity`);
      await page.getByTestId('tamper-run').click();
      await page.locator('[data-testid=tamper-check]').first().waitFor({ timeout: 30_000 });
      await go.integrity();
      await expectAccessible(page, 'integrity page (English)');

      await go.incidents();
      await expectAccessible(page, 'incidents list (English)');

      await page.goto(`${server.baseUrl}/console/incidents/${incidentId}`);
      await page.getByTestId('scope-performance').first().check();
      await page.getByTestId('scope-count').click();
      await page.getByTestId('scope-result').waitFor();
      assert.match(await page.getByTestId('scope-result').innerText(), /^1 person ·/);
      await page.getByTestId('incident-note').fill('Llamamos al banco; esperan la lista de tarjetas.');
      await page.getByTestId('incident-note-add').click();
      await page.locator('[data-testid=incident-event][data-what=note]').waitFor();
      await page.getByTestId('incident-set-contained').click();
      await page.locator('[data-testid=incident-page][data-status=contained]').waitFor();
      await go.incident();
      await expectAccessible(page, 'incident page (English)');
      await go.stepDialog();
      assert.equal(await page.getByTestId('step-dry-count').innerText(), '1 person would be emailed.');
      await expectAccessible(page, 'incident step dialog (English)');
      await page.keyboard.press('Escape');

      await go.outbox();
      await expectAccessible(page, 'outbox list (English)');
      await go.message();
      await expectAccessible(page, 'outbox message (English)');

      // The same pages in Spanish.
      await page.getByTestId('locale-es').click();
      await page.getByTestId('nav-outbox').getByText('Bandeja de salida').waitFor();

      await go.shield();
      await expectSpanish(page, 'shield page', [
        'Modo escudo',
        'Prueba de trabajo',
        'Solicitudes/s',
        'Redes con más tráfico',
        'Avalancha de tráfico',
        'Ataque detectado',
        'Modo escudo activado automáticamente',
      ]);

      await go.integrity();
      await expectSpanish(page, 'integrity page', [
        'Script comprometido',
        'Comprobaciones de manipulación',
        'Coincide',
        'Complementos externos',
        'Apagado por',
        'Informes de infracciones de CSP',
        'Inventario de scripts',
        'Versiones servidas',
        'En uso',
      ]);

      await go.incidents();
      await expectSpanish(page, 'incidents list', ['Todos los incidentes', 'Exposición de datos', 'Denegación de servicio', 'Gravedad', 'Contenido', 'Alta']);
      await page.getByTestId('incident-open-button').click();
      await page.getByTestId('incident-open-form').waitFor();
      await expectSpanish(page, 'incidents list, opening one', ['Abrir el incidente', 'Fecha y hora en que se supo', 'Relleno de credenciales', 'Crítica']);

      await go.incident();
      await expectSpanish(page, 'incident page', [
        'Plazo de la autoridad (72 horas)',
        'Gestión',
        'Copiar el texto',
        'Alcances contados (1)',
        '1 persona',
        'Nuevo alcance: a quién afectó',
        'Funciones',
        'Clases de página',
        'Respuesta',
        'Forzar cambio de contraseña',
        'Cronología',
        'Alcance contado',
        'Marcar como resuelto',
      ]);
      await go.stepDialog();
      await expectSpanish(page, 'incident step dialog', ['¿Avisar?', 'Se enviaría un correo a 1 persona.', 'Una muestra']);
      // Started: its run's progress, and the timeline says who was told.
      await page.getByTestId('step-notify-confirm').click();
      await page.locator('[data-testid=step-run][data-status=done]').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid=incident-event][data-what=notifications_sent]').waitFor({ timeout: 30_000 });
      await expectSpanish(page, 'incident after a step ran', ['terminado', '1 hecho · 0 fallidos · 0 pendientes', 'Se avisó a las personas afectadas']);

      await go.outbox();
      await expectSpanish(page, 'outbox list', ['Todos los correos que envía Taquilla', 'Destinatario', 'Confirmación de pedido', 'Intentos']);
      await go.message();
      await expectSpanish(page, 'outbox message', ['Detalles', 'Cuerpo', 'Idioma', 'Confirmación de pedido', 'Pedido', 'Vista previa HTML']);

      assert.deepEqual(problems, []);
    });
  });
});

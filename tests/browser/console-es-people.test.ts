/**
 * The console's people pages in Spanish: staff (the list, the invitation form and a refused
 * invitation, a role change and a new invitation's confirmation), API keys (the list, the form, the
 * shown-once secret, a revoke confirmation), the access review, my account (the password form with
 * its refusals, the sessions, the second factors and adding a passkey) and the audit log (entries,
 * a filter that matches nothing, the chain verified and broken). Each state is first checked once
 * in English with axe-core, then read in Spanish: some Spanish words must show, no English message
 * of the catalogue may be left, and axe-core finds nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sealAuditLog } from '../../src/security/audit-chain.sealer.js';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { expectAccessible } from './axe.js';
import { expectSpanish } from './console-spanish.js';
import { expectCount, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
/** The page's globals used inside page.evaluate (the tests are type-checked without the DOM library). */
declare const document: { body: { innerText: string } };

type Lang = 'en' | 'es';
/** A state of a page: in English, axe-core only (and the English words, to be sure it is English); in Spanish, the whole check. */
type Check = (state: string, words: { en: string[]; es: string[] }) => Promise<void>;

function checker(page: Page, lang: Lang): Check {
  return async (state, words) => {
    if (lang === 'es') return expectSpanish(page, state, words.es);
    for (const word of words.en) {
      const seen = await page
        .waitForFunction((w) => document.body.innerText.toLowerCase().includes(w.toLowerCase()), word)
        .then(
          () => true,
          () => false,
        );
      assert.ok(seen, `${state}: "${word}" not in ${await page.evaluate(() => document.body.innerText)}`);
    }
    await expectAccessible(page, `${state} (English)`);
  };
}

/** The chain as the server would describe one altered entry and a sealer that stopped (the verifier itself is tested in src/security). */
function brokenChain() {
  const at = new Date().toISOString();
  return {
    head: { seq: 41, hash: 'a'.repeat(64), sealedAt: at },
    unsealed: 3,
    staleUnsealed: 3,
    verified: {
      ok: false,
      checked: 1,
      firstProblem: { kind: 'altered', seq: 2, id: '7', message: 'altered: row id 7 (seq 2) no longer matches its hash' },
      at,
      fullAt: at,
    },
  };
}

describe('browser console people pages in Spanish', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('browser: staff, API keys, access review, my account and the audit log read in Spanish with no English left', { timeout: 240_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 4 });
    const invite = async (payload: object) => {
      const res = await server.t.app.inject({ method: 'POST', url: '/api/admin/staff', headers: admin, payload });
      assert.equal(res.statusCode, 201, res.body);
    };
    // "Door", "Owner", "Staff": the names hold words the Spanish check looks for, so they must be read as data.
    await invite({ email: 'lucia@example.com', name: 'Lucía Door Owner', role: 'door', performanceIds: [show.performanceId] });
    await invite({ email: 'marcos@example.com', name: 'Marcos Staff', role: 'event_manager', eventIds: [show.eventId] });

    await withPage(browser, async ({ page, problems }) => {
      const me = await signIn(page, server, 'owner');
      const lucia = page.locator('[data-testid=staff-row][data-email="lucia@example.com"]');

      for (const lang of ['en', 'es'] as const) {
        const check = checker(page, lang);
        if (lang === 'es') {
          await page.getByTestId('locale-es').click();
          await page.getByTestId('nav-staff').getByText('Personal').waitFor();
        }

        // Staff: the list, the invitation form (refused, then sent), a role change, a disable confirmation.
        await page.goto(`${server.baseUrl}/console/staff`);
        await lucia.waitFor();
        await check('staff list', {
          en: ['Second factors', 'Event manager'],
          es: ['Invitar a alguien', 'Segundos factores', 'Último uso', 'Gestor de eventos', '1 función'],
        });
        await page.getByTestId('staff-invite-open').click();
        await page.getByTestId('invite-email').fill('lucia@example.com');
        await page.getByTestId('invite-role').selectOption('door');
        await page.locator('[data-testid=invite-performances] input[type=checkbox]').first().waitFor();
        await check('staff invitation form', {
          en: ['Name (optional)', 'Performances (none chosen: any)'],
          es: ['Nombre (opcional)', 'Funciones (si no eliges ninguna: cualquiera)', 'Solo control de entrada'],
        });
        await page.getByTestId('invite-send').click();
        await page.getByTestId('invite-error').waitFor();
        await check('staff invitation refused', {
          en: ['Someone on the staff already has this email'],
          es: ['No se envió la invitación', 'Ya hay alguien del personal con este correo', 'staff_exists'],
        });
        await page.getByTestId('invite-email').fill(`nuevo-${lang}@example.com`);
        await page.getByTestId('invite-send').click();
        await page.getByTestId('invitation-sent').waitFor();
        await check('staff invitation sent', { en: ['Invitation sent to'], es: ['Invitación enviada a', 'El enlace funciona una vez'] });
        await page
          .getByTestId('invitation-sent')
          .getByRole('button', { name: lang === 'en' ? 'Dismiss' : 'Cerrar aviso' })
          .click();

        await lucia.getByTestId('staff-role').click();
        const roleDialog = lucia.getByTestId('staff-role-dialog');
        await roleDialog.getByTestId('role-role').selectOption('box_office');
        await roleDialog.getByTestId('role-refund-limit').waitFor();
        await check('staff role dialog', {
          en: ['Role of', 'Refund limit'],
          es: ['Rol de', 'Ahora: Entrada', 'Límite de reembolso (en centavos)', 'Guardar', 'Cancelar'],
        });
        await roleDialog.getByRole('button', { name: lang === 'en' ? 'Cancel' : 'Cancelar' }).click();
        await lucia.getByTestId('staff-reinvite').click();
        await lucia.getByTestId('staff-reinvite-dialog').waitFor();
        await check('staff re-invite dialog', {
          en: ['A new single-use link'],
          es: ['¿Una nueva invitación para', 'Se le envía por correo', 'Enviar la invitación'],
        });
        await lucia
          .getByTestId('staff-reinvite-dialog')
          .getByRole('button', { name: lang === 'en' ? 'Cancel' : 'Cancelar' })
          .click();

        // API keys: the list (empty the first time), the form, the secret shown once, a revoke confirmation.
        await page.goto(`${server.baseUrl}/console/api-keys`);
        await page.getByTestId('api-keys').waitFor();
        if (lang === 'en') await check('API keys, none yet', { en: ['No API keys yet.'], es: [] });
        await page.getByTestId('api-key-new-open').click();
        await page.getByTestId('api-key-name').fill(`Door scanner ${lang}`);
        await page.locator('[data-testid=api-key-performances] input[type=checkbox]').first().waitFor();
        await check('API key form', {
          en: ['Expires after (days)', 'Check tickets in at the door'],
          es: ['Nueva clave de API', 'Vence después de (días)', 'Validar boletos en la entrada', 'Funciones en las que admite este escáner', 'Crear la clave'],
        });
        await page.getByTestId('api-key-create').click();
        await page.getByTestId('api-key-token').waitFor();
        await check('API key secret, shown once', {
          en: ['Copy it now', 'I have stored it'],
          es: ['Cópiala ahora', 'Envíala en este encabezado', 'Ya la guardé', 'Listo'],
        });
        await page.getByTestId('api-key-stored').check();
        await page.getByTestId('api-key-token-done').click();
        await expectCount(page.getByTestId('api-key-row'), lang === 'en' ? 1 : 2);
        await check('API keys list', { en: ['Last use'], es: ['Claves', 'Permisos', 'Vence', 'Activa', 'nunca', 'Revocar'] });
        await page.getByTestId('api-key-revoke').first().click();
        await page.getByTestId('api-key-revoke-dialog').first().waitFor();
        await check('API key revoke dialog', { en: ['This cannot be undone'], es: ['¿Revocar', 'Esto no se puede deshacer'] });
        await page
          .getByTestId('api-key-revoke-dialog')
          .first()
          .getByRole('button', { name: lang === 'en' ? 'Cancel' : 'Cancelar' })
          .click();

        // The access review: the break-glass token the tests use is on, and this test's owner is the only one.
        await page.goto(`${server.baseUrl}/console/access-review`);
        await page.getByTestId('access-review').waitFor();
        await check('access review', {
          en: ['Active owners', 'no passkey'],
          es: [
            'Revisión de accesos',
            'Personal activo',
            'Propietarios activos',
            'sin llave de acceso',
            'Desactivadas por la tarea diaria',
            'La purga se ejecuta',
          ],
        });

        // My account: second factors, the password form (a mismatch, a wrong current password, a weak new one), sessions, adding a passkey.
        await page.goto(`${server.baseUrl}/console/account`);
        await page.locator('[data-testid=session-row][data-current=true]').waitFor();
        await check('my account', {
          en: ['Authenticator app', 'Change password', 'My sessions'],
          es: ['Mi cuenta', 'Segundos factores', 'Llaves de acceso', 'App de autenticación', 'Configurada', 'Contraseña actual', 'Mis sesiones', 'Esta'],
        });
        await page.getByTestId('password-current').fill('not my password at all');
        await page.getByTestId('password-new').fill('password123');
        await page.getByTestId('password-repeat').fill('password12');
        await check('my account, passwords differ', { en: ['The two passwords are not the same.'], es: ['Las dos contraseñas no coinciden.'] });
        await page.getByTestId('password-repeat').fill('password123');
        await page.getByTestId('password-submit').click();
        await page.getByTestId('password-error').waitFor();
        await check('my account, wrong current password', {
          en: ['The current password is not right.'],
          es: ['No se cambió la contraseña', 'La contraseña actual no es correcta.'],
        });
        await page.getByTestId('password-current').fill(me.password);
        await page.getByTestId('password-submit').click();
        await page
          .getByTestId('password-error')
          .getByText(lang === 'en' ? /common or breached/ : /comunes o filtradas/)
          .waitFor();
        await check('my account, weak new password', { en: [], es: ['Esta contraseña está en una lista'] });
        await page.getByTestId('add-passkey').click();
        await page.getByTestId('passkey-create').waitFor();
        await check('my account, adding a passkey', { en: ['Create a passkey'], es: ['Crear una llave de acceso', 'Nombre de esta llave'] });
        await page.getByRole('button', { name: lang === 'en' ? 'Cancel' : 'Cancelar' }).click();

        // The audit log: entries and the chain verified, a filter that matches nothing, then the chain broken.
        await sealAuditLog(server.t.ctx.db);
        await page.goto(`${server.baseUrl}/console/audit`);
        await page.locator('[data-testid=audit-chain][data-ok=true]').waitFor();
        await page.getByTestId('audit-entry').first().waitFor();
        await page.getByTestId('audit-entry').first().locator('summary').click();
        await check('audit log', {
          en: ['Chain verified', 'Head: entry #'],
          es: ['Registro de auditoría', 'Cadena verificada', 'Cabeza: entrada n.º', 'Autor', 'Acción', 'Objeto', 'Detalles', 'Más antiguas'],
        });
        await page.getByTestId('audit-action').fill('no.such.action');
        await page.getByTestId('audit-apply').click();
        await page.getByText(lang === 'en' ? 'No entries match these filters.' : 'Ninguna entrada coincide con estos filtros.').waitFor();
        await check('audit log, nothing matches', { en: [], es: ['Filtrar'] });
        await page.route('**/api/admin/audit/chain', (route) => route.fulfill({ json: brokenChain() }));
        await page.goto(`${server.baseUrl}/console/audit`);
        await page.getByTestId('audit-chain-broken').waitFor();
        await check('audit log, chain broken', {
          en: ['The audit chain does not verify', 'Altered at entry #2'],
          es: [
            'La cadena de auditoría no se verifica',
            'Alterada en la entrada n.º 2',
            'Trátalo como un incidente',
            'no están selladas',
            'El sellador no está funcionando',
          ],
        });
        await page.unroute('**/api/admin/audit/chain');
      }
      assert.deepEqual(problems, []);
    });
  });
});

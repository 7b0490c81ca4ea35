import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { nextCode, signedInStaff } from '../helpers/staff.js';
import { buyThroughApi, expectCount, signIn, virtualAuthenticator } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const PASSWORD = 'lanterns over the quiet harbour';

/** Makes the session's second factor older than sudo mode's five minutes, as if the person had been at work a while. */
async function ageSecondFactor(server: LiveServer, staffId: string): Promise<void> {
  await sql`UPDATE sessions SET second_factor_at = now() - interval '10 minutes' WHERE kind = 'staff' AND subject_id = ${staffId}`.execute(server.t.ctx.db);
}

async function auditActions(server: LiveServer, actor: string): Promise<string[]> {
  const rows = await server.t.ctx.db.selectFrom('audit_log').select('action').where('actor', '=', actor).orderBy('id').execute();
  return rows.map((r) => r.action);
}

async function navSections(page: Page): Promise<string[]> {
  return page.locator('[data-testid=nav] a').evaluateAll((links) => links.map((a) => a.getAttribute('data-testid') ?? ''));
}

describe('browser staff console', { skip }, () => {
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

  test('browser: an invitation enrols a passkey; the passkey alone signs in and confirms sudo to invite someone', { timeout: 60_000 }, async () => {
    const invited = await server.t.app.inject({
      method: 'POST',
      url: '/api/admin/staff',
      headers: admin,
      payload: { email: 'rosa@example.com', name: 'Rosa Vidal', role: 'admin' },
    });
    assert.equal(invited.statusCode, 201, invited.body);
    const { invitationUrl, staff } = invited.json() as { invitationUrl: string; staff: { id: string } };
    assert.ok(invitationUrl.startsWith(`${server.baseUrl}/console/invite#token=`), invitationUrl);

    await withPage(browser, async ({ page, problems }) => {
      const { cdp, authenticatorId } = await virtualAuthenticator(page);

      // The invitation: a refused password is explained, then a good one is set.
      await page.goto(invitationUrl);
      await page.getByTestId('invite').waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
      await page.getByTestId('invite-password').fill('password123');
      await page.getByTestId('invite-repeat').fill('password123');
      await page.getByTestId('invite-submit').click();
      assert.match(await page.getByTestId('invite-error').innerText(), /common or breached/);
      await page.getByTestId('invite-password').fill(PASSWORD);
      await page.getByTestId('invite-repeat').fill(PASSWORD);
      await page.getByTestId('invite-submit').click();

      // The second factor: a passkey, made by the virtual authenticator; then the recovery codes, once.
      await page.getByTestId('enrol-passkey').click();
      await page.getByTestId('passkey-create').click();
      await page.getByTestId('recovery-codes').waitFor();
      await expectCount(page.getByTestId('recovery-code'), 10);
      assert.equal(await page.getByTestId('recovery-continue').isDisabled(), true, 'not before the person says they saved them');
      await page.getByTestId('recovery-saved').check();
      await page.getByTestId('recovery-continue').click();
      await page.getByTestId('sign-out').waitFor();
      assert.equal(await page.getByTestId('who-name').innerText(), 'Rosa Vidal');
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.equal(credentials.length, 1);
      assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable credential: it signs in without a username');
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
        '',
        'the session cookie is HttpOnly',
      );

      // Signed out, then in again with the passkey alone: no email, no password.
      await page.getByTestId('sign-out').click();
      await page.getByTestId('sign-in').waitFor();
      await page.getByTestId('passkey-sign-in').click();
      await page.getByTestId('sign-out').waitFor();
      assert.equal(await page.getByTestId('who-role').innerText(), 'Admin');

      // An hour into the shift, inviting someone asks for the second factor again: the passkey.
      await ageSecondFactor(server, staff.id);
      await page.getByTestId('nav-staff').click();
      await page.locator('[data-testid=staff-row][data-email="rosa@example.com"]').waitFor();
      await page.getByTestId('staff-invite-open').click();
      await page.getByTestId('invite-email').fill('diego@example.com');
      await page.getByTestId('invite-name').fill('Diego Ruiz');
      await page.getByTestId('invite-role').selectOption('door');
      await page.getByTestId('invite-send').click();
      await page.getByTestId('sudo-passkey').click();
      await page.getByTestId('invitation-sent').waitFor();
      assert.match(await page.getByTestId('invitation-url').innerText(), /\/console\/invite#token=/);
      await page.locator('[data-testid=staff-row][data-email="diego@example.com"][data-status=invited][data-role=door]').waitFor();
      assert.deepEqual(problems, []);
    });

    const actions = await auditActions(server, `staff:${staff.id}`);
    for (const action of [
      'accounts.staff.invitation_accepted',
      'accounts.staff.mfa_enrolled',
      'accounts.staff.signed_in',
      'accounts.staff.sudo',
      'accounts.staff.invited',
    ]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
    const signIns = await server.t.ctx.db
      .selectFrom('audit_log')
      .select('data')
      .where('actor', '=', `staff:${staff.id}`)
      .where('action', '=', 'accounts.staff.signed_in')
      .execute();
    assert.deepEqual(
      signIns.map((r) => (r.data as { method: string }).method),
      ['passkey', 'passkey'],
      'enrolment signs in, then the passkey alone',
    );
  });

  test('browser: password then an authenticator code signs in; a wrong code is refused; sudo takes a recovery code', { timeout: 40_000 }, async () => {
    const staff = await signedInStaff(server.t.app, 'owner', { origin: server.baseUrl });
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/console`);
      await page.getByTestId('sign-in').waitFor();
      // Spanish on the way in, for those who want it; back to English.
      await page.getByTestId('locale-es').click();
      assert.equal(await page.locator('h1').innerText(), 'Iniciar sesión');
      await page.getByTestId('locale-en').click();

      await page.getByTestId('sign-in-email').fill(staff.email);
      await page.getByTestId('sign-in-password').fill('not the password at all');
      await page.getByTestId('sign-in-submit').click();
      assert.match(await page.getByTestId('auth-error').innerText(), /email or password is not right/);
      await page.getByTestId('sign-in-password').fill(staff.password);
      await page.getByTestId('sign-in-submit').click();

      await page.getByTestId('second-factor').waitFor();
      await page.getByTestId('totp-input').fill(nextCode(staff.totpSecret) === '000000' ? '111111' : '000000');
      await page.getByTestId('second-factor-submit').click();
      assert.match(await page.getByTestId('auth-error').innerText(), /not right, or was already used/);
      await page.getByTestId('totp-input').fill(nextCode(staff.totpSecret));
      await page.getByTestId('second-factor-submit').click();
      await page.getByTestId('sign-out').waitFor();
      assert.equal(await page.getByTestId('who-role').innerText(), 'Owner');

      // Sudo with a recovery code (the app's next code is a step away): a new recovery code set needs it.
      await ageSecondFactor(server, staff.id);
      await page.getByTestId('nav-account').click();
      await page.getByTestId('new-recovery-codes').click();
      await page.getByTestId('sudo-dialog').waitFor();
      await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await page.getByTestId('sudo-code').fill(staff.recoveryCodes[0]!);
      await page.getByTestId('sudo-submit').click();
      await expectCount(page.getByTestId('recovery-code'), 10);
      const shown = await page.getByTestId('recovery-code').allInnerTexts();
      assert.ok(!shown.includes(staff.recoveryCodes[1]!), 'a new set replaces the old');

      // The session list shows this browser's session.
      await page.locator('[data-testid=session-row][data-current=true]').waitFor();
      assert.deepEqual(problems, []);
    });
  });

  test('browser: a door account sees only the scanner, and scans', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 5 });
    const {
      codes: [code],
    } = await buyThroughApi(server, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server, 'door', { performanceIds: [show.performanceId] });
      await page.waitForURL(/\/console\/scanner$/);
      assert.deepEqual(await navSections(page), ['nav-scanner']);
      assert.equal(await page.getByTestId('who-role').innerText(), 'Door');
      // Bound to one performance: only that one is offered (the list arrives after the page).
      await expectCount(page.locator('[data-testid=scan-performance] option'), 2);

      await page.getByTestId('scan-input').fill(code!);
      await page.getByTestId('scan-input').press('Enter');
      await page.locator('[data-testid=scan-result][data-result=admitted]').waitFor();

      // Another section's address shows no page.
      for (const path of ['/console/staff', '/console/events', '/console/orders', '/console/audit']) {
        await page.goto(`${server.baseUrl}${path}`);
        await page.getByTestId('go-home').waitFor();
      }
      assert.deepEqual(problems, []);
    });
  });

  test('browser: each role sees the sections its permissions allow', { timeout: 30_000 }, async () => {
    const expected: Record<string, string[]> = {
      box_office: ['nav-events', 'nav-venues', 'nav-orders'],
      support: ['nav-orders', 'nav-outbox'],
      security: ['nav-shield', 'nav-integrity', 'nav-incidents', 'nav-audit', 'nav-staff', 'nav-review'],
    };
    for (const [role, sections] of Object.entries(expected)) {
      await withPage(browser, async ({ page, problems }) => {
        await signIn(page, server, role as 'box_office' | 'support' | 'security');
        await page.getByTestId('nav').waitFor();
        assert.deepEqual(await navSections(page), sections, role);
        assert.deepEqual(problems, []);
      });
    }
  });
});

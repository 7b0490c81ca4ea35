/** Steps a fan (or an operator) takes in the browser, and a purchase through the API for tests that start after one. */
import assert from 'node:assert/strict';
import type { CDPSession, Locator, Page } from 'playwright-core';
import { encode } from 'uqr';
import type { StaffRole } from '../../src/platform/database.types.js';
import { cardToken, CARDS, hold, order } from '../helpers/fixtures.js';
import { type SignedIn, signedInStaff } from '../helpers/staff.js';
import type { LiveServer } from './harness.js';

export const CARD = { ok: '4242 4242 4242 4242', declined: '4000 0000 0000 0002' };

/** Waits until the locator matches exactly `count` elements (the page draws asynchronously). */
export async function expectCount(locator: Locator, count: number, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = await locator.count();
  while (seen !== count) {
    if (Date.now() > deadline) assert.fail(`expected ${count} of ${locator}, saw ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await locator.count();
  }
}

/** Picks the first `count` free seats on the map with the mouse and checks the selection shows them. */
export async function pickSeats(page: Page, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // Selected seats keep data-status="available", so skip the ones already picked.
    const seat = page.locator('[data-testid=seat][data-status=available]:not([data-selected])').first();
    ids.push((await seat.getAttribute('data-seat-id'))!);
    await seat.click();
    await page.locator('[data-testid=selected-seat]').nth(i).waitFor();
  }
  return ids;
}

/** Step 1 of checkout: the buyer's details. */
export async function fillBuyer(page: Page, name = 'Ana Rivera', email = 'ana@example.com'): Promise<void> {
  await page.getByTestId('buyer-name').fill(name);
  await page.getByTestId('buyer-email').fill(email);
  await page.getByTestId('buyer-submit').click();
}

/** Step 2: the card, typed into the provider's own frame, never into the app's page. */
export async function payWithCard(page: Page, cardNumber: string): Promise<void> {
  const frame = page.frameLocator('[data-testid=payment-frame]');
  await frame.locator('#cardNumber').fill(cardNumber);
  await frame.locator('#expiry').fill('12/30');
  await frame.locator('#cvc').fill('123');
  await frame.locator('button[type=submit]').click();
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
}

/** The dark modules of a QR code drawn as SVG rects, one string per row, cropped to the symbol. */
function modulesOf(rects: Rect[]): string[] {
  const dark = new Set<string>();
  for (const r of rects) {
    if (/^(#fff(fff)?|white)$/i.test(r.fill)) continue;
    for (let dy = 0; dy < r.h; dy++) for (let dx = 0; dx < r.w; dx++) dark.add(`${r.x + dx},${r.y + dy}`);
  }
  const xs = [...dark].map((k) => Number(k.split(',')[0]));
  const ys = [...dark].map((k) => Number(k.split(',')[1]));
  const [left, top, right, bottom] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  const rows: string[] = [];
  for (let y = top; y <= bottom; y++) {
    let row = '';
    for (let x = left; x <= right; x++) row += dark.has(`${x},${y}`) ? '1' : '0';
    rows.push(row);
  }
  return rows;
}

/** Whether the drawn modules are the QR symbol of `text` (at any error-correction level). */
function qrShows(rects: Rect[], text: string): boolean {
  const drawn = modulesOf(rects).join('\n');
  return (['L', 'M', 'Q', 'H'] as const).some(
    (ecc) =>
      encode(text, { ecc, border: 0 })
        .data.map((row) => row.map((on) => (on ? '1' : '0')).join(''))
        .join('\n') === drawn,
  );
}

/** The order page after a payment: its tickets' codes, each shown as a QR code that carries it. */
export async function ticketsOnOrderPage(page: Page, expected: number): Promise<string[]> {
  await page.waitForURL(/\/orders\/[0-9a-f-]+\?paid=1$/);
  await page.getByTestId('paid-banner').waitFor();
  const tickets = page.getByTestId('ticket');
  await expectCount(tickets, expected);
  assert.equal(await page.locator('[data-testid=ticket] svg.qr').count(), expected, 'each ticket has its QR code');
  const drawn = await tickets.evaluateAll((nodes) =>
    nodes.map((node) => {
      type El = { getAttribute(name: string): string | null; querySelectorAll(s: string): Iterable<El> };
      const el = node as unknown as El;
      const rects = [...el.querySelectorAll('svg.qr rect')].map((r) => ({
        x: Number(r.getAttribute('x') ?? 0),
        y: Number(r.getAttribute('y') ?? 0),
        w: Number(r.getAttribute('width')),
        h: Number(r.getAttribute('height')),
        fill: r.getAttribute('fill') ?? '',
      }));
      return { code: el.getAttribute('data-code') ?? '', rects };
    }),
  );
  for (const { code, rects } of drawn) {
    assert.ok(code.length > 20, `ticket code: ${code}`);
    assert.ok(qrShows(rects, code), `the QR code drawn for ${code} encodes exactly that code`);
  }
  return drawn.map((d) => d.code);
}

/**
 * Signs a staff member of `role` in to the console without the sign-in page: the account is made
 * through the API as a real one is (invited with the break-glass token, the invitation accepted,
 * TOTP enrolled) and its HttpOnly session cookie is put into the page's browser context. Tests
 * about signing in use the page instead (staff-console.test.ts).
 */
export async function signIn(
  page: Page,
  server: LiveServer,
  role: StaffRole = 'owner',
  limits: { eventIds?: string[]; performanceIds?: string[]; refundLimit?: number | null } = {},
): Promise<SignedIn> {
  const staff = await signedInStaff(server.t.app, role, { ...limits, origin: server.baseUrl });
  await page.context().addCookies([staffCookie(server.baseUrl, staff.cookie)]);
  await page.goto(`${server.baseUrl}/console`);
  await page.getByTestId('sign-out').waitFor({ state: 'attached' });
  return staff;
}

/** The console's session cookie as the server sets it: HttpOnly, SameSite=Strict, scoped to /api. */
export function staffCookie(baseUrl: string, value: string) {
  return { name: 'tq_staff', value, domain: new URL(baseUrl).hostname, path: '/api', httpOnly: true, secure: false, sameSite: 'Strict' as const };
}

/** A paid order made through the HTTP API, as a fan's phone would: its ticket codes. */
export async function buyThroughApi(server: LiveServer, performanceId: string, body: object): Promise<{ orderId: string; codes: string[] }> {
  const held = await hold(server.t.app, performanceId, body);
  assert.equal(held.statusCode, 201, held.body);
  const created = await order(server.t.app, held.json());
  assert.equal(created.statusCode, 201, created.body);
  const { orderId, payment } = created.json();
  const token = await cardToken(server.payments, payment.sessionId, CARDS.ok);
  const paid = await server.t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/payment`, payload: { token } });
  assert.equal(paid.statusCode, 200, paid.body);
  return { orderId, codes: paid.json().tickets.map((t: { code: string }) => t.code) };
}

/** Chromium's virtual authenticator, as a phone or laptop with a fingerprint reader would be. */
export async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

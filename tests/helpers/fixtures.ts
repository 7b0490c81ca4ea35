import assert from 'node:assert/strict';
import type { App } from '../../src/app.js';
import { accessTokens } from '../../src/platform/access-tokens.js';
import { admin, TEST_SECRET } from './app.js';

export interface Show {
  eventId: string;
  performanceId: string;
  categories: Record<string, string>;
  gaAreaId: string;
  seats: { id: string; section: string; row: string; number: number }[];
}

async function post(app: App, url: string, payload: unknown) {
  const res = await app.inject({ method: 'POST', url, headers: admin, payload: payload as object });
  assert.ok(res.statusCode < 300, `${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/**
 * A small show through the operator API: section "A" with `rows` x `perRow` seats in category
 * "Front", and one GA area of `gaCapacity` in category "Floor". Opened for sale unless told not to.
 */
export async function createShow(
  app: App,
  opts: { rows?: number; perRow?: number; gaCapacity?: number; open?: boolean; slug?: string; maxTicketsPerOrder?: number } = {},
): Promise<Show> {
  const rows = opts.rows ?? 5;
  const perRow = opts.perRow ?? 10;
  const seats = [];
  for (let r = 1; r <= rows; r++) for (let n = 1; n <= perRow; n++) seats.push({ section: 'A', row: String(r), number: n, x: n * 10, y: r * 10 });
  const venue = await post(app, '/api/admin/venues', { name: 'Test Hall', seats, gaAreas: [{ name: 'Floor', capacity: opts.gaCapacity ?? 100 }] });
  const event = await post(app, '/api/admin/events', {
    slug: opts.slug ?? `show-${Math.random().toString(36).slice(2, 10)}`,
    title: 'Test Show',
    maxTicketsPerOrder: opts.maxTicketsPerOrder ?? 10,
    priceCategories: [
      { name: 'Front', price: 5000, currency: 'EUR' },
      { name: 'Floor', price: 3000, currency: 'EUR' },
    ],
  });
  const categories = Object.fromEntries(event.priceCategories.map((c: { name: string; id: string }) => [c.name, c.id]));
  const detail = (await app.inject({ method: 'GET', url: `/api/admin/venues/${venue.id}`, headers: admin })).json();
  const performance = await post(app, `/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    pricing: [
      { categoryId: categories.Front, sections: ['A'] },
      { categoryId: categories.Floor, gaAreaIds: [detail.gaAreas[0].id] },
    ],
  });
  if (opts.open !== false) await post(app, `/api/admin/performances/${performance.id}/open`, {});
  return { eventId: event.id, performanceId: performance.id, categories, gaAreaId: detail.gaAreas[0].id, seats: detail.seats };
}

export async function hold(app: App, performanceId: string, body: object) {
  return app.inject({ method: 'POST', url: `/api/performances/${performanceId}/holds`, payload: body });
}

export const buyer = { name: 'Ana Rivera', email: 'ana@example.com', locale: 'es' };

const holdTokens = accessTokens(TEST_SECRET, 'hold-access');

/** The Authorization header a hold's routes need: from a hold answer, or worked out from the test secret for a bare id. */
export function holdAuth(hold: string | { holdId: string; holdToken?: string }): { authorization: string } {
  const token = typeof hold === 'string' ? holdTokens.tokenFor(hold) : (hold.holdToken ?? holdTokens.tokenFor(hold.holdId));
  return { authorization: `Bearer ${token}` };
}

export async function order(app: App, hold: string | { holdId: string; holdToken?: string }, key?: string) {
  const holdId = typeof hold === 'string' ? hold : hold.holdId;
  return app.inject({
    method: 'POST',
    url: `/api/holds/${holdId}/order`,
    headers: { 'idempotency-key': key ?? `key-${holdId}`, ...holdAuth(hold) },
    payload: { buyer },
  });
}

export const CARDS = { ok: '4242424242424242', declined: '4000000000000002', insufficient: '4000000000009995', expired: '4000000000000069' };

/** A one-time token from the test provider's own origin, as the card form would get it. */
export async function cardToken(payments: App, sessionId: string, cardNumber = CARDS.ok): Promise<string> {
  const res = await payments.inject({ method: 'POST', url: '/tokens', payload: { sessionId, cardNumber, expiry: '12/39', cvc: '123' } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().token;
}

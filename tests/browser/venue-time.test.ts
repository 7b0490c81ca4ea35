import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { zonedTime } from '../../src/catalog/time-zones.js';
import { admin } from '../helpers/app.js';
import { buyThroughApi, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const ZONE = 'America/Puerto_Rico';

/**
 * A fan in Tokyo reads a show at 20:00 in San Juan: every page says 20:00 and names Puerto Rico's
 * time, never the Tokyo time (09:00 the next day) nor the UTC one (midnight the next day).
 */
describe('browser venue time', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  let performanceId: string;
  let eventId: string;
  let venueId: string;
  let eventSlug: string;
  let startsAt: Date;
  let order: { orderId: string; accessToken: string };
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    const post = async (url: string, payload: object) => {
      const res = await server.t.app.inject({ method: 'POST', url, headers: admin, payload });
      assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
      return res.json();
    };
    const seats = [1, 2, 3, 4, 5, 6].map((n) => ({ section: 'Platea', row: '1', number: n, x: n * 20, y: 20 }));
    const venue = await post('/api/admin/venues', { name: 'Coliseo de San Juan', timeZone: ZONE, seats, gaAreas: [] });
    eventSlug = `luna-brava-${Math.random().toString(36).slice(2, 8)}`;
    const event = await post('/api/admin/events', {
      slug: eventSlug,
      title: 'Luna Brava — the tour',
      defaultLanguage: 'en',
      translations: { es: { title: 'Luna Brava — la gira', description: 'Salsa y bomba' } },
      priceCategories: [{ name: 'Platea', price: 5000, currency: 'USD' }],
    });
    // 20:00 in San Juan three weeks from now: midnight UTC, 09:00 in Tokyo, both the next day.
    const day = new Date(Date.now() + 21 * 86_400_000);
    startsAt = zonedTime(ZONE, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), 20, 0);
    const perf = await post(`/api/admin/events/${event.id}/performances`, {
      venueId: venue.id,
      startsAt: startsAt.toISOString(),
      doorsAt: new Date(startsAt.getTime() - 90 * 60_000).toISOString(),
      pricing: [{ categoryId: event.priceCategories[0].id, sections: ['Platea'] }],
    });
    performanceId = perf.id;
    eventId = event.id;
    venueId = venue.id;
    await post(`/api/admin/performances/${performanceId}/open`, {});
    // The page itself is what is read here, not the line in front of it.
    await server.t.app.inject({ method: 'PUT', url: `/api/admin/performances/${performanceId}/queue`, headers: admin, payload: { enabled: false } });
    const venueDetail = (await server.t.app.inject({ url: `/api/admin/venues/${venue.id}`, headers: admin })).json();
    const bought = await buyThroughApi(server, performanceId, { seatIds: [venueDetail.seats[0].id, venueDetail.seats[1].id] });
    order = { orderId: bought.orderId, accessToken: server.t.ctx.orderAccess.tokenFor(bought.orderId) };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const inZone = (zone: string, locale: string, options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(startsAt);
  /** What a page must never show: the start read in Tokyo's or UTC's time. */
  function assertNoForeignTime(text: string, where: string) {
    assert.doesNotMatch(text, /\b9:00\s?AM\b|\b09:00\b/, `${where}: the Tokyo time`);
    assert.doesNotMatch(text, /\b12:00\s?AM\b|\b00:00\b|\bUTC\b/, `${where}: the UTC time`);
    const tokyoDay = inZone('Asia/Tokyo', 'en-US', { weekday: 'long', month: 'long', day: 'numeric' });
    assert.ok(!text.includes(tokyoDay), `${where}: the Tokyo date ${tokyoDay}`);
  }

  test('browser: in Tokyo, the event, performance and order pages show 20:00 Puerto Rico time', { timeout: 40_000 }, async () => {
    await withPage(
      browser,
      async ({ page, problems }) => {
        assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'Asia/Tokyo');
        const venueDay = inZone(ZONE, 'en-US', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });

        await page.goto(`${server.baseUrl}/performances/${performanceId}`);
        const when = page.getByTestId('performance-when');
        await when.waitFor();
        const performanceText = (await when.textContent()) ?? '';
        assert.ok(performanceText.includes(venueDay), `performance page: ${performanceText} has ${venueDay}`);
        assert.match(performanceText, /8:00\sPM \(Puerto Rico time\)/);
        assertNoForeignTime(performanceText, 'performance page');
        assert.equal(await page.locator('h1').first().textContent(), 'Luna Brava — the tour');

        await page.goto(`${server.baseUrl}/events/${eventSlug}`);
        const time = page.getByTestId('performance-time');
        await time.waitFor();
        assert.match((await time.textContent()) ?? '', /^8:00\sPM \(Puerto Rico time\) · doors 6:30\sPM$/);
        assertNoForeignTime(await page.locator('main').innerText(), 'event page');

        await page.goto(`${server.baseUrl}/orders/${order.orderId}#access=${order.accessToken}`);
        const orderWhen = page.getByTestId('order-when');
        await orderWhen.waitFor();
        const orderText = (await orderWhen.textContent()) ?? '';
        assert.ok(orderText.includes(venueDay), `order page: ${orderText}`);
        assert.match(orderText, /8:00\sPM \(Puerto Rico time\)/);
        const main = await page.locator('main').innerText();
        // The tickets repeat the start, in the venue's time too.
        assert.equal((main.match(/8:00\sPM \(Puerto Rico time\)/g) ?? []).length, 3, main);
        // Paid minutes ago, also read in San Juan: the hour there, not Tokyo's.
        // The order was paid within the last two minutes: any of those minutes, as San Juan reads it.
        const sanJuan = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone: ZONE });
        const minutes = [0, 1, 2].map((back) => sanJuan.format(new Date(Date.now() - back * 60_000)));
        assert.ok(
          minutes.some((m) => main.includes(m)),
          `paid time in venue time (one of ${minutes.join(', ')})`,
        );
        assertNoForeignTime(main, 'order page');
        assert.deepEqual(problems, []);
      },
      { timezoneId: 'Asia/Tokyo', locale: 'en-US' },
    );
  });

  test('browser: an operator in Tokyo reads and moves the performance in San Juan time', { timeout: 40_000 }, async () => {
    const other = await server.t.app.inject({
      method: 'POST',
      url: '/api/admin/venues',
      headers: admin,
      payload: { name: 'Sala Tokio', timeZone: 'Asia/Tokyo', seats: [{ section: 'A', row: '1', number: 1, x: 0, y: 0 }], gaAreas: [] },
    });
    assert.equal(other.statusCode, 201, other.body);
    await withPage(
      browser,
      async ({ page, problems }) => {
        await signIn(page, server);
        await page.goto(`${server.baseUrl}/console/events/${eventId}/performances/${performanceId}`);
        await page.getByTestId('dates-form').waitFor();
        const wall = (hour: string) => `${inZone(ZONE, 'en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' })}T${hour}`;
        assert.equal(await page.getByTestId('starts-at').inputValue(), wall('20:00'), 'the input holds San Juan wall time');
        assert.equal(await page.getByTestId('doors-at').inputValue(), wall('18:30'));
        assert.match((await page.getByTestId('dates-zone').textContent()) ?? '', /Puerto Rico time \(America\/Puerto_Rico\)/);
        assert.match((await page.locator('h1').first().textContent()) ?? '', /20:00 \(Puerto Rico time\)/);

        await page.getByTestId('starts-at').fill(wall('21:30'));
        await page.getByTestId('dates-save').click();
        await page.getByText('Dates saved.').waitFor();
        const detail = (await server.t.app.inject(`/api/performances/${performanceId}`)).json();
        assert.equal(detail.startsAt, new Date(startsAt.getTime() + 90 * 60_000).toISOString(), '21:30 in San Juan, not in Tokyo');
        // Put back for the other tests.
        const back = await server.t.app.inject({
          method: 'PATCH',
          url: `/api/admin/performances/${performanceId}`,
          headers: admin,
          payload: { startsAt: startsAt.toISOString() },
        });
        assert.equal(back.statusCode, 200, back.body);

        // A new performance: the inputs are in the chosen venue's zone, and say so.
        await page.goto(`${server.baseUrl}/console/events/${eventId}/performances/new`);
        await page.getByTestId('venue-select').selectOption(other.json().id);
        await page.locator('[data-testid=dates-zone]', { hasText: 'Asia/Tokyo' }).waitFor();
        await page.getByTestId('venue-select').selectOption(venueId);
        await page.locator('[data-testid=dates-zone]', { hasText: 'America/Puerto_Rico' }).waitFor();
        assert.deepEqual(problems, []);
      },
      { timezoneId: 'Asia/Tokyo', locale: 'en-GB' },
    );
  });

  test('browser: in Tokyo in Spanish, the pages say 20:00 hora de Puerto Rico and the Spanish title', { timeout: 40_000 }, async () => {
    await withPage(
      browser,
      async ({ page, problems }) => {
        const venueDay = inZone(ZONE, 'es', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
        await page.goto(`${server.baseUrl}/orders/${order.orderId}#access=${order.accessToken}`);
        const orderWhen = page.getByTestId('order-when');
        await orderWhen.waitFor();
        const text = (await orderWhen.textContent()) ?? '';
        assert.ok(text.includes(venueDay), `order page: ${text} has ${venueDay}`);
        assert.match(text, /20:00 \(hora de Puerto Rico\)/);
        assert.doesNotMatch(text, /09:00|00:00|UTC/);
        assert.match(await page.locator('main').innerText(), /Luna Brava — la gira/);

        await page.goto(`${server.baseUrl}/`);
        const card = page.locator(`[data-event-slug="${eventSlug}"]`);
        await card.waitFor();
        const cardText = await card.innerText();
        assert.match(cardText, /Luna Brava — la gira/);
        assert.match(cardText, /20:00 \(hora de Puerto Rico\)/);
        assert.equal(await card.locator('h2').getAttribute('lang'), 'es');
        assert.deepEqual(problems, []);
      },
      { timezoneId: 'Asia/Tokyo', locale: 'es-ES' },
    );
  });
});

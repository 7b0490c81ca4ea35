import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();

describe('browser queue page: what the line is for', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A show in San Juan at 8 PM local time (midnight UTC), with a Spanish title, its room open and nobody admitted yet. */
  async function sanJuanRoom() {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    const { db } = server.t.ctx;
    const perf = await db
      .updateTable('performances')
      .set({ starts_at: new Date('2027-03-20T00:00:00Z'), on_sale_at: new Date(Date.now() - 60_000) })
      .where('id', '=', show.performanceId)
      .returning('venue_id')
      .executeTakeFirstOrThrow();
    await db.updateTable('venues').set({ time_zone: 'America/Puerto_Rico', name: 'Coliseo de Puerto Rico' }).where('id', '=', perf.venue_id).execute();
    await db
      .updateTable('events')
      .set({ title: 'Sunset Concert', translations: JSON.stringify({ es: { title: 'Concierto al atardecer' } }) })
      .where('id', '=', show.eventId)
      .execute();
    const room = await server.t.app.inject({ url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin });
    assert.equal(room.json().enabled, true, room.body);
    return show;
  }

  test('browser: the queue page names the event, its date in the venue’s time and the venue, and switches to Spanish at once', {
    timeout: 45_000,
  }, async () => {
    const show = await sanJuanRoom();
    // A phone set to Tokyo: the show still reads 8 PM, San Juan's time, with the zone named.
    await withPage(
      browser,
      async ({ page, problems }) => {
        await page.goto(`${server.baseUrl}/queue/${show.performanceId}`);
        await page.locator('[data-testid=queue-state][data-state=waiting]').waitFor();
        await page.getByTestId('queue-show').waitFor();
        assert.equal(await page.getByTestId('queue-event').innerText(), 'Sunset Concert');
        const when = await page.getByTestId('queue-when').innerText();
        assert.match(when, /Friday, March 19, 2027/);
        assert.match(when, /8:00\s?PM/);
        assert.match(when, /\(Puerto Rico time\)$/, 'named as the other fan pages name it');
        assert.equal(await page.getByTestId('queue-venue').innerText(), 'Coliseo de Puerto Rico');

        // The first fan in line, nobody let in yet: no "Fans let in per minute: 0", a calm word instead.
        assert.equal(await page.getByTestId('queue-position').innerText(), '1');
        assert.equal(await page.locator('#q-rate').isVisible(), false);
        assert.match(await page.getByTestId('queue-pace').innerText(), /as soon as there is room in checkout/);
        assert.doesNotMatch(await page.locator('main').innerText(), /per minute/i);

        await page.locator('[data-testid=queue-language] button[data-locale=es]').click();
        // At once, without a reload: the page's words, the number formats and the event's Spanish title.
        assert.equal(await page.locator('h1').innerText(), 'Sala de espera');
        assert.equal(await page.getAttribute('html', 'lang'), 'es');
        assert.equal(await page.locator('[data-testid=queue-language] button[data-locale=es]').getAttribute('aria-pressed'), 'true');
        assert.equal(await page.getByTestId('queue-state').innerText(), 'En la fila');
        assert.match(await page.getByTestId('queue-pace').innerText(), /en cuanto hay sitio/);
        await page.locator('[data-testid=queue-event]', { hasText: 'Concierto al atardecer' }).waitFor();
        assert.equal(await page.getByTestId('queue-event').getAttribute('lang'), 'es');
        const cuando = await page.getByTestId('queue-when').innerText();
        assert.match(cuando, /viernes, 19 de marzo de 2027/);
        assert.match(cuando, /20:00/);
        assert.match(cuando, /\(hora de Puerto Rico\)$/);

        // Remembered: a reload (or the buyer pages) keep Spanish.
        await page.reload();
        await page.getByTestId('queue-show').waitFor();
        assert.equal(await page.locator('h1').innerText(), 'Sala de espera');
        assert.equal(await page.getByTestId('queue-event').innerText(), 'Concierto al atardecer');
        assert.deepEqual(problems, []);
      },
      { timezoneId: 'Asia/Tokyo', locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    );
  });

  test('browser: before the sale the queue page says when it opens, in the venue’s time, in the fan’s language', { timeout: 30_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 10, open: false });
    const { db } = server.t.ctx;
    const perf = await db
      .updateTable('performances')
      .set({ starts_at: new Date('2027-03-20T00:00:00Z'), on_sale_at: new Date('2027-03-01T14:00:00Z') })
      .where('id', '=', show.performanceId)
      .returning('venue_id')
      .executeTakeFirstOrThrow();
    await db.updateTable('venues').set({ time_zone: 'America/Puerto_Rico' }).where('id', '=', perf.venue_id).execute();
    await withPage(
      browser,
      async ({ page, problems }) => {
        await page.goto(`${server.baseUrl}/queue/${show.performanceId}`);
        await page.locator('[data-testid=queue-state][data-state=pre_queue]').waitFor();
        await page.getByTestId('queue-opens').waitFor();
        const opens = await page.getByTestId('queue-opens').innerText();
        assert.match(opens, /lundi 1 mars 2027/);
        assert.match(opens, /10:00/);
        assert.match(opens, /\(heure de Puerto Rico\)$/);
        assert.doesNotMatch(await page.locator('main').innerText(), /par minute/i);
        assert.equal(await page.getByTestId('queue-message').isVisible(), false, 'no crowd warning while the draw is smaller than the stock');

        // A bigger draw than the stock (the server's answer, enlarged here): the warning is in French, not the API's English.
        await page.route('**/api/queue/status', async (route) => {
          const real = await route.fetch();
          const body = { ...(await real.json()), ticketsLeft: 3000, demand: 40_000, message: 'There are 40,000 people in the draw and 3,000 tickets left.' };
          await route.fulfill({ response: real, json: body });
        });
        const warning = page.getByTestId('queue-message');
        await warning.waitFor({ timeout: 15_000 });
        assert.match(await warning.innerText(), /^Il y a plus de personnes dans le tirage au sort \(40\s000\) que de billets \(3\s000\)/);
        assert.doesNotMatch(await page.locator('main').innerText(), /people|tickets left/);
        assert.deepEqual(problems, []);
      },
      { timezoneId: 'Europe/Oslo', locale: 'fr-FR' },
    );
  });

  test('browser: a performance sold through the waiting room never says “on sale now” and “when tickets are on sale” together', {
    timeout: 30_000,
  }, async () => {
    const show = await sanJuanRoom();
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(`${server.baseUrl}/performances/${show.performanceId}`);
      await page.locator('[data-testid=sale-status][data-status=on_sale]').waitFor();
      await page.getByTestId('queue-notice').waitFor();
      const help = page.locator('#map-help');
      await help.waitFor();
      assert.equal(await help.innerText(), 'Seats can be picked when your turn in the waiting room comes.');
      assert.doesNotMatch(await page.locator('main').innerText(), /when tickets are on sale/);

      // A performance without a waiting room: the map is open, and says how to pick.
      const open = await createShow(server.t.app, { rows: 2, perRow: 10 });
      await page.goto(`${server.baseUrl}/performances/${open.performanceId}`);
      await page.locator('[data-testid=seat-map][data-interactive=true]').waitFor();
      assert.match(await page.locator('#map-help').innerText(), /Tap or click a seat/);

      // Not on sale yet: the plain wording, which is true there.
      await server.t.ctx.db.updateTable('performances').set({ status: 'scheduled' }).where('id', '=', open.performanceId).execute();
      await page.reload();
      await page.locator('[data-testid=sale-status][data-status=scheduled]').waitFor();
      assert.equal(await page.locator('#map-help').innerText(), 'Seats can be picked when tickets are on sale.');
      assert.deepEqual(problems, []);
    });
  });
});

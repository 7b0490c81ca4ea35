import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { buyer, cardToken, holdAuth } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { requestedLanguage, textsIn } from './event-texts.js';
import { isTimeZone, zonedTime } from './time-zones.js';

describe('venue time zones and event texts: units', () => {
  test('time zones: IANA names the runtime knows pass; offsets, abbreviations, typos and wrong case do not', () => {
    for (const zone of ['UTC', 'America/Puerto_Rico', 'Europe/Madrid', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Calcutta', 'America/Argentina/Buenos_Aires']) {
      assert.ok(isTimeZone(zone), zone);
    }
    for (const zone of ['', 'EST', 'AST', '+04:00', 'UTC-4', 'Mars/Olympus_Mons', 'Europe/Madird', 'america/puerto_rico', 'Europe/Madrid ']) {
      assert.ok(!isTimeZone(zone), zone);
    }
  });

  test('time zones: a wall time in a zone is the instant it names, across summer time changes', () => {
    assert.equal(zonedTime('America/Puerto_Rico', 2026, 12, 12, 20, 0).toISOString(), '2026-12-13T00:00:00.000Z');
    assert.equal(zonedTime('Europe/Madrid', 2026, 1, 15, 20, 0).toISOString(), '2026-01-15T19:00:00.000Z');
    assert.equal(zonedTime('Europe/Madrid', 2026, 7, 15, 20, 0).toISOString(), '2026-07-15T18:00:00.000Z');
    assert.equal(zonedTime('UTC', 2026, 3, 29, 2, 30).toISOString(), '2026-03-29T02:30:00.000Z');
    // 02:30 does not exist in Madrid on 29 March 2026; it is read as 03:30 summer time (01:30 UTC).
    assert.equal(zonedTime('Europe/Madrid', 2026, 3, 29, 2, 30).toISOString(), '2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 25 October 2026: the first one (summer time) is taken.
    assert.equal(zonedTime('Europe/Madrid', 2026, 10, 25, 2, 30).toISOString(), '2026-10-25T00:30:00.000Z');
  });

  test('event texts: the reader language field by field, falling back to the default', () => {
    const event = {
      title: 'Luna Brava',
      description: 'Salsa y bomba',
      default_language: 'es' as const,
      translations: { en: { title: 'Luna Brava — the tour', description: 'Salsa and bomba' }, fr: { description: 'Salsa et bomba' } },
    };
    assert.deepEqual(textsIn(event, 'en'), { title: 'Luna Brava — the tour', description: 'Salsa and bomba', language: 'en' });
    assert.deepEqual(textsIn(event, 'fr'), { title: 'Luna Brava', description: 'Salsa et bomba', language: 'es' });
    assert.deepEqual(textsIn(event, 'nl'), { title: 'Luna Brava', description: 'Salsa y bomba', language: 'es' });
    assert.deepEqual(textsIn(event, null), { title: 'Luna Brava', description: 'Salsa y bomba', language: 'es' });
    assert.equal(requestedLanguage('fr-CH', 'es'), 'fr');
    assert.equal(requestedLanguage(undefined, 'de-DE,de;q=0.9,nn;q=0.8'), 'nb');
    assert.equal(requestedLanguage('de', 'es'), null, 'an unsupported ?lang= gives the default, not Accept-Language');
    assert.equal(requestedLanguage(undefined, undefined), null);
  });
});

describe('venue time zones and event texts: API', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  before(async () => {
    t = await testApp();
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });
  const send = (method: 'POST' | 'PATCH', url: string, payload: object) => t.app.inject({ method, url, headers: admin, payload });
  const seats = [1, 2, 3, 4].map((n) => ({ section: 'A', row: '1', number: n, x: n * 10, y: 10 }));
  const newVenue = (extra: object = {}) => send('POST', '/api/admin/venues', { name: 'Coliseo', seats, gaAreas: [{ name: 'Pista', capacity: 20 }], ...extra });
  let slugs = 0;
  const newEvent = (extra: object = {}) =>
    send('POST', '/api/admin/events', {
      slug: `texts-${++slugs}-${Math.random().toString(36).slice(2, 8)}`,
      title: 'Luna Brava',
      description: 'Salsa y bomba',
      priceCategories: [{ name: 'Platea', price: 5000, currency: 'USD' }],
      ...extra,
    });
  const bad = (res: { statusCode: number; json(): { error: { code: string; field?: string } } }, code: string, field: string) => {
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, code);
    assert.equal(res.json().error.field, field);
  };

  test('venues: timeZone is set on create, shown in the detail, changed by a patch (audited), UTC by default', async () => {
    const res = await newVenue({ timeZone: 'America/Puerto_Rico' });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id;
    const detail = (await t.app.inject({ url: `/api/admin/venues/${id}`, headers: admin })).json();
    assert.equal(detail.timeZone, 'America/Puerto_Rico');
    const listed = (await t.app.inject({ url: '/api/admin/venues', headers: admin })).json().venues.find((v: { id: string }) => v.id === id);
    assert.equal(listed.timeZone, 'America/Puerto_Rico');

    const edited = await send('PATCH', `/api/admin/venues/${id}`, { timeZone: 'Europe/Madrid' });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().timeZone, 'Europe/Madrid');
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('subject_id', '=', id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(entry, { action: 'catalog.venue.updated', data: { changes: { timeZone: { from: 'America/Puerto_Rico', to: 'Europe/Madrid' } } } });

    const plain = (await newVenue()).json().id;
    assert.equal((await t.app.inject({ url: `/api/admin/venues/${plain}`, headers: admin })).json().timeZone, 'UTC');
  });

  test('venues: a time zone the runtime does not know is a 400 naming timeZone, and nothing is written', async () => {
    const before = await t.ctx.db
      .selectFrom('venues')
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    for (const zone of ['Mars/Olympus', 'EST', '+04:00', 'america/puerto_rico']) bad(await newVenue({ timeZone: zone }), 'invalid_time_zone', 'timeZone');
    bad(await newVenue({ timeZone: '' }), 'invalid_request', 'body.timeZone');
    const after = await t.ctx.db
      .selectFrom('venues')
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
    const id = (await newVenue({ timeZone: 'Asia/Tokyo' })).json().id;
    bad(await send('PATCH', `/api/admin/venues/${id}`, { timeZone: 'Asia/Tokio' }), 'invalid_time_zone', 'timeZone');
    assert.equal((await t.app.inject({ url: `/api/admin/venues/${id}`, headers: admin })).json().timeZone, 'Asia/Tokyo');
  });

  test('events: texts per language are stored, returned to the operator and given to fans in their language', async () => {
    const res = await newEvent({
      defaultLanguage: 'es',
      translations: { en: { title: 'Luna Brava — the tour', description: 'Salsa and bomba' }, fr: { title: 'Luna Brava — la tournée' } },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { id, slug } = res.json();
    const detail = (await t.app.inject({ url: `/api/admin/events/${id}`, headers: admin })).json();
    assert.equal(detail.defaultLanguage, 'es');
    assert.deepEqual(detail.translations, { en: { title: 'Luna Brava — the tour', description: 'Salsa and bomba' }, fr: { title: 'Luna Brava — la tournée' } });
    assert.equal(detail.title, 'Luna Brava');

    const read = async (url: string, headers: Record<string, string> = {}) => (await t.app.inject({ url, headers })).json();
    assert.deepEqual(((await read(`/api/events/${slug}?lang=en`)) as { title: string; description: string; language: string }).title, 'Luna Brava — the tour');
    const fr = await read(`/api/events/${slug}?lang=fr`);
    assert.deepEqual([fr.title, fr.description, fr.language], ['Luna Brava — la tournée', 'Salsa y bomba', 'fr']);
    const nl = await read(`/api/events/${slug}`, { 'accept-language': 'nl-BE,en;q=0.5' });
    assert.deepEqual([nl.title, nl.language], ['Luna Brava', 'es'], 'no Dutch text: the default language');
    assert.equal((await read(`/api/events/${slug}`, { 'accept-language': 'en-US' })).title, 'Luna Brava — the tour');
    const listed = ((await read('/api/events?lang=en')) as { id: string; title: string; language: string }[]).find((e) => e.id === id)!;
    assert.deepEqual([listed.title, listed.language], ['Luna Brava — the tour', 'en']);

    const edited = await send('PATCH', `/api/admin/events/${id}`, { translations: { nb: { title: 'Luna Brava — turneen' } } });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual(edited.json().translations, { nb: { title: 'Luna Brava — turneen' } }, 'replaced whole');
    assert.equal((await read(`/api/events/${slug}?lang=en`)).title, 'Luna Brava');
    assert.equal((await read(`/api/events/${slug}?lang=nb`)).title, 'Luna Brava — turneen');
  });

  test('events: an unknown language, an overlong text or a translation into the default language is a 400 naming it', async () => {
    bad(await newEvent({ translations: { de: { title: 'Luna Brava' } } }), 'invalid_request', 'body.translations.de');
    bad(await newEvent({ defaultLanguage: 'pt' }), 'invalid_request', 'body.defaultLanguage');
    bad(await newEvent({ translations: { es: { title: 'x'.repeat(201) } } }), 'invalid_request', 'body.translations.es.title');
    bad(await newEvent({ translations: { es: { description: 'x'.repeat(5001) } } }), 'invalid_request', 'body.translations.es.description');
    bad(await newEvent({ translations: { es: { subtitle: 'x' } } }), 'invalid_request', 'body.translations.es.subtitle');
    bad(await newEvent({ defaultLanguage: 'es', translations: { es: { title: 'Luna' } } }), 'translation_is_default', 'translations.es');

    const id = (await newEvent({ translations: { es: { title: 'Luna Brava (es)' } } })).json().id;
    // Making Spanish the default while a Spanish translation exists would lose one of the two texts.
    bad(await send('PATCH', `/api/admin/events/${id}`, { defaultLanguage: 'es' }), 'translation_is_default', 'translations.es');
    const ok = await send('PATCH', `/api/admin/events/${id}`, {
      defaultLanguage: 'es',
      title: 'Luna Brava (es)',
      translations: { en: { title: 'Luna Brava' } },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().defaultLanguage, 'es');
  });

  test('orders: the confirmation email, the order and the PDF show the venue time with the zone named, and the title in the buyer language', async () => {
    const venue = (await newVenue({ timeZone: 'America/Puerto_Rico' })).json();
    const venueDetail = (await t.app.inject({ url: `/api/admin/venues/${venue.id}`, headers: admin })).json();
    const event = (await newEvent({ defaultLanguage: 'en', title: 'Luna Brava — the tour', translations: { es: { title: 'Luna Brava — la gira' } } })).json();
    // 20:00 in San Juan on Saturday 12 December 2026 is midnight UTC on the 13th.
    const perf = (
      await send('POST', `/api/admin/events/${event.id}/performances`, {
        venueId: venue.id,
        startsAt: '2026-12-13T00:00:00.000Z',
        pricing: [{ categoryId: event.priceCategories[0].id, sections: ['A'] }],
      })
    ).json();
    assert.equal((await send('POST', `/api/admin/performances/${perf.id}/open`, {})).statusCode, 200);

    const publicPerf = (await t.app.inject(`/api/performances/${perf.id}?lang=es`)).json();
    assert.deepEqual(publicPerf.venue, { id: venue.id, name: 'Coliseo', timeZone: 'America/Puerto_Rico' });
    assert.equal(publicPerf.event.title, 'Luna Brava — la gira');
    const eventDetail = (await t.app.inject(`/api/events/${event.id}`)).json();
    assert.equal(eventDetail.performances[0].venue.timeZone, 'America/Puerto_Rico');
    const listed = (await t.app.inject('/api/events')).json().find((e: { id: string }) => e.id === event.id);
    assert.equal(listed.performances[0].timeZone, 'America/Puerto_Rico');

    const h = (await t.app.inject({ method: 'POST', url: `/api/performances/${perf.id}/holds`, payload: { seatIds: [venueDetail.seats[0].id] } })).json();
    const o = (
      await t.app.inject({
        method: 'POST',
        url: `/api/holds/${h.holdId}/order`,
        headers: { 'idempotency-key': `tz-${h.holdId}`, ...holdAuth(h) },
        payload: { buyer },
      })
    ).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);

    const mail = await t.ctx.db.selectFrom('outbox').select(['subject', 'body_text']).where('order_id', '=', o.orderId).executeTakeFirstOrThrow();
    assert.equal(mail.subject, 'Pedido confirmado: Luna Brava — la gira');
    assert.match(mail.body_text, /Fecha: sábado, 12 de diciembre de 2026, 20:00 \(hora de Puerto Rico\)\n/);
    assert.doesNotMatch(mail.body_text, /UTC|00:00|13 de diciembre/);

    const auth = { authorization: `Bearer ${o.accessToken}` };
    const view = (await t.app.inject({ url: `/api/orders/${o.orderId}`, headers: auth })).json();
    assert.equal(view.performance.timeZone, 'America/Puerto_Rico');
    assert.equal(view.performance.eventTitle, 'Luna Brava — la gira', "the order's language by default");
    assert.equal((await t.app.inject({ url: `/api/orders/${o.orderId}?lang=fr`, headers: auth })).json().performance.eventTitle, 'Luna Brava — the tour');

    const pdf = await t.app.inject({ url: `/api/orders/${o.orderId}/tickets.pdf`, headers: auth });
    assert.equal(pdf.statusCode, 200);
    const text = [...pdf.rawPayload.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)]
      .map((m) => {
        try {
          return inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('')
      .replace(/\[([^\]]*)\]\s*TJ/g, (_, parts: string) =>
        [...parts.matchAll(/<([0-9a-f]*)>/gi)].map((p) => Buffer.from(p[1]!, 'hex').toString('latin1')).join(''),
      );
    assert.match(text, /sábado, 12 de diciembre de 2026, 20:00 \(hora de Puerto Rico\)/);
    assert.match(text, /Luna Brava — la gira|Luna Brava \x97 la gira/);
    assert.match(text, /Asiento A 1-1/);
  });
});

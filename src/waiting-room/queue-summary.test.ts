import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold } from '../../tests/helpers/fixtures.js';
import { poolCheckouts } from '../platform/metrics.js';
import { preferredLanguage } from './performance-labels.js';
import { joinMany, roomShow } from './waiting-room.fixtures.js';

describe('waiting room: the public summary names what the line is for', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  /** A show in San Juan whose event has a Spanish title and an empty French one. */
  async function sanJuanShow() {
    const show = await roomShow(t);
    const perf = await t.ctx.db.selectFrom('performances').select(['venue_id', 'starts_at']).where('id', '=', show.performanceId).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('venues').set({ time_zone: 'America/Puerto_Rico' }).where('id', '=', perf.venue_id).execute();
    await t.ctx.db
      .updateTable('events')
      .set({ translations: JSON.stringify({ es: { title: 'Función de prueba' }, fr: { title: '  ' } }) })
      .where('id', '=', show.eventId)
      .execute();
    return { ...show, startsAt: perf.starts_at.toISOString() };
  }
  const summary = (id: string, query = '', headers: Record<string, string> = {}) =>
    t.app.inject({ url: `/api/performances/${id}/queue/summary${query}`, headers });

  test('queue summary: event title in the language asked for, start, venue and its time zone', async () => {
    const show = await sanJuanShow();
    const es = await summary(show.performanceId, '?lang=es');
    assert.equal(es.statusCode, 200, es.body);
    assert.deepEqual(
      (({ eventTitle, eventLanguage, startsAt, venueName, timeZone }) => ({ eventTitle, eventLanguage, startsAt, venueName, timeZone }))(es.json()),
      { eventTitle: 'Función de prueba', eventLanguage: 'es', startsAt: show.startsAt, venueName: 'Test Hall', timeZone: 'America/Puerto_Rico' },
    );
    assert.equal(es.headers.vary, undefined, 'with ?lang the address alone decides the answer');
    const byHeader = await summary(show.performanceId, '', { 'accept-language': 'de-DE, es-PR;q=0.8, en;q=0.5' });
    assert.equal(byHeader.json().eventTitle, 'Función de prueba');
    assert.match(String(byHeader.headers.vary), /accept-language/i);
    // No text in that language (or only blanks): the event's own title, in its own language.
    for (const query of ['?lang=nl', '?lang=fr', '']) {
      const own = (await summary(show.performanceId, query)).json();
      assert.deepEqual([own.eventTitle, own.eventLanguage], ['Test Show', 'en'], query);
    }
    assert.equal((await summary(show.performanceId, '?lang=es&t=123')).json().eventTitle, 'Función de prueba', 'other parameters are ignored');
    const bad = await summary(show.performanceId, '?lang=de');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /lang/);
  });

  test('queue summary: a new room tells the real tickets left before the first tick, to fans and to the console', async () => {
    const show = await roomShow(t, {}, await createShow(t.app, { rows: 4, perRow: 47, gaCapacity: 4 }));
    assert.equal((await summary(show.performanceId)).json().ticketsLeft, 192);
    const console = await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin });
    assert.equal(console.json().ticketsLeft, 192);
    // Switched off, the tick no longer measures the room; the console still reads the real number.
    await t.app.inject({ method: 'PUT', url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin, payload: { enabled: false } });
    assert.equal((await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 })).statusCode, 201);
    const realNow = t.ctx.waitingRoom.clock.now;
    t.ctx.waitingRoom.clock.now = () => Date.now() + 10_000;
    try {
      const later = await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin });
      assert.equal(later.json().ticketsLeft, 190);
    } finally {
      t.ctx.waitingRoom.clock.now = realNow;
    }
  });

  test('queue summary: 500 polls of a line cost no query once its names are loaded', async () => {
    const show = await sanJuanShow();
    await joinMany(t.app, show.performanceId, 3, 'labels');
    await t.ctx.waitingRoom.tick();
    const counted = async () => (await poolCheckouts.get()).values[0]?.value ?? 0;
    // The first join loaded the names in the background; let it land.
    assert.equal((await summary(show.performanceId, '?lang=es')).statusCode, 200);
    const before = await counted();
    const started = process.hrtime.bigint();
    for (let i = 0; i < 500; i++) {
      const res = await summary(show.performanceId, i % 2 ? '?lang=es' : '?lang=en');
      assert.equal(res.statusCode, 200);
    }
    const perPoll = Number(process.hrtime.bigint() - started) / 500 / 1e6;
    assert.equal((await counted()) - before, 0, 'answered from memory');
    // The service alone, against the part it computed before it named the show (room and line from the store).
    const { waitingRoom } = t.ctx;
    const time = async (fn: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 20_000; i++) await fn();
      return Number(process.hrtime.bigint() - start) / 20_000 / 1000;
    };
    const storeOnly = async () => {
      await waitingRoom.rooms.find(show.performanceId);
      return waitingRoom.store.line(show.performanceId);
    };
    await time(storeOnly);
    const [before1, withNames, before2] = [await time(storeOnly), await time(() => waitingRoom.summary(show.performanceId, 'es')), await time(storeOnly)];
    console.log(
      `# metric queue summary: ${perPoll.toFixed(3)} ms a poll through app.inject, 0 queries in 500; service ${withNames.toFixed(2)} µs a call ` +
        `against ${((before1 + before2) / 2).toFixed(2)} µs for the store part alone`,
    );
  });

  test('queue summary: Accept-Language picks the best supported language', () => {
    assert.equal(preferredLanguage('es-PR,es;q=0.9,en;q=0.8'), 'es');
    assert.equal(preferredLanguage('de, nn;q=0.7, fr;q=0.6'), 'nb');
    assert.equal(preferredLanguage('de-DE'), undefined);
    assert.equal(preferredLanguage(undefined), undefined);
  });
});

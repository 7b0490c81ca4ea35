import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold, holdAuth, type Show } from '../../tests/helpers/fixtures.js';
import type { IncidentCategory } from '../platform/database.types.js';
import { notifyStakeholders, STAKEHOLDER_EMAIL_KIND } from './incident-stakeholders.js';
import { createIncident } from './incidents.repository.js';

const SECURITY = 'security@box.example';

describe('incident stakeholders', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ ALERT_EMAILS: SECURITY });
  });
  afterEach(async () => {
    await sql`UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE status <> 'resolved'`.execute(t.ctx.db);
  });
  after(async () => {
    await t?.close();
  });

  const call = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => t.app.inject({ method, url, headers: admin, payload });
  const opened = (category: IncidentCategory) =>
    createIncident(t.ctx.db, { category, title: `A ${category} incident`, severity: 'high', awareAt: new Date(), openedBy: 'staff:test', owner: null });
  const mail = () =>
    t.ctx.db
      .selectFrom('outbox')
      .select(['recipient', 'subject', 'body_text', 'body_html', 'priority', 'locale'])
      .where('kind', '=', STAKEHOLDER_EMAIL_KIND)
      .orderBy('created_at')
      .orderBy('recipient')
      .execute();
  const clearMail = () => t.ctx.db.deleteFrom('outbox').where('kind', '=', STAKEHOLDER_EMAIL_KIND).execute();
  const venueOf = async (show: Show) => (await call('GET', `/api/events/${show.eventId}`)).json().performances[0].venue.id as string;

  /** A show whose producers and hall have contacts; one address is on both lists. */
  async function showWithContacts(title: string) {
    const show = await createShow(t.app);
    const tag = title.toLowerCase().replace(/\W+/g, '-');
    assert.equal(
      (await call('PATCH', `/api/admin/events/${show.eventId}`, { title, producerEmails: [`producer@${tag}.example`, `shared@${tag}.example`] })).statusCode,
      200,
    );
    const venue = await call('PATCH', `/api/admin/venues/${await venueOf(show)}`, { contactEmails: [`Shared@${tag}.example`, `hall@${tag}.example`] });
    assert.equal(venue.statusCode, 200, venue.body);
    return { ...show, contacts: [`hall@${tag}.example`, `producer@${tag}.example`, `shared@${tag}.example`] };
  }

  test('stakeholders: events and venues take up to 10 checked contact addresses, kept lower-cased and once, shown to operators only', async () => {
    const seats = [{ section: 'A', row: '1', number: 1, x: 0, y: 0 }];
    const venue = await call('POST', '/api/admin/venues', {
      name: 'Hall',
      seats,
      gaAreas: [],
      contactEmails: ['Box@Hall.example', 'box@hall.example', 'ops@hall.example'],
    });
    assert.equal(venue.statusCode, 201, venue.body);
    assert.deepEqual(venue.json().contactEmails, ['box@hall.example', 'ops@hall.example']);
    assert.deepEqual((await call('GET', `/api/admin/venues/${venue.json().id}`)).json().contactEmails, ['box@hall.example', 'ops@hall.example']);
    const plain = await call('POST', '/api/admin/venues', { name: 'Bare hall', seats, gaAreas: [] });
    assert.deepEqual(plain.json().contactEmails, [], 'optional: a venue without contacts as before');

    const tooMany = Array.from({ length: 11 }, (_, i) => `p${i}@example.com`);
    for (const contactEmails of [['not an address'], tooMany]) {
      assert.equal((await call('POST', '/api/admin/venues', { name: 'Hall', seats, gaAreas: [], contactEmails })).statusCode, 400);
      assert.equal((await call('PATCH', `/api/admin/venues/${venue.json().id}`, { contactEmails })).statusCode, 400);
    }

    const categories = [{ name: 'A', price: 100, currency: 'EUR' }];
    const event = await call('POST', '/api/admin/events', {
      slug: 'contacts',
      title: 'Contacts',
      priceCategories: categories,
      producerEmails: ['Ana@Producer.example'],
    });
    assert.equal(event.statusCode, 201, event.body);
    assert.deepEqual(event.json().producerEmails, ['ana@producer.example']);
    assert.equal(
      (await call('POST', '/api/admin/events', { slug: 'bad', title: 'Bad', priceCategories: categories, producerEmails: tooMany })).statusCode,
      400,
    );
    assert.equal((await call('PATCH', `/api/admin/events/${event.json().id}`, { producerEmails: ['nope'] })).statusCode, 400);

    const patched = await call('PATCH', `/api/admin/events/${event.json().id}`, { producerEmails: ['ana@producer.example', 'Bo@Producer.example'] });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(patched.json().producerEmails, ['ana@producer.example', 'bo@producer.example']);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('subject_id', '=', event.json().id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(audit, {
      action: 'catalog.event.updated',
      data: { changes: { producerEmails: { from: ['ana@producer.example'], to: ['ana@producer.example', 'bo@producer.example'] } } },
    });
    const listed = (await call('GET', '/api/admin/events')).json().find((e: { id: string }) => e.id === event.json().id);
    assert.deepEqual(listed.producerEmails, ['ana@producer.example', 'bo@producer.example']);

    const renamed = await call('PATCH', `/api/admin/venues/${venue.json().id}`, { name: 'Big Hall' });
    assert.deepEqual(renamed.json(), { id: venue.json().id, name: 'Big Hall', timeZone: 'UTC', contactEmails: ['box@hall.example', 'ops@hall.example'] });
    assert.equal((await call('PATCH', '/api/admin/venues/00000000-0000-4000-8000-000000000000', { name: 'X' })).statusCode, 404);

    // Buyers never see them.
    const show = await showWithContacts('Public Show');
    for (const url of ['/api/events', `/api/events/${show.eventId}`, `/api/performances/${show.performanceId}`]) {
      assert.doesNotMatch((await call('GET', url)).body, /@/, url);
    }
  });

  test('stakeholders: a pause during a ddos incident emails each producer and venue contact of the event once; a resume once more; nothing twice', async () => {
    const show = await showWithContacts('Paused Show');
    const venueId = await venueOf(show);
    const later = await call('POST', `/api/admin/events/${show.eventId}/performances`, {
      venueId,
      startsAt: new Date(Date.now() + 31 * 86_400_000).toISOString(),
      pricing: [{ categoryId: show.categories.Floor, gaAreaIds: [show.gaAreaId] }],
    });
    assert.equal((await call('POST', `/api/admin/performances/${later.json().id}/open`)).statusCode, 200);
    const incident = await opened('ddos');
    await clearMail();
    const control = async (performanceId: string, action: string) =>
      assert.equal((await call('POST', `/api/admin/performances/${performanceId}/${action}`)).statusCode, 200);

    await control(show.performanceId, 'pause');
    const paused = await mail();
    assert.deepEqual(
      paused.map((m) => m.recipient),
      show.contacts,
    );
    for (const m of paused) {
      assert.equal(m.subject, 'Ticket sales paused: Paused Show');
      assert.equal(m.priority, -1, 'behind order confirmations');
      assert.equal(m.locale, 'en');
      assert.match(m.body_text, /The sale of tickets for Paused Show was paused because of a security incident/);
      assert.match(m.body_text, new RegExp(`Whom to contact: ${SECURITY}`));
      assert.match(m.body_html, /Paused Show/);
    }

    await control(later.json().id, 'pause');
    assert.equal((await mail()).length, 3, 'another performance of the same event: told already in this incident');
    await control(show.performanceId, 'resume');
    const resumed = (await mail()).slice(3);
    assert.deepEqual(
      resumed.map((m) => [m.recipient, m.subject]),
      show.contacts.map((c) => [c, 'Ticket sales resumed: Paused Show']),
    );
    await control(show.performanceId, 'pause');
    assert.equal((await mail()).length, 6, 'told once per incident and kind');

    const timeline = await t.ctx.db
      .selectFrom('incident_events')
      .select(['what', 'details'])
      .where('incident_id', '=', incident)
      .orderBy('at')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      timeline.filter((e) => e.what === 'stakeholders_notified').map((e) => [e.details.kind, e.details.emails]),
      [
        ['sales_paused', 3],
        ['sales_resumed', 3],
      ],
    );
  });

  test('stakeholders: a pause with no ddos or script_compromise incident open tells nobody', async () => {
    const show = await showWithContacts('Quiet Show');
    await opened('credential_stuffing');
    await clearMail();
    assert.equal((await call('POST', `/api/admin/performances/${show.performanceId}/pause`)).statusCode, 200);
    assert.equal((await call('POST', `/api/admin/performances/${show.performanceId}/resume`)).statusCode, 200);
    assert.deepEqual(await mail(), []);
  });

  test('stakeholders: buyers in a scope: each event with orders in it tells its contacts how many of its buyers it holds, once', async () => {
    const skimmed = await showWithContacts('Skimmed Show');
    const clean = await showWithContacts('Clean Show');
    const orders: [Show, string, string][] = [
      [skimmed, 'ana@example.com', 'build-skim'],
      [skimmed, 'ANA@example.com', 'build-skim'],
      [skimmed, 'bo@example.com', 'build-skim'],
      [skimmed, 'cy@example.com', 'build-clean'],
      [clean, 'dee@example.com', 'build-clean'],
    ];
    for (const [i, [show, email, build]] of orders.entries()) {
      const held = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json();
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/holds/${held.holdId}/order`,
        headers: { 'idempotency-key': `scope-${i}`, 'x-taquilla-build': build, ...holdAuth(held) },
        payload: { buyer: { name: 'Buyer', email, locale: 'es' } },
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    const incident = await opened('script_compromise');
    const scope = await call('POST', `/api/admin/incidents/${incident}/scopes`, { buildIds: ['build-skim'] });
    assert.equal(scope.statusCode, 201, scope.body);
    assert.equal(scope.json().people, 2);
    await clearMail();

    const first = await notifyStakeholders(t.ctx.db, { incidentId: incident, kind: 'buyers_in_scope', scopeId: scope.json().id });
    assert.deepEqual(first, { events: 1, queued: 3, alreadyTold: 0 });
    const sent = await mail();
    assert.deepEqual(
      sent.map((m) => m.recipient),
      skimmed.contacts,
      'the clean show had no order in the scope',
    );
    assert.equal(sent[0]!.subject, 'Security incident: 2 buyers of Skimmed Show affected');
    assert.match(sent[0]!.body_text, /^2 people who bought or tried to buy tickets for Skimmed Show are among those affected/);
    assert.doesNotMatch(sent[0]!.body_text, /ana@|bo@/, 'no buyer is named to a producer');

    assert.deepEqual(await notifyStakeholders(t.ctx.db, { incidentId: incident, kind: 'buyers_in_scope', scopeId: scope.json().id }), {
      events: 1,
      queued: 0,
      alreadyTold: 3,
    });
    assert.equal((await mail()).length, 3);

    const everyone = await call('POST', `/api/admin/incidents/${incident}/scopes`, {});
    const narrowed = await notifyStakeholders(t.ctx.db, {
      incidentId: incident,
      kind: 'buyers_in_scope',
      scopeId: everyone.json().id,
      eventIds: [clean.eventId],
    });
    assert.deepEqual(narrowed, { events: 1, queued: 3, alreadyTold: 0 });
    assert.equal((await mail()).filter((m) => m.subject === 'Security incident: 1 buyer of Clean Show affected').length, 3);

    const other = await opened('data_exposure');
    await assert.rejects(notifyStakeholders(t.ctx.db, { incidentId: other, kind: 'buyers_in_scope', scopeId: scope.json().id }), /scope/);
    await assert.rejects(notifyStakeholders(t.ctx.db, { incidentId: other, kind: 'buyers_in_scope' }), /needs the scope/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { signedInFan } from '../../tests/helpers/customers.js';
import { createShow, hold, holdAuth } from '../../tests/helpers/fixtures.js';

const json = { ...admin, 'content-type': 'application/json' };

describe('incidents and scopes', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let performanceId: string;
  let otherPerformanceId: string;
  /** Who ordered through which build, in the order they came. */
  const placed: { email: string; build: string; performanceId: string; storefront: string }[] = [];

  before(async () => {
    t = await testApp();
    const show = await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 100 });
    const other = await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 100 });
    performanceId = show.performanceId;
    otherPerformanceId = other.performanceId;
    // Builds interleave in time, as in a rolling deploy: a window never isolates one build.
    const sequence: [string, string, string, string?][] = [
      ['ana@example.com', 'build-clean-01', performanceId],
      ['bo@example.com', 'build-skim-666', performanceId],
      ['Carla@Example.com', 'build-clean-01', otherPerformanceId],
      ['dan@example.com', 'build-skim-666', otherPerformanceId, 'partner-x'],
      ['carla@example.com', 'build-skim-666', performanceId],
      ['eve@example.com', 'build-clean-02', performanceId],
    ];
    for (const [email, build, perf, storefront] of sequence) {
      const gaAreaId = perf === performanceId ? show.gaAreaId : other.gaAreaId;
      const held = (await hold(t.app, perf, { gaAreaId, quantity: 1 })).json();
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/holds/${held.holdId}/order`,
        headers: {
          'idempotency-key': `k-${email}-${placed.length}`,
          'x-taquilla-build': build,
          'x-taquilla-page-class': 'payment',
          'x-taquilla-storefront': storefront ?? 'web',
          ...holdAuth(held),
        },
        payload: { buyer: { name: `Buyer ${email}`, email, locale: email.startsWith('dan') ? 'nl' : 'es' } },
      });
      assert.equal(res.statusCode, 201, res.body);
      placed.push({ email: email.toLowerCase(), build, performanceId: perf, storefront: storefront ?? 'web' });
    }
  });
  after(async () => {
    await t?.close();
  });

  async function incident(body: object = { kind: 'script_compromise', title: 'Skimmer on checkout (bank tip)' }) {
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/incidents', headers: json, payload: body });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }
  const scope = (id: string, criteria: object) => t.app.inject({ method: 'POST', url: `/api/admin/incidents/${id}/scopes`, headers: json, payload: criteria });

  test('incidents: an operator opens one by hand; the 72-hour clock starts when Taquilla became aware', async () => {
    const awareAt = new Date(Date.now() - 5 * 3600_000).toISOString();
    const created = await incident({ kind: 'data_exposure', title: 'Bank reports fraud on our buyers', severity: 'critical', awareAt });
    assert.equal(created.kind, 'data_exposure');
    assert.equal(created.category, 'data_exposure');
    assert.equal(created.status, 'open');
    assert.equal(created.severity, 'critical');
    assert.equal(created.openedBy, 'break_glass');
    assert.equal(new Date(created.regulatorDeadline).getTime() - new Date(created.awareAt).getTime(), 72 * 3600_000);
    assert.equal(created.timeline[0].what, 'opened');
    // A second one of the same kind by hand is its own incident.
    const second = await incident({ kind: 'data_exposure', title: 'Another tip' });
    assert.notEqual(second.id, created.id);

    const contained = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/incidents/${created.id}`,
      headers: json,
      payload: { status: 'contained', owner: 'marta' },
    });
    assert.equal(contained.statusCode, 200, contained.body);
    assert.equal(contained.json().status, 'contained');
    assert.ok(contained.json().containedAt);
    assert.ok(contained.json().timeline.some((e: { what: string }) => e.what === 'status_contained'));
    const note = await t.app.inject({
      method: 'POST',
      url: `/api/admin/incidents/${created.id}/notes`,
      headers: json,
      payload: { text: 'Called the bank back.' },
    });
    assert.equal(note.statusCode, 201);
    assert.equal(note.json().timeline.at(-1).details.text, 'Called the bank back.');

    for (const [payload, field] of [
      [{ kind: 'volcano', title: 'x' }, 'kind'],
      [{ kind: 'other', title: '' }, 'title'],
      [{ kind: 'other', title: 'x', awareAt: new Date(Date.now() + 86_400_000).toISOString() }, 'awareAt'],
    ] as const) {
      const bad = await t.app.inject({ method: 'POST', url: '/api/admin/incidents', headers: json, payload });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match(bad.json().error.field ?? bad.json().error.message, new RegExp(field));
    }
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/admin/incidents', payload: { kind: 'other', title: 'x' } })).statusCode, 401);
    assert.equal((await t.app.inject({ url: '/api/admin/incidents/00000000-0000-4000-8000-000000000000', headers: admin })).statusCode, 404);
  });

  test("scopes: a skimmed build's scope is exactly the checkouts its pages served, not the window around them", async () => {
    const { id } = await incident();
    const res = await scope(id, { buildIds: ['build-skim-666'] });
    assert.equal(res.statusCode, 201, res.body);
    const skimmed = placed.filter((p) => p.build === 'build-skim-666');
    const expected = [...new Set(skimmed.map((p) => p.email))].sort();
    assert.equal(res.json().people, expected.length, 'distinct buyer emails, case folded');
    assert.equal(res.json().checkoutAttempts, skimmed.length);
    const everyone = new Set(placed.map((p) => p.email)).size;
    assert.equal(res.json().shareOfCustomers, expected.length / everyone);

    const csv = await t.app.inject({ url: `/api/admin/incidents/${id}/scopes/${res.json().id}/people.csv`, headers: admin });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const rows = csv.body.trim().split('\n');
    assert.equal(rows[0]!.split(',')[0], 'email');
    assert.deepEqual(
      rows
        .slice(1)
        .map((r) => r.split(',')[0])
        .sort(),
      expected,
    );
    assert.ok(
      rows.every((r) => !r.includes('build-clean')),
      'no clean-build buyer',
    );
    const carla = rows.find((r) => r.startsWith('carla@'))!;
    assert.match(carla, /,1,/, 'Carla counts once for the skimmed build though she also bought through a clean one');

    // The same window without the build holds everyone: the build is what narrows it.
    const window = await scope(id, { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    assert.equal(window.json().people, everyone);
    // Criteria combine with AND.
    const narrow = await scope(id, {
      buildIds: ['build-skim-666'],
      performanceIds: [otherPerformanceId],
      storefronts: ['partner-x'],
      pageClasses: ['payment'],
    });
    assert.deepEqual([narrow.json().people, narrow.json().checkoutAttempts], [1, 1]);
    const nobody = await scope(id, { scriptHashes: ['sha384-unknown'] });
    assert.equal(nobody.json().people, 0, 'a hash no registered build served matches nobody, not everybody');
    const bad = await scope(id, { from: new Date().toISOString(), to: new Date(Date.now() - 1000).toISOString() });
    assert.equal(bad.statusCode, 400);

    const detail = (await t.app.inject({ url: `/api/admin/incidents/${id}`, headers: admin })).json();
    assert.equal(detail.scopes.length, 4);
    assert.ok(detail.incident.timeline.some((e: { what: string }) => e.what === 'scope_defined'));
  });

  test('scopes: customers who signed in from an address or range, and the buyers a staff member acted on', async () => {
    const { id } = await incident({ kind: 'credential_stuffing', title: 'Logins from a botnet range' });
    const fromBotnet = await signedInFan(t.app, t.ctx.db, { email: 'stuffed@example.com' });
    await signedInFan(t.app, t.ctx.db, { email: 'safe@example.com' });
    await t.ctx.db.updateTable('sessions').set({ ip: '203.0.113.77' }).where('subject_id', '=', fromBotnet.id).execute();
    const byRange = await scope(id, { signedIn: { addresses: ['203.0.113.0/24'] } });
    assert.equal(byRange.statusCode, 201, byRange.body);
    const rows = (await t.app.inject({ url: `/api/admin/incidents/${id}/scopes/${byRange.json().id}/people.csv`, headers: admin })).body.trim().split('\n');
    assert.deepEqual(
      rows.slice(1).map((r) => r.split(',')[0]),
      ['stuffed@example.com'],
      'only the account signed in from the range, though it never bought',
    );
    assert.equal((await scope(id, { signedIn: { addresses: ['203.0.113.77'] } })).json().people, 1, 'an exact address');
    assert.equal((await scope(id, { signedIn: { addresses: ['198.51.100.0/24'] } })).json().people, 0);
    const bad = await scope(id, { signedIn: { addresses: ['999.1.1.1'] } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'signedIn.addresses');

    // A staff member (here the break-glass actor) cancelled one order: its buyer is in the scope.
    const target = await t.ctx.db.selectFrom('orders').select(['id']).where('buyer_email', '=', 'eve@example.com').executeTakeFirstOrThrow();
    const cancelled = await t.app.inject({ method: 'POST', url: `/api/admin/orders/${target.id}/cancel`, headers: json, payload: {} });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    const acted = await scope(id, { staffActions: { actors: ['break_glass'], from: new Date(Date.now() - 60_000).toISOString() } });
    assert.equal(acted.json().people, 1);
    // With checkout criteria too, it narrows them (AND): eve never bought through the skimmed build.
    assert.equal((await scope(id, { staffActions: { actors: ['break_glass'] }, buildIds: ['build-skim-666'] })).json().people, 0);
    assert.equal((await scope(id, { staffActions: { actors: ['break_glass'] }, buildIds: ['build-clean-02'] })).json().people, 1);
  });

  test("stakeholders: an event's producers are told how many of its buyers a scope holds, once", async () => {
    const { id } = await incident();
    const scoped = (await scope(id, { buildIds: ['build-skim-666'], performanceIds: [performanceId] })).json();
    const event = await t.ctx.db.selectFrom('performances').select('event_id').where('id', '=', performanceId).executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('events')
      .set({ producer_emails: ['producer@label.example'] })
      .where('id', '=', event.event_id)
      .execute();
    const tell = () => t.app.inject({ method: 'POST', url: `/api/admin/incidents/${id}/scopes/${scoped.id}/stakeholders`, headers: json, payload: {} });
    const first = await tell();
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().queued, 1);
    assert.equal((await tell()).json().queued, 0, 'told once');
    const mail = await t.ctx.db.selectFrom('outbox').select(['recipient', 'body_text']).where('kind', '=', 'incident_stakeholder').executeTakeFirstOrThrow();
    assert.equal(mail.recipient, 'producer@label.example');
    assert.match(mail.body_text, new RegExp(`\\b${scoped.people}\\b`));
    assert.doesNotMatch(mail.body_text, /@example\.com/, 'no buyer is named');
  });

  test("regulator draft: Art. 33(3)'s fields, with the newest scope's numbers", async () => {
    const { id } = await incident();
    const scoped = (await scope(id, { buildIds: ['build-skim-666'] })).json();
    const draft = (await t.app.inject({ url: `/api/admin/incidents/${id}/regulator-draft`, headers: admin })).json();
    assert.equal(draft.approximatePeople, scoped.people);
    assert.equal(draft.approximateRecords, scoped.checkoutAttempts);
    assert.ok(draft.nature && draft.contactPoint && draft.likelyConsequences);
    assert.match(draft.text, new RegExp(`approximately ${scoped.people} `));
    assert.match(draft.text, /\(a\) Nature[\s\S]*\(b\) Contact point[\s\S]*\(c\) Likely consequences[\s\S]*\(d\) Measures taken/);
    assert.equal(draft.deadline, (await t.app.inject({ url: `/api/admin/incidents/${id}`, headers: admin })).json().incident.regulatorDeadline);
  });
});

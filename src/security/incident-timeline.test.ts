import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { ageStaff } from '../../tests/helpers/access.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow } from '../../tests/helpers/fixtures.js';
import { disableDormantAccess } from '../accounts/access-review.job.js';
import { purgeAccess } from '../accounts/purge.service.js';
import type { IncidentCategory } from '../platform/database.types.js';
import { INCIDENT_KIND } from '../shield/shield.js';
import { widget } from '../widgets/widgets.fixtures.js';
import { setWidgetDisabled } from '../widgets/widgets.service.js';
import { createIncident, openIncident, updateIncident } from './incidents.repository.js';
import { SCRIPT_COMPROMISE } from './script-compromise.js';

describe('incident timeline', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    // Each test starts with no incident open: an incident of another test would take the events too.
    await sql`UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE status <> 'resolved'`.execute(t.ctx.db);
  });
  after(async () => {
    await t?.close();
  });

  const opened = (category: IncidentCategory) =>
    createIncident(t.ctx.db, { category, title: `A ${category} incident`, severity: 'high', awareAt: new Date(), openedBy: 'staff:test', owner: null });
  const resolved = async (category: IncidentCategory) => {
    const id = await opened(category);
    await updateIncident(t.ctx.db, id, { status: 'resolved' });
    return id;
  };
  const timeline = (incidentId: string) =>
    t.ctx.db.selectFrom('incident_events').select(['what', 'details']).where('incident_id', '=', incidentId).orderBy('at').orderBy('id').execute();
  const whats = async (incidentId: string) => (await timeline(incidentId)).map((e) => e.what).filter((w) => w !== 'opened');

  test('timeline: pausing and resuming a sale lands on open ddos and script_compromise incidents, with the event and who did it', async () => {
    const show = await createShow(t.app);
    const ddos = await opened('ddos');
    const skim = await opened('script_compromise');
    await updateIncident(t.ctx.db, skim, { status: 'contained' });
    const staff = await opened('staff_access');
    const over = await resolved('ddos');
    const control = (action: string) => t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/${action}`, headers: admin });

    assert.equal((await control('pause')).statusCode, 200);
    assert.equal((await control('resume')).statusCode, 200);

    for (const id of [ddos, skim]) assert.deepEqual(await whats(id), ['sales_paused', 'sales_resumed'], 'open and contained incidents both get them');
    assert.deepEqual(await whats(staff), [], 'a staff-access incident is not about sales');
    assert.deepEqual(await whats(over), [], 'a resolved incident is left alone');
    const [paused] = await timeline(ddos);
    assert.deepEqual(paused!.details, {
      performanceId: show.performanceId,
      eventId: show.eventId,
      event: 'Test Show',
      startsAt: paused!.details.startsAt,
      actor: 'break_glass',
    });

    // Closing is no pause: the timeline says only what the two controls did.
    assert.equal((await control('close')).statusCode, 200);
    assert.deepEqual(await whats(ddos), ['sales_paused', 'sales_resumed']);
  });

  test('timeline: a pause refused (not on sale) writes nothing', async () => {
    const show = await createShow(t.app, { open: false });
    const ddos = await opened('ddos');
    const res = await t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/pause`, headers: admin });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(await whats(ddos), []);
  });

  test('timeline: switching a widget off and on lands on open script_compromise incidents only; a switch that changes nothing is not recorded', async () => {
    const skim = await opened('script_compromise');
    const ddos = await opened('ddos');
    const over = await resolved('script_compromise');
    const config = { widgets: [widget()] };
    await setWidgetDisabled(t.ctx.db, config, { name: 'chat', disabled: true, reason: 'unknown script in the chat', actor: 'staff:marta' });
    await setWidgetDisabled(t.ctx.db, config, { name: 'chat', disabled: true, reason: 'still off', actor: 'staff:marta' });
    await setWidgetDisabled(t.ctx.db, config, { name: 'chat', disabled: false, actor: 'staff:luis' });
    assert.deepEqual(
      (await timeline(skim)).filter((e) => e.what !== 'opened').map((e) => [e.what, e.details]),
      [
        ['widget_disabled', { widget: 'chat', reason: 'unknown script in the chat', actor: 'staff:marta' }],
        ['widget_enabled', { widget: 'chat', reason: '', actor: 'staff:luis' }],
      ],
    );
    assert.deepEqual(await whats(ddos), []);
    assert.deepEqual(await whats(over), []);
  });

  test('timeline: a failed tamper check joins the open script_compromise incident as `tamper_check`; a resolved one gets nothing', async () => {
    const first = await t.ctx.scriptCompromise.sign('tamper_check', 'Tamper check: asset_hash_mismatch', { checkId: 'c1', findings: [] });
    assert.ok(first);
    await updateIncident(t.ctx.db, first, { status: 'resolved' });
    const second = await t.ctx.scriptCompromise.sign('tamper_check', 'Tamper check: asset_hash_mismatch', { checkId: 'c2', findings: [] });
    assert.ok(second);
    assert.notEqual(second, first, 'a sign after the incident was resolved opens a new one');
    const kind = await t.ctx.db.selectFrom('incidents').select(['kind', 'category']).where('id', '=', second).executeTakeFirstOrThrow();
    assert.deepEqual(kind, { kind: SCRIPT_COMPROMISE, category: 'script_compromise' });
    assert.deepEqual(
      (await timeline(first)).map((e) => [e.what, e.details.checkId]),
      [['tamper_check', 'c1']],
    );
    assert.deepEqual(
      (await timeline(second)).map((e) => [e.what, e.details.checkId]),
      [['tamper_check', 'c2']],
    );
  });

  test('timeline: an operator forcing the shield lands on open ddos incidents; the detector`s own flood incident keeps its operator_set_mode', async () => {
    const tip = await opened('ddos');
    const flood = (await openIncident(t.ctx.db, INCIDENT_KIND, 'Possible flood: 5,000 requests/s')).id;
    const over = await resolved('ddos');
    const staff = await opened('staff_access');
    await t.ctx.shield.setMode('on', 'staff:marta');
    await t.ctx.shield.setMode('off', 'staff:marta');
    await t.ctx.shield.setMode('auto', 'staff:luis');
    assert.deepEqual(
      (await timeline(tip)).filter((e) => e.what !== 'opened').map((e) => [e.what, e.details]),
      [
        ['shield_on', { actor: 'staff:marta', from: 'auto', to: 'on' }],
        ['shield_off', { actor: 'staff:marta', from: 'on', to: 'off' }],
        ['shield_auto', { actor: 'staff:luis', from: 'off', to: 'auto' }],
      ],
    );
    assert.deepEqual(await whats(flood), ['operator_set_mode', 'operator_set_mode', 'operator_set_mode'], 'not recorded twice there');
    assert.deepEqual(await whats(over), []);
    assert.deepEqual(await whats(staff), []);
  });

  test('timeline: the daily dormant-access job lands on open staff_access incidents with what it disabled', async () => {
    const staffIncident = await opened('staff_access');
    const over = await resolved('staff_access');
    const ddos = await opened('ddos');
    const invited = (
      await t.app.inject({ method: 'POST', url: '/api/admin/staff', headers: admin, payload: { email: 'long-gone@example.com', role: 'support' } })
    ).json().staff.id;
    await ageStaff(t.ctx.db, invited, 400, false);
    const run = await disableDormantAccess(t.ctx.db, t.ctx.config);
    assert.equal(run.ran, true);
    assert.deepEqual(
      (await timeline(staffIncident)).filter((e) => e.what !== 'opened').map((e) => [e.what, e.details]),
      [['dormant_access_disabled', { actor: 'system', dormantDays: 45, staff: [invited], apiKeys: [] }]],
    );
    assert.deepEqual(await whats(over), []);
    assert.deepEqual(await whats(ddos), []);
  });

  test('timeline: an access purge lands on open staff_access incidents with its counts', async () => {
    const staffIncident = await opened('staff_access');
    const over = await resolved('staff_access');
    const skim = await opened('script_compromise');
    const owner = (
      await t.app.inject({ method: 'POST', url: '/api/admin/staff', headers: admin, payload: { email: 'keeper@example.com', role: 'owner' } })
    ).json().staff.id;
    const result = await purgeAccess(t.ctx.db, t.ctx.config, { keepOwner: 'keeper@example.com', actor: 'cli:root' });
    const events = (await timeline(staffIncident)).filter((e) => e.what !== 'opened');
    assert.deepEqual(
      events.map((e) => e.what),
      ['purge_run'],
    );
    const { ms: _ms, keptOwner: _kept, ...counts } = result;
    assert.deepEqual(events[0]!.details, { actor: 'cli:root', ...counts, keptOwner: owner });
    assert.ok(!JSON.stringify(events[0]!.details).includes('#token='), 'the kept owner`s invitation never lands on a timeline');
    assert.deepEqual(await whats(over), []);
    assert.deepEqual(await whats(skim), []);
  });
});

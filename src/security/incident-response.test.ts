import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { get, signedInFan, signIn, waitFor } from '../../tests/helpers/customers.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold, holdAuth } from '../../tests/helpers/fixtures.js';
import { apiKey } from '../../tests/helpers/api-keys.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import type { Mailer, MailMessage } from '../notifications/mailer.js';
import { deliverOutbox, enqueueEmail } from '../notifications/outbox.service.js';
import type { Db } from '../platform/transaction.js';
import { renderIncidentNotice } from './incident-notice.js';
import { dryRunStep, listStepRuns, runStep, type StepDeps } from './incident-response.js';
import { scoped } from './incidents.fixtures.js';

/** How many notices each recipient of a tag got. */
async function noticesPerPerson(db: Db, tag: string): Promise<number[]> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM outbox WHERE kind = 'incident_notice' AND recipient LIKE ${`${tag}-%`} GROUP BY recipient`.execute(db);
  return rows.map((r) => r.n);
}

const tableCounts = async (db: Db) => {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*) FROM outbox)::int AS outbox, (SELECT count(*) FROM incident_step_people)::int AS step_people,
           (SELECT count(*) FROM incident_step_runs)::int AS runs, (SELECT count(*) FROM audit_log WHERE action <> 'accounts.break_glass.used')::int AS audit,
           (SELECT count(*) FROM incident_events)::int AS events, (SELECT count(*) FROM customers WHERE must_reset)::int AS must_reset,
           (SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL)::int AS revoked`.execute(db);
  return rows[0];
};

describe('incident response steps', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let deps: StepDeps;
  before(async () => {
    t = await testApp();
    deps = { db: t.ctx.db, config: t.ctx.config };
  });
  after(async () => {
    await t?.close();
  });

  test('incident steps: notify twice sends one email per person; the second run queues nothing and adds no timeline event', async () => {
    const { incidentId, scopeId, tag } = await scoped(t.ctx.db, 2500);
    const input = { incidentId, scopeId, step: 'notify' as const, actor: 'test' };
    const first = await runStep(deps, input);
    assert.ok(!('dryRun' in first));
    assert.deepEqual([first.status, first.total, first.done, first.failed], ['done', 2500, 2500, 0]);
    const second = await runStep(deps, input);
    assert.ok(!('dryRun' in second));
    assert.deepEqual([second.status, second.done], ['done', 2500], 'everyone counted as done, from the first run');
    const per = await noticesPerPerson(t.ctx.db, tag);
    assert.equal(per.length, 2500);
    assert.ok(per.every((n) => n === 1));
    const events = await t.ctx.db
      .selectFrom('incident_events')
      .select(['what', 'details'])
      .where('incident_id', '=', incidentId)
      .where('what', '=', 'notifications_sent')
      .execute();
    assert.equal(events.length, 1);
    assert.equal((events[0]!.details as { queued: number }).queued, 2500);
    const audits = await t.ctx.db.selectFrom('audit_log').select('action').where('subject_id', '=', incidentId).orderBy('id').execute();
    assert.deepEqual(
      audits.map((a) => a.action),
      ['security.incident.step_started', 'security.incident.notified', 'security.incident.step_started', 'security.incident.notified'],
      'one entry when a run starts and one when it ends, none per person',
    );
  });

  test('incident steps: a run stopped after two pages, then one whose connection is killed after four, resume: every person gets exactly one email', async () => {
    const { incidentId, scopeId, tag } = await scoped(t.ctx.db, 3000);
    const input = { incidentId, scopeId, step: 'notify' as const, actor: 'test' };
    const stopped = runStep({ ...deps, pageSize: 500, afterPage: (page) => assert.ok(page < 2, 'stopped after page 2') }, input);
    await assert.rejects(stopped);
    assert.equal((await noticesPerPerson(t.ctx.db, tag)).length, 1000);

    // As if the process were killed: its connection goes away mid-run, and its run stays `running`.
    const killed = runStep(
      {
        ...deps,
        pageSize: 500,
        afterPage: async (page) => {
          if (page === 4)
            await sql`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`.execute(t.ctx.db);
        },
      },
      input,
    );
    await assert.rejects(killed);
    const left = await t.ctx.db
      .selectFrom('incident_step_runs')
      .select(['status', 'done'])
      .where('incident_id', '=', incidentId)
      .orderBy('started_at')
      .execute();
    assert.deepEqual(
      left.map((r) => [r.status, r.done]),
      [
        ['failed', 1000],
        ['running', 2000],
      ],
    );

    const resumed = await runStep(deps, input);
    assert.ok(!('dryRun' in resumed));
    assert.deepEqual([resumed.status, resumed.done, resumed.total], ['done', 3000, 3000]);
    const per = await noticesPerPerson(t.ctx.db, tag);
    assert.equal(per.length, 3000);
    assert.ok(
      per.every((n) => n === 1),
      'nobody twice',
    );
    const runs = await t.ctx.db.selectFrom('incident_step_runs').select('status').where('incident_id', '=', incidentId).orderBy('started_at').execute();
    assert.deepEqual(
      runs.map((r) => r.status),
      ['failed', 'failed', 'done'],
      'the killed run is closed when the step starts again',
    );
    const views = await listStepRuns(t.ctx.db, incidentId);
    assert.deepEqual(
      views.map((v) => [v.status, v.done, v.left, v.rate > 0]),
      [
        ['done', 3000, 0, true],
        ['failed', 2000, 1000, true],
        ['failed', 1000, 2000, true],
      ],
    );
  });

  test('incident steps: each person gets the notice in their language (English otherwise), with their details and nothing else', async () => {
    const people = ['es', 'en', 'fr', 'nl', 'nb-NO', 'pt-BR'].map((locale, i) => ({
      email: `lang${i}-${process.pid}@example.com`,
      locale,
      name: `<b>Fan ${i}</b>`,
    }));
    const { incidentId, scopeId } = await scoped(t.ctx.db, people);
    await runStep(deps, { incidentId, scopeId, step: 'notify', actor: 'test' });
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['recipient', 'locale', 'subject', 'body_text', 'body_html', 'priority', 'order_id'])
      .where('kind', '=', 'incident_notice')
      .where(
        'recipient',
        'in',
        people.map((p) => p.email),
      )
      .orderBy('recipient')
      .execute();
    assert.deepEqual(
      mail.map((m) => m.locale),
      ['es', 'en', 'fr', 'nl', 'nb', 'en'],
    );
    assert.deepEqual(
      mail.map((m) => m.subject.split(':')[0]),
      ['Importante', 'Important', 'Important\u00a0', 'Belangrijk', 'Viktig', 'Important'],
    );
    const dutch = mail[3]!;
    assert.match(dutch.body_text, /^Hallo <b>Fan 3<\/b>,/);
    assert.match(dutch.body_text, /Je naam en je e-mailadres/);
    assert.match(dutch.body_text, /3 mei 2025/);
    assert.match(dutch.body_html, /Hallo &lt;b&gt;Fan 3&lt;\/b&gt;/);
    assert.doesNotMatch(dutch.body_html, /<b>Fan/);
    assert.ok(mail.every((m) => m.priority === -1 && m.order_id === null));
    // The contact point: the same as the regulator's draft.
    assert.ok(dutch.body_text.includes(t.ctx.config.alertEmails[0] ?? t.ctx.config.mailFrom));
  });

  test('incident steps: the notice tells the measures from the timeline and the advice that fits the person', () => {
    const base = { name: 'Ana', locale: 'en', firstAt: new Date('2025-05-03T10:00:00Z'), lastAt: new Date('2025-05-05T10:00:00Z'), contact: 'dpo@example.com' };
    const withAccount = renderIncidentNotice({ ...base, category: 'script_compromise', timeline: ['detected', 'widget_disabled'], hasAccount: true });
    assert.match(withAccount.text, /between May 3, 2025 and May 5, 2025/);
    assert.match(withAccount.text, /switched off the outside service/);
    assert.match(withAccount.text, /Set a new password/);
    assert.match(withAccount.text, /check your card statements/);
    assert.match(withAccount.text, /dpo@example\.com/);
    const without = renderIncidentNotice({ ...base, category: 'credential_stuffing', timeline: [], hasAccount: false });
    assert.doesNotMatch(without.text, /Set a new password|switched off|card statements/);
    assert.match(without.text, /We are investigating/);
  });

  test('incident steps: the outbox sends an order confirmation queued after 1,000 notices before them', async () => {
    const { incidentId, scopeId } = await scoped(t.ctx.db, 1000);
    await runStep(deps, { incidentId, scopeId, step: 'notify', actor: 'test' });
    await enqueueEmail(t.ctx.db, {
      kind: 'order_confirmation',
      recipient: 'buyer@example.com',
      locale: 'en',
      subject: 'Order confirmed: Test',
      text: 'x',
      html: 'x',
    });
    const sent: MailMessage[] = [];
    const mailer: Mailer = { send: async (m) => void sent.push(m), close() {} };
    await deliverOutbox(t.ctx.db, mailer, { batch: 1 });
    assert.equal(sent[0]?.subject, 'Order confirmed: Test');
    await deliverOutbox(t.ctx.db, mailer, { batch: 1 });
    assert.match(sent[1]!.subject, /security incident/);
  });

  test('incident steps: reset marks the accounts, ends their sessions and emails the link once; a person without an account is recorded as such', async () => {
    const ana = await signedInFan(t.app, t.ctx.db, { locale: 'fr' });
    const anaPhone = await signIn(t.app, ana.email, ana.password);
    const bo = await signedInFan(t.app, t.ctx.db, { locale: 'nl' });
    const nobody = `nobody-${process.pid}@example.com`;
    const { incidentId, scopeId } = await scoped(t.ctx.db, [{ email: ana.email.toUpperCase() }, { email: bo.email }, { email: nobody }], 'credential_stuffing');
    const run = await runStep(deps, { incidentId, scopeId, step: 'reset', actor: 'test' });
    assert.ok(!('dryRun' in run));
    assert.deepEqual([run.status, run.done], ['done', 3]);

    const marked = await t.ctx.db.selectFrom('customers').select(['id', 'must_reset']).where('id', 'in', [ana.id, bo.id]).execute();
    assert.ok(marked.every((c) => c.must_reset));
    const live = await t.ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('kind', '=', 'customer')
      .where('subject_id', 'in', [ana.id, bo.id])
      .where('revoked_at', 'is', null)
      .execute();
    assert.deepEqual(live, [], 'every session of theirs ended');
    for (const cookie of [ana.cookie, anaPhone, bo.cookie]) assert.equal((await get(t.app, '/api/account/me', cookie)).statusCode, 401);
    const resetMail = await t.ctx.db
      .selectFrom('outbox')
      .select(['recipient', 'locale'])
      .where('kind', '=', 'customer_forced_reset')
      .where('recipient', 'in', [ana.email, bo.email])
      .orderBy('recipient')
      .execute();
    assert.deepEqual(resetMail.map((m) => m.locale).sort(), ['fr', 'nl']);
    const outcomes = await t.ctx.db
      .selectFrom('incident_step_people')
      .select(['email', 'outcome'])
      .where('incident_id', '=', incidentId)
      .orderBy('email')
      .execute();
    assert.deepEqual(Object.fromEntries(outcomes.map((o) => [o.email, o.outcome])), {
      [ana.email.toLowerCase()]: 'reset',
      [bo.email.toLowerCase()]: 'reset',
      [nobody]: 'no_account',
    });

    await runStep(deps, { incidentId, scopeId, step: 'reset', actor: 'test' });
    const again = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('kind', '=', 'customer_forced_reset')
      .where('recipient', 'in', [ana.email, bo.email])
      .execute();
    assert.equal(again.length, 2, 'nothing sent twice');
    const event = await t.ctx.db
      .selectFrom('incident_events')
      .select('details')
      .where('incident_id', '=', incidentId)
      .where('what', '=', 'reset_forced')
      .execute();
    assert.equal(event.length, 1);
    assert.deepEqual((event[0]!.details as Record<string, number>).accountsReset, 2);
  });

  test('incident steps: flag marks the accounts for monitoring, and staff see it on their orders', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const show = await createShow(t.app);
    const h = (await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 1 })).json();
    const ordered = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${h.holdId}/order`,
      headers: { 'idempotency-key': `flag-${h.holdId}`, ...holdAuth(h) },
      payload: { buyer: { name: 'Fan', email: fan.email, locale: 'en' } },
    });
    assert.equal(ordered.statusCode, 201, ordered.body);
    const orderId = ordered.json().orderId;
    const before = await t.app.inject({ url: `/api/admin/orders/${orderId}`, headers: admin });
    assert.equal(before.json().monitoredByIncident, null);

    const { incidentId, scopeId } = await scoped(t.ctx.db, [{ email: fan.email }, { email: `nobody-flag-${process.pid}@example.com` }]);
    await runStep(deps, { incidentId, scopeId, step: 'flag', actor: 'test' });
    const customer = await t.ctx.db.selectFrom('customers').select('monitored_by_incident').where('id', '=', fan.id).executeTakeFirstOrThrow();
    assert.equal(customer.monitored_by_incident, incidentId);
    const detail = await t.app.inject({ url: `/api/admin/orders/${orderId}`, headers: admin });
    assert.equal(detail.statusCode, 200, detail.body);
    assert.equal(detail.json().monitoredByIncident, incidentId);
    const list = await t.app.inject({ url: `/api/admin/orders?email=${encodeURIComponent(fan.email)}`, headers: admin });
    assert.deepEqual(
      list.json().orders.map((o: { monitoredByIncident: string }) => o.monitoredByIncident),
      [incidentId],
    );
  });

  test('incident steps: a dry run answers the count and a masked sample, and changes nothing', async () => {
    const fan = await signedInFan(t.app, t.ctx.db);
    const { incidentId, scopeId } = await scoped(t.ctx.db, [{ email: fan.email }, { email: `aa-dry-${process.pid}@example.com`, locale: 'nl' }]);
    const before = await tableCounts(t.ctx.db);
    for (const step of ['notify', 'reset', 'flag'] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/admin/incidents/${incidentId}/steps`,
        headers: admin,
        payload: { step, scopeId, dryRun: true },
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual([body.count, body.total, body.alreadyDone], [2, 2, 0]);
      assert.deepEqual(body.sample[0], { email: 'a***@example.com', locale: 'nl' });
      if (step !== 'notify') assert.equal(body.accounts, 1);
    }
    assert.deepEqual(await tableCounts(t.ctx.db), before);
    const customer = await t.ctx.db.selectFrom('customers').select(['must_reset', 'monitored_by_incident']).where('id', '=', fan.id).executeTakeFirstOrThrow();
    assert.deepEqual(customer, { must_reset: false, monitored_by_incident: null });
    assert.equal((await get(t.app, '/api/account/me', fan.cookie)).statusCode, 200);
  });

  test('incident steps: over HTTP a step answers 202 and the console polls its progress to the end', async () => {
    const { incidentId, scopeId, tag } = await scoped(t.ctx.db, 1500);
    const started = await t.app.inject({
      method: 'POST',
      url: `/api/admin/incidents/${incidentId}/steps`,
      headers: admin,
      payload: { step: 'notify', scopeId },
    });
    assert.equal(started.statusCode, 202, started.body);
    assert.deepEqual([started.json().status, started.json().total, started.json().left], ['running', 1500, 1500]);
    const done = await waitFor(async () => {
      const res = await t.app.inject({ url: `/api/admin/incidents/${incidentId}/steps`, headers: admin });
      const [run] = res.json().runs;
      assert.equal(run.status, 'done');
      return run;
    }, 20_000);
    assert.deepEqual([done.done, done.failed, done.left, done.stalled], [1500, 0, 0, false]);
    assert.ok(done.rate > 0);
    assert.equal((await noticesPerPerson(t.ctx.db, tag)).length, 1500);
    const missing = await t.app.inject({ method: 'POST', url: `/api/admin/incidents/${incidentId}/steps`, headers: admin, payload: { step: 'reset' } });
    assert.deepEqual([missing.statusCode, missing.json().error.code], [400, 'scope_required']);
  });

  test('incident steps: starting a step needs incidents.manage; reading progress needs incidents.read', async () => {
    const { incidentId, scopeId } = await scoped(t.ctx.db, 3);
    const support = await signedInStaff(t.app, 'support');
    const door = await signedInStaff(t.app, 'door');
    const security = await signedInStaff(t.app, 'security');
    const before = await tableCounts(t.ctx.db);
    for (const dryRun of [false, true]) {
      const refused = await t.app.inject({
        method: 'POST',
        url: `/api/admin/incidents/${incidentId}/steps`,
        headers: support.headers,
        payload: { step: 'notify', scopeId, dryRun },
      });
      assert.equal(refused.statusCode, 403);
      assert.deepEqual([refused.json().error.code, refused.json().error.permission], ['forbidden', 'incidents.manage']);
    }
    assert.deepEqual(await tableCounts(t.ctx.db), before);
    assert.equal((await t.app.inject({ url: `/api/admin/incidents/${incidentId}/steps`, headers: door.headers })).statusCode, 403);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/admin/incidents/${incidentId}/steps`,
      headers: security.headers,
      payload: { step: 'notify', scopeId, dryRun: true },
    });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test('incident steps: revoke_staff ends every staff session and API key, once per person, and only in a staff incident', async () => {
    const owner = await signedInStaff(t.app, 'owner');
    const key = await apiKey(t.app, ['orders.read']);
    const other = await scoped(t.ctx.db, 1, 'script_compromise');
    await assert.rejects(runStep(deps, { incidentId: other.incidentId, step: 'revoke_staff', actor: 'test' }), { code: 'not_a_staff_incident' });

    const { incidentId } = await scoped(t.ctx.db, 0, 'staff_access');
    const run = await runStep(deps, { incidentId, step: 'revoke_staff', actor: 'test' });
    assert.ok(!('dryRun' in run));
    assert.equal(run.status, 'done');
    assert.equal((await t.app.inject({ url: '/api/admin/orders', headers: owner.headers })).statusCode, 401);
    assert.equal((await t.app.inject({ url: '/api/admin/orders', headers: key.headers })).statusCode, 401);
    const staff = await t.ctx.db.selectFrom('staff').select('password_hash').where('id', '=', owner.id).executeTakeFirstOrThrow();
    assert.ok(staff.password_hash, 'passwords and factors are the purge\u2019s job');
    const outcome = await t.ctx.db
      .selectFrom('incident_step_people')
      .select('outcome')
      .where('incident_id', '=', incidentId)
      .where('email', '=', owner.email.toLowerCase())
      .executeTakeFirstOrThrow();
    assert.equal(outcome.outcome, 'sessions_ended');
    const event = await t.ctx.db
      .selectFrom('incident_events')
      .select('details')
      .where('incident_id', '=', incidentId)
      .where('what', '=', 'staff_revoked')
      .executeTakeFirstOrThrow();
    assert.ok((event.details as { apiKeysRevoked: number }).apiKeysRevoked >= 1);
    const dry = await dryRunStep(t.ctx.db, { incidentId, step: 'revoke_staff', actor: 'test' });
    assert.deepEqual([dry.count, dry.apiKeys], [0, 0]);
  });

  test('incident steps: queueing rate for 20,000 notices', async (ctx) => {
    const { incidentId, scopeId, tag } = await scoped(t.ctx.db, 20_000);
    const started = performance.now();
    const run = await runStep(deps, { incidentId, scopeId, step: 'notify', actor: 'test' });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(!('dryRun' in run));
    assert.equal(run.done, 20_000);
    assert.equal((await noticesPerPerson(t.ctx.db, tag)).length, 20_000);
    ctx.diagnostic(`notify queued 20,000 notices in ${seconds.toFixed(2)} s: ${Math.round(20_000 / seconds)} people/s`);
  });
});

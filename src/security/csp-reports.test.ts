import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold, order } from '../../tests/helpers/fixtures.js';
import { SHIELD_ON } from '../shield/shield.fixtures.js';
import { roomShow } from '../waiting-room/waiting-room.fixtures.js';
import { createCspAggregator, parseCspReports } from './csp-reports.js';

const legacy = (over: Record<string, unknown> = {}) => ({
  'csp-report': {
    'document-uri': 'http://localhost:3000/performances/0f8fad5b-d9cb-469f-a165-70867728950e?email=ana@example.com#access=secret',
    'violated-directive': 'script-src-elem',
    'effective-directive': 'script-src-elem',
    'blocked-uri': 'https://evil.example/skim.js?card=4242',
    'source-file': 'http://localhost:3000/assets/index-abc.js',
    'script-sample': '',
    ...over,
  },
});

describe('CSP reports', () => {
  test('csp: both report formats are read; queries, fragments and ids never kept', () => {
    const [v] = parseCspReports(legacy());
    assert.deepEqual(v, {
      pageClass: 'buyer',
      document: 'http://localhost:3000/performances/:id',
      directive: 'script-src-elem',
      blocked: 'https://evil.example',
      source: 'http://localhost:3000/assets/index-abc.js',
      sample: '',
    });
    const modern = parseCspReports([
      {
        type: 'csp-violation',
        body: {
          documentURL: 'https://box.example/checkout/x',
          effectiveDirective: 'script-src-elem',
          blockedURL: 'inline',
          sample: 'fetch("https://evil.exa'.repeat(3),
        },
      },
      { type: 'deprecation', body: {} },
    ]);
    assert.equal(modern.length, 1);
    assert.equal(modern[0]!.blocked, 'inline');
    assert.equal(modern[0]!.sample.length, 40);
    assert.deepEqual(parseCspReports({ nonsense: true }), []);
    assert.deepEqual(parseCspReports(null), []);
  });

  test('csp: a flood of made-up signatures keeps at most the cap per flush and counts the rest as dropped', async () => {
    const written: number[] = [];
    const aggregator = createCspAggregator(async (batch) => {
      written.push(batch.reduce((n, b) => n + b.count, 0));
    }, 50);
    for (let i = 0; i < 1000; i++) aggregator.add(parseCspReports(legacy({ 'script-sample': `x${i}` })));
    for (let i = 0; i < 100; i++) aggregator.add(parseCspReports(legacy()));
    assert.equal(await aggregator.flush(), 50);
    assert.equal(written[0], 50);
    assert.equal(aggregator.dropped, 1050);
  });

  test('csp: a flush that finds nothing pending waits for the write already under way', async () => {
    let release!: () => void;
    const landed: string[] = [];
    const aggregator = createCspAggregator(async (batch) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      landed.push(...batch.map((b) => b.signature));
    });
    aggregator.add(parseCspReports(legacy()));
    const timer = aggregator.flush(); // the interval's flush: takes the batch, still writing
    await new Promise((r) => setImmediate(r));
    const second = aggregator.flush().then(() => landed.length); // the operator's list flushes, then reads
    await new Promise((r) => setImmediate(r));
    release();
    assert.equal(await timer, 1);
    assert.equal(await second, 1, 'the list reads only after the batch is written');
  });

  describe('over HTTP', { skip: !databaseAvailable && skipReason }, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp();
    });
    after(async () => {
      await t?.close();
    });

    test('csp: every page names the report route; reports of one kind are stored once, counted', async () => {
      const page = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
      assert.match(String(page.headers['content-security-policy']), /report-uri \/api\/security\/csp-reports/);
      const send = (payload: unknown, type: string) =>
        t.app.inject({ method: 'POST', url: '/api/security/csp-reports', headers: { 'content-type': type }, payload: JSON.stringify(payload) });
      for (let i = 0; i < 3; i++) assert.equal((await send(legacy(), 'application/csp-report')).statusCode, 204);
      const modern = [
        { type: 'csp-violation', body: { documentURL: 'http://localhost/checkout/a', effectiveDirective: 'connect-src', blockedURL: 'https://x.example/c' } },
      ];
      assert.equal((await send(modern, 'application/reports+json')).statusCode, 204);
      assert.equal((await send({ junk: 1 }, 'application/json')).statusCode, 204, 'whatever a browser sends, it is told 204');
      const broken = await t.app.inject({
        method: 'POST',
        url: '/api/security/csp-reports',
        headers: { 'content-type': 'application/csp-report' },
        payload: '{"csp-',
      });
      assert.equal(broken.statusCode, 204);

      assert.equal((await t.app.inject('/api/admin/security/csp-reports')).statusCode, 401, 'the list is for operators');
      const list = (await t.app.inject({ url: '/api/admin/security/csp-reports', headers: admin })).json();
      assert.equal(list.reports.length, 2);
      const skim = list.reports.find((r: { blocked: string }) => r.blocked === 'https://evil.example');
      assert.equal(skim.count, 3);
      assert.equal(skim.document, 'http://localhost:3000/performances/:id');
      assert.doesNotMatch(JSON.stringify(list), /ana@example|secret|4242/, 'no personal data from the addresses');
    });

    test('api: answers with personal data or codes are never cached or sniffed; public ones keep their caching', async () => {
      const show = await createShow(t.app);
      const held = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json();
      const created = (await order(t.app, held)).json();
      const answers: [string, Awaited<ReturnType<typeof t.app.inject>>][] = [
        ['order', await t.app.inject({ url: `/api/orders/${created.orderId}`, headers: { authorization: `Bearer ${created.accessToken}` } })],
        ['hold', await t.app.inject({ url: `/api/holds/${held.holdId}`, headers: { authorization: `Bearer ${held.holdToken}` } })],
        ['admin list', await t.app.inject({ url: '/api/admin/orders', headers: admin })],
        ['refused order', await t.app.inject({ url: `/api/orders/${created.orderId}` })],
        ['events', await t.app.inject('/api/events')],
      ];
      for (const [what, res] of answers) {
        assert.equal(res.headers['cache-control'], 'no-store', what);
        assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
      }
      await roomShow(t, {}, show);
      const summary = await t.app.inject(`/api/performances/${show.performanceId}/queue/summary`);
      assert.equal(summary.headers['cache-control'], 'public, max-age=2', 'what every fan shares may be cached');
      assert.equal(summary.headers['x-content-type-options'], 'nosniff');
    });
  });

  describe('on payment and account pages', { skip: !databaseAvailable && skipReason }, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp({ ALERT_EMAILS: 'oncall@example.com', PAYMENT_ORIGIN: 'http://127.0.0.1:3901' });
    });
    after(async () => {
      await t?.close();
    });
    const send = (report: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/security/csp-reports',
        headers: { 'content-type': 'application/csp-report' },
        payload: JSON.stringify(legacy(report)),
      });
    const incidents = () => t.ctx.db.selectFrom('incidents').selectAll().where('kind', '=', 'script_compromise').execute();
    const alerts = () => t.ctx.db.selectFrom('outbox').select(['recipient', 'subject']).where('kind', '=', 'incident_alert').execute();
    const settle = async () => (await t.app.inject({ url: '/api/admin/security/csp-reports', headers: admin })).json();

    test('csp: a new signature on a buyer page is stored but opens nothing; extensions on a payment page neither', async () => {
      await send({});
      await send({ 'document-uri': 'http://localhost:3900/checkout/0f8fad5b-d9cb-469f-a165-70867728950e', 'blocked-uri': 'chrome-extension' });
      const list = await settle();
      assert.deepEqual(list.reports.map((r: { pageClass: string }) => r.pageClass).sort(), ['buyer', 'payment']);
      assert.deepEqual(await incidents(), []);
    });

    test('csp: the first report of a new signature on a payment page, or on the card form, opens script_compromise and alerts once', async () => {
      const onCheckout = { 'document-uri': 'http://localhost:3900/checkout/0f8fad5b-d9cb-469f-a165-70867728950e', 'blocked-uri': 'https://skim.example/a.js' };
      for (let i = 0; i < 5; i++) await send(onCheckout);
      await settle();
      const [incident, ...more] = await incidents();
      assert.equal(more.length, 0);
      assert.equal(incident!.status, 'open');
      assert.match(incident!.summary, /payment page: script-src-elem refused https:\/\/skim\.example/);
      assert.deepEqual(await alerts(), [{ recipient: 'oncall@example.com', subject: '[Taquilla] script compromise: detected' }]);

      // The card form reports from its own origin: still a payment page. A second sign joins the
      // open incident's timeline; the alert is not repeated within the minute.
      await send({ 'document-uri': 'http://127.0.0.1:3901/pay/ps_abc', 'blocked-uri': 'inline', 'effective-directive': 'script-src-elem' });
      const list = await settle();
      assert.ok(
        list.reports.some((r: { pageClass: string; document: string }) => r.pageClass === 'payment' && r.document.startsWith('http://127.0.0.1:3901/pay/')),
      );
      assert.equal((await incidents()).length, 1);
      const events = await t.ctx.db.selectFrom('incident_events').select('what').where('incident_id', '=', incident!.id).execute();
      assert.equal(events.filter((e) => e.what === 'csp_violation').length, 2);
      assert.equal((await alerts()).length, 1);
    });
  });

  describe('under the shield', { skip: !databaseAvailable && skipReason }, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp(SHIELD_ON);
    });
    after(async () => {
      await t?.close();
    });

    test('csp: a flood of reports from one address is refused by the shield like any other class', async () => {
      let refused = 0;
      for (let i = 0; i < 80; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/security/csp-reports',
          remoteAddress: '198.18.7.7',
          headers: { 'content-type': 'application/csp-report' },
          payload: JSON.stringify(legacy({ 'script-sample': `n${i}` })),
        });
        if (res.statusCode === 429) refused++;
      }
      assert.equal(refused, 20, 'the class allows 60 a minute per address');
    });
  });
});

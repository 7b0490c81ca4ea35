import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../src/app.js';
import { metricsClassOf } from '../src/platform/http/request-metrics.js';
import { startMetricsServer } from '../src/platform/metrics-server.js';
import { metrics } from '../src/platform/metrics.js';
import { outboxBacklog } from '../src/platform/metrics.scrape.js';
import { SHIELD_ON } from '../src/shield/shield.fixtures.js';
import { joinMany, roomShow } from '../src/waiting-room/waiting-room.fixtures.js';
import { admin, testApp, testPayments, type TestApp } from './helpers/app.js';
import { apiKey, type TestKey } from './helpers/api-keys.js';
import { databaseAvailable, skipReason } from './helpers/database.js';
import { CARDS, cardToken, createShow, hold, order } from './helpers/fixtures.js';
import { metricNames, sampleOf } from './helpers/metrics.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('metrics', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  let scraper: TestKey;
  before(async () => {
    t = await testApp({ TRUSTED_PROXIES: '10.0.0.1' });
    payments = await testPayments(t.ctx);
    scraper = await apiKey(t.app, ['metrics.read'], { name: 'prometheus' });
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });

  async function scrape(): Promise<string> {
    const res = await t.app.inject({ url: '/metrics', headers: scraper.headers });
    assert.equal(res.statusCode, 200, res.body);
    return res.body;
  }
  /** How much each series moved between two scrapes. */
  const moved = (before: string, after: string, name: string, labels: Record<string, string> = {}) =>
    sampleOf(after, name, labels) - sampleOf(before, name, labels);

  test('metrics: a scrape during a purchase shows the hold; after it the order, the payment and the tickets sold, and the requests by route class', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 5 });
    const start = await scrape();
    const held = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 2 });
    assert.equal(held.statusCode, 201, held.body);
    const during = await scrape();
    assert.equal(moved(start, during, 'taquilla_holds_total', { outcome: 'created' }), 1);
    assert.equal(moved(start, during, 'taquilla_http_requests_total', { class: 'hold', status: '201' }), 1);
    assert.equal(moved(start, during, 'taquilla_http_request_duration_seconds_count', { class: 'hold', status: '201' }), 1);
    assert.equal(moved(start, during, 'taquilla_payments_total'), 0, 'nothing paid yet');

    const created = await order(t.app, held.json());
    assert.equal(created.statusCode, 201, created.body);
    const { orderId, payment } = created.json();
    const token = await cardToken(payments, payment.sessionId, CARDS.ok);
    const paid = await t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/payment`, payload: { token } });
    assert.equal(paid.statusCode, 200, paid.body);
    // Asked again, the same payment answers "paid" without selling anything twice.
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/payment`, payload: { token } })).statusCode, 200);
    const end = await scrape();

    assert.equal(moved(during, end, 'taquilla_orders_total', { channel: 'online', outcome: 'created' }), 1);
    assert.equal(moved(during, end, 'taquilla_payments_total', { outcome: 'paid' }), 1);
    assert.equal(moved(during, end, 'taquilla_payments_total', { outcome: 'replayed' }), 1);
    assert.equal(moved(during, end, 'taquilla_tickets_sold_total', { channel: 'online' }), 2);
    assert.equal(moved(during, end, 'taquilla_http_requests_total', { class: 'order', status: '201' }), 1);
    assert.equal(moved(during, end, 'taquilla_http_requests_total', { class: 'payment', status: '200' }), 2);
    assert.equal(moved(start, end, 'taquilla_http_requests_total', { class: 'metrics', status: '200' }), 2, 'the scrapes count themselves');
    // Labels name route classes, never raw URLs with their ids.
    assert.ok(!end.includes(orderId), 'no order id in any label');
    assert.ok(!end.includes(show.performanceId), 'no performance id outside a waiting room');
  });

  test('metrics: refusals are counted with their code: a hold of more than is left, a declined card, a box-office sale', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 2 });
    const start = await scrape();
    const tooMany = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 3 });
    assert.equal(tooMany.statusCode, 409, tooMany.body);
    const code = tooMany.json().error.code as string;
    const held = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    const created = await order(t.app, held.json());
    const token = await cardToken(payments, created.json().payment.sessionId, CARDS.declined);
    const declined = await t.app.inject({ method: 'POST', url: `/api/orders/${created.json().orderId}/payment`, payload: { token } });
    assert.equal(declined.statusCode, 402, declined.body);
    const desk = await t.app.inject({
      method: 'POST',
      url: `/api/admin/performances/${show.performanceId}/box-office-sales`,
      headers: { ...admin, 'idempotency-key': `metrics-${show.performanceId}` },
      payload: { seatIds: [show.seats[1]!.id], paymentMethod: 'cash' },
    });
    assert.equal(desk.statusCode, 201, desk.body);
    const end = await scrape();

    assert.equal(moved(start, end, 'taquilla_holds_total', { outcome: 'refused', reason: code }), 1);
    assert.equal(moved(start, end, 'taquilla_http_requests_total', { class: 'hold', status: '409' }), 1);
    assert.equal(moved(start, end, 'taquilla_payments_total', { outcome: 'declined', reason: 'card_declined' }), 1);
    assert.equal(moved(start, end, 'taquilla_tickets_sold_total', { channel: 'online' }), 0);
    assert.equal(moved(start, end, 'taquilla_orders_total', { channel: 'box_office', outcome: 'created' }), 1);
    assert.equal(moved(start, end, 'taquilla_tickets_sold_total', { channel: 'box_office' }), 1);
  });

  test('metrics: GET /metrics needs a credential holding metrics.read (401 without, 403 for a key lacking it), and every name starts with taquilla_', async () => {
    const none = await t.app.inject({ url: '/metrics' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'unauthorized');
    const reader = await apiKey(t.app, ['events.read']);
    const lacking = await t.app.inject({ url: '/metrics', headers: reader.headers });
    assert.equal(lacking.statusCode, 403);
    assert.deepEqual([lacking.json().error.code, lacking.json().error.permission], ['forbidden', 'metrics.read']);
    const breakGlass = await t.app.inject({ url: '/metrics', headers: admin });
    assert.equal(breakGlass.statusCode, 200, 'the break-glass token, where it is on');

    const res = await t.app.inject({ url: '/metrics', headers: scraper.headers });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const names = metricNames(res.body);
    assert.ok(names.length > 40, `${names.length} metrics`);
    assert.deepEqual(
      names.filter((n) => !n.startsWith('taquilla_')),
      [],
    );
    // The figures read at scrape time, from this app's context.
    assert.equal(sampleOf(res.body, 'taquilla_build_info', { build: t.ctx.buildId }), 1);
    assert.equal(sampleOf(res.body, 'taquilla_db_pool_size'), 20);
    assert.ok(sampleOf(res.body, 'taquilla_db_pool_in_use') >= 0);
    // Counted at most every 10 s: the first scrape's count may still stand; counted now, the purchases' confirmations wait (no SMTP).
    assert.ok(names.includes('taquilla_outbox_backlog') && sampleOf(res.body, 'taquilla_outbox_backlog') >= 0);
    assert.ok((await outboxBacklog(t.ctx.db)).queued >= 1);
    assert.equal(sampleOf(res.body, 'taquilla_shield_mode', { setting: 'auto' }), 0);
    assert.equal(sampleOf(res.body, 'taquilla_admission_health_factor'), 1);
    assert.ok(names.includes('taquilla_nodejs_eventloop_lag_p99_seconds'), 'event-loop delay');
  });

  test('metrics: METRICS_PORT serves the same text without a credential, and nothing else', async () => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      assert.equal(sampleOf(text, 'taquilla_build_info', { build: t.ctx.buildId }), 1);
      assert.equal((await fetch(`${base}/api/events`)).status, 404, 'only /metrics');
      assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  });

  test("metrics: a waiting room's line, its admissions and what holds them back are read at scrape time", async () => {
    const show = await roomShow(t, { maxAdmissionsPerMinute: 60, maxInCheckout: 1 });
    const performance = show.performanceId;
    await joinMany(t.app, performance, 3, 'metrics-fan');
    const start = await scrape();
    await t.ctx.waitingRoom.tick();
    await t.ctx.waitingRoom.tick();
    const end = await scrape();
    assert.equal(moved(start, end, 'taquilla_queue_admissions_total', { performance }), 1, 'one checkout slot: one fan, however many ticks');
    assert.equal(sampleOf(end, 'taquilla_queue_length', { performance }), 2);
    assert.equal(sampleOf(end, 'taquilla_queue_checkout_slots', { performance }), 1);
    assert.equal(sampleOf(end, 'taquilla_queue_bound_per_minute', { performance }), 60);
    assert.equal(sampleOf(end, 'taquilla_queue_allowed_per_minute', { performance }), 60, 'checkout is healthy: the full bound');
    assert.equal(sampleOf(end, 'taquilla_queue_admissions_per_minute', { performance }), 1);
    assert.equal(sampleOf(end, 'taquilla_queue_limited_by', { performance, signal: 'checkout_full' }), 1);
    assert.equal(sampleOf(end, 'taquilla_queue_limited_by', { performance }), 1, 'one signal at a time');
  });

  test("request id: a trusted proxy's X-Request-Id is kept and echoed; absent, unsafe or from anywhere else, a new one", async () => {
    const fromProxy = await t.app.inject({ url: '/api/events', remoteAddress: '10.0.0.1', headers: { 'x-request-id': 'nginx-4f2a9c1e7b' } });
    assert.equal(fromProxy.headers['x-request-id'], 'nginx-4f2a9c1e7b');
    const spoofed = await t.app.inject({ url: '/api/events', remoteAddress: '203.0.113.7', headers: { 'x-request-id': 'chosen-by-client' } });
    assert.match(String(spoofed.headers['x-request-id']), UUID, 'a client cannot pick the id the log shows');
    for (const unsafe of ['short', 'has spaces in it', 'x'.repeat(65), 'line\\nbreak-injected']) {
      const res = await t.app.inject({ url: '/api/events', remoteAddress: '10.0.0.1', headers: { 'x-request-id': unsafe } });
      assert.match(String(res.headers['x-request-id']), UUID, unsafe);
    }
    const [one, two] = await Promise.all([t.app.inject('/api/events'), t.app.inject('/api/events')]);
    assert.match(String(one.headers['x-request-id']), UUID);
    assert.notEqual(one.headers['x-request-id'], two.headers['x-request-id']);
    const refused = await t.app.inject({ url: '/metrics', remoteAddress: '10.0.0.1', headers: { 'x-request-id': 'nginx-refused-1' } });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.headers['x-request-id'], 'nginx-refused-1', 'errors carry it too');
    const missing = await t.app.inject({ url: '/api/no-such-route', remoteAddress: '10.0.0.1', headers: { 'x-request-id': 'nginx-missing-1' } });
    assert.equal(missing.headers['x-request-id'], 'nginx-missing-1');
  });

  test('metrics: every API route in the OpenAPI document falls in a route class of its own', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json() as { paths: Record<string, unknown> };
    const patterns = Object.keys(doc.paths).map((path) => path.replace(/\{(\w+)\}/g, ':$1'));
    assert.ok(patterns.length > 80, `${patterns.length} paths`);
    const other = patterns.filter((pattern) => metricsClassOf(pattern) === 'other');
    assert.deepEqual(other, ['/api/security/csp-reports'], 'only browsers\' CSP reports are "other"');
    assert.equal(metricsClassOf('/api/holds/:id'), 'hold');
    assert.equal(metricsClassOf('/api/orders/:id/payment'), 'payment');
    assert.equal(metricsClassOf('/api/orders/:id/tickets.pdf'), 'order');
    assert.equal(metricsClassOf('/api/performances/:id/queue'), 'queue_join');
    assert.equal(metricsClassOf('/api/performances/:id/availability'), 'fan_catalog');
    assert.equal(metricsClassOf('/assets/*'), 'static');
    assert.equal(metricsClassOf('/console/*'), 'page');
    assert.equal(metricsClassOf(undefined), 'other');
  });
});

describe('metrics with the shield on', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await testApp(SHIELD_ON, 20, { shield: { limits: { browse: { ip: { points: 2, seconds: 60 } } } } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(async () => {
    await t?.close();
  });

  test("metrics: the shield's refusals are counted by reason, and answered requests by class and status", async () => {
    const start = await metrics.metrics();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await t.app.inject({ url: '/api/events', remoteAddress: '198.51.100.9' })).statusCode);
    assert.deepEqual(answers, [200, 200, 429]);
    const end = await metrics.metrics();
    assert.equal(
      sampleOf(end, 'taquilla_shield_refusals_total', { reason: 'rate_limited' }) -
        sampleOf(start, 'taquilla_shield_refusals_total', { reason: 'rate_limited' }),
      1,
    );
    assert.equal(
      sampleOf(end, 'taquilla_http_requests_total', { class: 'fan_catalog', status: '429' }) -
        sampleOf(start, 'taquilla_http_requests_total', { class: 'fan_catalog', status: '429' }),
      1,
    );
  });

  test('metrics: the queue-status fast lane counts and times its polls like the routed requests', async () => {
    const show = await roomShow(t);
    const [fan] = await joinMany(t.app, show.performanceId, 1, 'fast-lane-metrics');
    const series = { class: 'queue_status', status: '200' };
    const start = await metrics.metrics();
    const res = await fetch(`http://127.0.0.1:${port}/api/queue/status`, { headers: { authorization: `Queue ${fan!.queueTicket}` } });
    assert.equal(res.status, 200, await res.text());
    const end = await metrics.metrics();
    assert.equal(sampleOf(end, 'taquilla_http_requests_total', series) - sampleOf(start, 'taquilla_http_requests_total', series), 1);
    assert.equal(
      sampleOf(end, 'taquilla_http_request_duration_seconds_count', series) - sampleOf(start, 'taquilla_http_request_duration_seconds_count', series),
      1,
    );
  });
});

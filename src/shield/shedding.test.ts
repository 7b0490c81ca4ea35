import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { buyer, cardToken, holdAuth } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { join, roomShow } from '../waiting-room/waiting-room.fixtures.js';
import { SHED_AT, type RouteClass } from './route-classes.js';
import { createShedder, LOOP_DELAY_NEEDS_IN_FLIGHT } from './shedding.js';
import { SHIELD_ON, webBuild } from './shield.fixtures.js';

/** Keeps the event loop busy for `ms` every `every` ms, as a busy machine or a heavy request would. */
function lateLoop(ms: number, every: number): () => void {
  const timer = setInterval(() => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  }, every);
  return () => clearInterval(timer);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('load shedding', () => {
  test('gives classes up in priority order as pressure rises; checkout never', () => {
    const order: RouteClass[] = ['browse', 'queue_join', 'queue_status', 'hold', 'checkout'];
    let pressure = 0;
    const shedder = createShedder({ pressure: () => pressure });
    for (pressure = 0; pressure <= 50; pressure += 0.05) {
      const shed = order.map((cls) => shedder.sheds(cls));
      // Once a class is shed, every class before it in the order is shed too.
      for (let i = 1; i < shed.length; i++) if (shed[i]) assert.ok(shed[i - 1], `${order[i]} shed before ${order[i - 1]} at ${pressure}`);
      assert.equal(shedder.sheds('checkout'), false);
      assert.equal(shedder.sheds('operator'), false);
    }
    assert.ok(SHED_AT.browse < SHED_AT.queue_join && SHED_AT.queue_join < SHED_AT.queue_status && SHED_AT.queue_status < SHED_AT.hold);
  });

  describe('over HTTP', () => {
    let t: TestApp;
    let payments: App;
    let pressure = 0;
    before(async () => {
      t = await testApp(SHIELD_ON, 20, { shield: { pressure: () => pressure } });
      payments = await testPayments(t.ctx);
    });
    after(async () => {
      await payments.close();
      await t.close();
    });

    test('an admitted buyer holds and pays while browsing, joins and status polls get 503 with Retry-After', async () => {
      const show = await roomShow(t, { maxInCheckout: 10, maxAdmissionsPerMinute: 600 });
      const fan = await join(t.app, show.performanceId, 'fan-shed');
      await t.ctx.waitingRoom.tick(Date.now());
      const status = (await t.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fan.queueTicket}` } })).json();
      assert.equal(status.state, 'admitted');

      pressure = 3; // past status polls' mark, short of holds'
      const refused: [string, Promise<any>][] = [
        ['browse', t.app.inject({ url: '/api/events' })],
        ['queue join', t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/queue`, headers: { 'x-queue-key': 'late-fan' } })],
        ['queue status', t.app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fan.queueTicket}` } })],
      ];
      for (const [what, pending] of refused) {
        const res = await pending;
        assert.equal(res.statusCode, 503, `${what}: ${res.body}`);
        assert.equal(res.json().error.code, 'overloaded');
        assert.ok(Number(res.headers['retry-after']) >= 1, `${what} says when to come back`);
      }

      const held = await t.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        headers: { 'x-access-token': status.accessToken },
        payload: { gaAreaId: show.gaAreaId, quantity: 2 },
      });
      assert.equal(held.statusCode, 201, held.body);
      pressure = 40; // far past every mark: new holds are refused, the buyer's checkout is not
      const another = await t.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        headers: { 'x-access-token': status.accessToken },
        payload: { gaAreaId: show.gaAreaId, quantity: 1 },
      });
      assert.equal(another.statusCode, 503);
      const ordered = await t.app.inject({
        method: 'POST',
        url: `/api/holds/${held.json().holdId}/order`,
        headers: { 'idempotency-key': 'shed-1', ...holdAuth(held.json()) },
        payload: { buyer },
      });
      assert.equal(ordered.statusCode, 201, ordered.body);
      const token = await cardToken(payments, ordered.json().payment.sessionId);
      const paid = await t.app.inject({ method: 'POST', url: `/api/orders/${ordered.json().orderId}/payment`, payload: { token } });
      assert.equal(paid.statusCode, 200, paid.body);
      assert.equal(paid.json().status, 'paid');
      // A shed probe would read as a dead or unready node and move its load onto the others.
      for (const probe of ['/api/health', '/api/health/live', '/api/health/ready']) {
        assert.equal((await t.app.inject(probe)).statusCode, 200, `${probe} is never shed`);
      }
      pressure = 0;
      assert.equal((await t.app.inject({ url: '/api/events' })).statusCode, 200, 'browsing is served again once pressure falls');
    });
  });

  test('a late event loop is pressure only while enough requests are in progress', async () => {
    const shedder = createShedder();
    shedder.start();
    const stop = lateLoop(150, 200);
    try {
      const watch = async (ms: number) => {
        let most = 0;
        let loop = 0;
        let shedBrowse = false;
        for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) {
          most = Math.max(most, shedder.pressure());
          loop = Math.max(loop, shedder.readings().loopDelayMs);
          shedBrowse ||= shedder.sheds('browse');
        }
        return { most, loop, shedBrowse };
      };
      for (let i = 0; i < 3; i++) shedder.requestStarted();
      const lone = await watch(1200);
      assert.ok(lone.loop >= 100, `the loop was late (${lone.loop} ms)`);
      assert.ok(lone.most < 0.01 && !lone.shedBrowse, `three requests in progress: pressure ${lone.most}`);

      for (let i = 3; i < LOOP_DELAY_NEEDS_IN_FLIGHT; i++) shedder.requestStarted();
      const busy = await watch(1200);
      assert.ok(busy.most >= 1 && busy.shedBrowse, `${LOOP_DELAY_NEEDS_IN_FLIGHT} in progress: pressure ${busy.most}`);
      assert.equal(shedder.sheds('checkout'), false);

      // The peak over a sample counts, not the moment it is taken: requests that came and went.
      for (let i = 0; i < LOOP_DELAY_NEEDS_IN_FLIGHT; i++) shedder.requestEnded();
      let burst = 0;
      for (const end = Date.now() + 1200; Date.now() < end; await sleep(20)) {
        for (let i = 0; i < 40; i++) shedder.requestStarted();
        for (let i = 0; i < 40; i++) shedder.requestEnded();
        burst = Math.max(burst, shedder.pressure());
      }
      assert.ok(burst >= 1, `bursts of 40 between samples: pressure ${burst}`);
    } finally {
      stop();
      shedder.stop();
    }
  });

  describe('over HTTP, with real readings', () => {
    let t: TestApp;
    let build: ReturnType<typeof webBuild>;
    before(async () => {
      build = webBuild();
      const wide = { ip: { points: 1_000_000, seconds: 10 }, prefix: { points: 1_000_000, seconds: 10 } };
      t = await testApp(SHIELD_ON, 20, { shield: { limits: { browse: wide } } }, { context: (ctx) => (ctx.webDistDir = build.dir) });
    });
    after(async () => {
      await t.close();
      rmSync(build.dir, { recursive: true, force: true });
    });

    test('a lone visitor loading a page while the event loop is 150 ms late is not shed; a real overload sheds browsing first', async () => {
      const show = await roomShow(t, { maxInCheckout: 10 });
      const { shedder } = t.ctx.shield;
      shedder.start();
      const stop = lateLoop(150, 200);
      const get = (url: string, ip = '198.51.100.7') => t.app.inject({ url, remoteAddress: ip, headers: { accept: 'text/html' } });
      try {
        // One fan loads the performance page again and again for two seconds: the page, its
        // files six at a time as a browser fetches them, and its API calls.
        const codes: string[] = [];
        let loop = 0;
        for (const end = Date.now() + 2000; Date.now() < end; ) {
          const page = await get(`/performances/${show.performanceId}`);
          codes.push(`${page.statusCode} page`);
          for (let i = 0; i < build.assets.length; i += 6) {
            for (const a of await Promise.all(build.assets.slice(i, i + 6).map((name) => get(`/assets/${name}`)))) codes.push(`${a.statusCode} asset`);
          }
          for (const a of await Promise.all([get('/api/events'), get(`/api/performances/${show.performanceId}`)])) codes.push(`${a.statusCode} api`);
          loop = Math.max(loop, shedder.readings().loopDelayMs);
        }
        assert.ok(loop >= 100, `the loop was late (${loop} ms)`);
        assert.ok(codes.length > 20, `${codes.length} requests`);
        assert.deepEqual(
          codes.filter((c) => !c.startsWith('200')),
          [],
          'nothing shed',
        );

        // A real overload: 64 requests in progress at a time from many addresses, while the loop is as late.
        let loading = true;
        let sent = 0;
        const load = (async () => {
          while (loading) {
            await Promise.all(Array.from({ length: 64 }, () => get('/api/events', `10.${sent % 200}.${sent++ % 250}.9`)));
            // A shed answer comes back without leaving the microtask queue: let timers and I/O run.
            await new Promise((r) => setImmediate(r));
          }
        })();
        let probe: Awaited<ReturnType<typeof get>>[] = [];
        for (const end = Date.now() + 8000; Date.now() < end && probe[0]?.statusCode !== 503; await sleep(50)) {
          probe = await Promise.all([
            get(`/performances/${show.performanceId}`),
            get(`/assets/${build.assets[0]}`),
            t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/holds`, payload: { gaAreaId: show.gaAreaId, quantity: 1 } }),
          ]);
        }
        loading = false;
        await load;
        const [page, asset, hold] = probe;
        assert.equal(page?.statusCode, 503, `the page is shed under real load (pressure ${shedder.pressure()}, ${sent} requests sent)`);
        assert.match(String(page!.headers['content-type']), /^text\/html/);
        assert.equal(asset?.statusCode, 200, 'its files are not');
        assert.notEqual(hold?.statusCode, 503, `nor a hold (${hold?.body})`);
      } finally {
        stop();
        shedder.stop();
      }
    });
  });
});

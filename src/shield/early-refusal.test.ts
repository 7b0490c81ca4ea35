import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { earlyRouteClass, routeClass } from './route-classes.js';
import { SHIELD_ON } from './shield.fixtures.js';

interface Answer {
  status: number;
  /** Header names in the order sent, lower case, with their values. */
  headers: [string, string][];
  body: string;
}

/**
 * A raw HTTP/1.1 connection from `from`: `send` writes requests and resolves with the next whole
 * answer; `closed` resolves when the server closes the connection.
 */
function connection(port: number, from: string) {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
  let buffered = '';
  let waiting: ((a: Answer) => void) | undefined;
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  const tryParse = () => {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0 || !waiting) return;
    const lines = buffered.slice(0, end).split('\r\n');
    const headers = lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]);
    const length = Number(headers.find(([k]) => k === 'content-length')?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    const answer = { status: Number(lines[0]!.slice(9, 12)), headers, body: buffered.slice(end + 4, end + 4 + length) };
    buffered = buffered.slice(end + 4 + length);
    const w = waiting;
    waiting = undefined;
    w(answer);
  };
  socket.on('data', (chunk) => {
    buffered += chunk.toString('latin1');
    tryParse();
  });
  return {
    send(request: string): Promise<Answer> {
      return new Promise((resolve) => {
        waiting = resolve;
        socket.write(request);
        tryParse();
      });
    },
    closed,
    close: () => socket.destroy(),
  };
}
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: taquilla.test\r\n${extra}\r\n`;
const header = (a: Answer, name: string) => a.headers.find(([k]) => k === name)?.[1];
/** What a client can tell two refusals apart by, less what differs per answer (id, date) and per second (Retry-After). */
const shape = (a: Answer) => ({
  status: a.status,
  names: a.headers.map(([k]) => k).filter((k) => k !== 'connection' && k !== 'keep-alive'),
  fixed: a.headers.filter(([k]) => !['x-request-id', 'date', 'retry-after', 'connection', 'keep-alive'].includes(k)),
  code: JSON.parse(a.body).error.code,
  message: JSON.parse(a.body).error.message,
});

/** Blocks `ip` as the shield does: refused 61 times within a minute. */
function block(t: TestApp, ip: string) {
  for (let i = 0; i < 61; i++) t.ctx.shield.limits.offended(ip, Date.now());
  assert.ok(t.ctx.shield.limits.blockedFor(ip, Date.now()) > 0);
}

describe('shield refusals before Fastify', () => {
  let t: TestApp;
  let port: number;
  /** Requests Fastify answered, by path. */
  const reachedFastify: string[] = [];
  before(async () => {
    t = await testApp(
      SHIELD_ON,
      10,
      { shield: { limits: { browse: { prefix: { points: 1, seconds: 60 } } } } },
      {
        routes: (app) => {
          // onResponse: every answer Fastify gives passes it, its refusals included.
          app.addHook('onResponse', (request, _reply, done) => {
            reachedFastify.push(request.url);
            done();
          });
        },
      },
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(async () => {
    await t.close();
  });

  test('a blocked address is refused at the connection, with the answer Fastify gives and the connection closed', async () => {
    const ip = '127.0.61.1';
    block(t, ip);
    const before = await t.app.inject({ url: '/api/events', remoteAddress: ip });
    assert.equal(before.statusCode, 429);
    reachedFastify.length = 0;
    const c = connection(port, ip);
    const refused = await c.send(get('/api/events'));
    await c.closed;
    assert.deepEqual(reachedFastify, [], 'Fastify never saw it');
    assert.equal(header(refused, 'connection'), 'close');
    const routed: Answer = { status: before.statusCode, headers: Object.entries(before.headers).map(([k, v]) => [k, String(v)]), body: before.body };
    assert.deepEqual(shape(refused), shape(routed));
    assert.deepEqual(JSON.parse(refused.body).error.retryAfter > 500, true);
    assert.equal(header(refused, 'retry-after'), String(JSON.parse(refused.body).error.retryAfter));
    assert.match(header(refused, 'x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    t.ctx.shield.tick();
    assert.ok(t.ctx.shield.detector.view().refusedPerSecond.blocked, 'counted as a refusal for the block');
    // A HEAD gets the head alone, as HTTP wants.
    const raw = await new Promise<string>((resolve) => {
      let text = '';
      const s = net.connect({ host: '127.0.0.1', port, localAddress: ip }, () => s.write('HEAD /api/events HTTP/1.1\r\nHost: x\r\n\r\n'));
      s.on('data', (d) => {
        text += d.toString('latin1');
      });
      s.on('error', () => {});
      s.on('close', () => resolve(text));
    });
    assert.match(raw, /^HTTP\/1\.1 429 /);
    assert.ok(raw.endsWith('\r\n\r\n'), 'no body after the head');
  });

  test('a blocked address still reaches what a block lets through, and its next request on that connection is refused before Fastify', async () => {
    const ip = '127.0.62.1';
    block(t, ip);
    reachedFastify.length = 0;
    const c = connection(port, ip);
    const health = await c.send(get('/api/health/live'));
    assert.equal(health.status, 200, health.body);
    const order = await c.send(get('/api/orders/00000000-0000-4000-8000-000000000000'));
    assert.notEqual(order.status, 429, 'checkout is not refused for a block');
    const refused = await c.send(get('/api/events'));
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(refused.body).error.code, 'rate_limited');
    assert.equal(header(refused, 'connection'), 'keep-alive', 'refused in the request handler: the connection stays');
    assert.deepEqual(reachedFastify, ['/api/health/live', '/api/orders/00000000-0000-4000-8000-000000000000']);
    // A body that arrives after the head is read whole by the HTTP server, as if never looked at.
    const post = await c.send(`POST /api/checkin HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"code":1`);
    assert.notEqual(post.status, 429);
    c.close();
  });

  test('a limit already run out is refused before Fastify, the same way Fastify refused it', async () => {
    const ip = '127.0.63.1';
    reachedFastify.length = 0;
    const c = connection(port, ip);
    const first = await c.send(get('/api/events'));
    assert.equal(first.status, 200, first.body);
    const second = await c.send(get('/api/events'));
    const third = await c.send(get('/api/events?page=2'));
    assert.equal(second.status, 429);
    assert.deepEqual(reachedFastify, ['/api/events', '/api/events'], 'the third never reached Fastify');
    assert.deepEqual(shape(third), shape(second));
    assert.deepEqual(
      third.headers.map(([k]) => k),
      second.headers.map(([k]) => k),
      'the same headers in the same order',
    );
    assert.ok(Math.abs(Number(header(third, 'retry-after')) - Number(header(second, 'retry-after'))) <= 1);
    // Another address in the same /24 is refused by the network's limit too (as Fastify would), not blocked.
    const neighbour = connection(port, '127.0.63.2');
    const n = await neighbour.send(get('/'));
    assert.equal(n.status, 429);
    assert.equal(t.ctx.shield.limits.blockedFor('127.0.63.2', Date.now()), 0);
    // A class the network has not run out of is not refused early: Fastify decides.
    reachedFastify.length = 0;
    const challenge = await neighbour.send(get('/api/shield/challenge'));
    assert.equal(challenge.status, 200);
    assert.deepEqual(reachedFastify, ['/api/shield/challenge']);
    c.close();
    neighbour.close();
  });

  test('blocks expire: an address whose block ended is served again on a new connection', async () => {
    const ip = '127.0.64.1';
    const limits = t.ctx.shield.limits;
    block(t, ip);
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 601_000;
      const c = connection(port, ip);
      const live = await c.send(get('/api/health/live'));
      const served = await c.send(get('/api/shield/challenge'));
      assert.equal(live.status, 200);
      assert.equal(served.status, 200, served.body);
      assert.equal(limits.blockedFor(ip, Date.now()), 0);
      c.close();
    } finally {
      Date.now = realNow;
    }
  });
});

describe('shield refusals behind a trusted proxy', () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await testApp({ ...SHIELD_ON, TRUSTED_PROXIES: '127.0.70.1' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(async () => {
    await t.close();
  });

  test("a proxy's connection is never refused at the connection: each request is refused by its forwarded address", async () => {
    // Even with the proxy's own address blocked, its connection carries other clients.
    block(t, '127.0.70.1');
    block(t, '198.51.100.7');
    const c = connection(port, '127.0.70.1');
    const refused = await c.send(get('/api/events', 'X-Forwarded-For: 198.51.100.7\r\n'));
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(refused.body).error.code, 'rate_limited');
    assert.equal(header(refused, 'connection'), 'keep-alive');
    const served = await c.send(get('/api/events', 'X-Forwarded-For: 198.51.100.8\r\n'));
    assert.equal(served.status, 200, 'another client behind the same proxy is served');
    c.close();
    // A client connecting directly, not through the proxy, is refused at the connection.
    block(t, '127.0.71.1');
    const direct = connection(port, '127.0.71.1');
    const d = await direct.send(get('/api/events', 'X-Forwarded-For: 198.51.100.8\r\n'));
    assert.equal(d.status, 429);
    assert.equal(header(d, 'connection'), 'close');
    await direct.closed;
  });
});

describe('earlyRouteClass', () => {
  test("never names a class other than the one Fastify's route gives, for every route of the app", async () => {
    const t = await testApp(SHIELD_ON);
    try {
      const printed = t.app.printRoutes({ commonPrefix: false });
      let checked = 0;
      for (const line of printed.split('\n')) {
        const m = /(\/\S*) \(([A-Z, ]+)\)/.exec(line);
        if (!m) continue;
        const pattern = m[1]!;
        const concrete = pattern.replace(/:[^/]+/g, 'a1b2c3').replace(/\*$/, 'chunk-1.js');
        for (const method of m[2]!.split(', ')) {
          const early = earlyRouteClass(method, concrete);
          if (early) assert.equal(early.cls, routeClass(method, pattern), `${method} ${pattern}`);
          checked++;
        }
      }
      assert.ok(checked > 100, `${checked} routes checked`);
      assert.equal(earlyRouteClass('GET', '/no/such/page')?.cls, 'browse');
      assert.equal(earlyRouteClass('POST', '/api/performances/x/queue')?.cls, 'queue_join');
      assert.equal(earlyRouteClass('GET', '/api/holds/x'), undefined, 'checkout: a block lets it through');
      assert.equal(earlyRouteClass('GET', '/api/admin/shield'), undefined, 'operator: a credential passes');
      assert.equal(earlyRouteClass('GET', '/api/%65vents'), undefined, 'escapes: left to the router');
      assert.equal(earlyRouteClass('GET', 'http://x/api/events'), undefined, 'absolute form: left to the router');
    } finally {
      await t.close();
    }
  });
});

describe('the connection gate at shutdown', () => {
  test('a blocked client that sends nothing does not hold the server open', async () => {
    const t = await testApp(SHIELD_ON);
    let closed = false;
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (t.app.server.address() as { port: number }).port;
      block(t, '127.0.72.1');
      const c = connection(port, '127.0.72.1');
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      await t.close();
      closed = true;
      await c.closed;
      assert.ok(performance.now() - started < 5000, `closed in ${Math.round(performance.now() - started)} ms, not after the 10-s wait for first bytes`);
    } finally {
      if (!closed) await t.close();
    }
  });
});

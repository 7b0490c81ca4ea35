import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { SHIELD_ON } from '../shield/shield.fixtures.js';
import { join, roomShow } from './waiting-room.fixtures.js';

/** A GET over real HTTP from a chosen loopback address, so the fast lane (not inject) answers. */
function get(port: number, path: string, headers: Record<string, string>, localAddress = '127.0.0.1') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, localAddress }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('queue status fast lane', () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await testApp(SHIELD_ON, 20, { shield: { limits: { queue_status: { ip: { points: 3, seconds: 60 } } } } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(async () => {
    await t.close();
  });

  test('answers exactly what the Fastify route answers, refuses the same way, and is counted by the shield', async () => {
    const show = await roomShow(t);
    const fan = await join(t.app, show.performanceId, 'fast-lane-fan');
    const auth = { authorization: `Queue ${fan.queueTicket}` };
    const fast = await get(port, '/api/queue/status', auth, '127.0.3.1');
    const routed = await t.app.inject({ url: '/api/queue/status', headers: auth, remoteAddress: '127.0.4.1' });
    assert.equal(fast.status, 200, fast.body);
    assert.equal(fast.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(fast.headers['cache-control'], 'no-store');
    assert.deepEqual(JSON.parse(fast.body), routed.json());
    // With a query string Fastify answers, the same way.
    const viaFastify = await get(port, '/api/queue/status?x=1', auth, '127.0.5.1');
    assert.deepEqual(JSON.parse(viaFastify.body), routed.json());

    const forged = await get(port, '/api/queue/status', { authorization: `Queue ${fan.queueTicket.slice(0, -2)}xx` }, '127.0.3.1');
    assert.equal(forged.status, 401);
    assert.equal(JSON.parse(forged.body).error.code, 'invalid_queue_ticket');

    const third = await get(port, '/api/queue/status', auth, '127.0.3.1');
    assert.equal(third.status, 200);
    // The forged one counted too: the fourth request from the address is over the limit.
    const limited = await get(port, '/api/queue/status', auth, '127.0.3.1');
    assert.equal(limited.status, 429, 'the fourth poll from one address within the minute');
    assert.equal(JSON.parse(limited.body).error.code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    t.ctx.shield.tick();
    assert.equal(t.ctx.shield.detector.view().refusedPerSecond.rate_limited !== undefined, true, 'the refusal is in the traffic view');
  });

  test('other routes still go through Fastify, and its timeouts are set on the server', async () => {
    const res = await get(port, '/api/events', {});
    assert.equal(res.status, 200);
    assert.equal(t.app.server.headersTimeout, 10_000);
    assert.equal(t.app.server.requestTimeout, 30_000);
  });
});

describe('statusJson', () => {
  test("writes the same bytes as the response schema's serializer", async () => {
    const { default: fastJson } = await import('fast-json-stringify');
    const { Status } = await import('./queue.schemas.js');
    const { statusJson } = await import('./status.js');
    const stringify = fastJson(Status as object);
    const base = {
      state: 'waiting' as const,
      performanceId: '0b0e3c52-8f5e-4c1a-9d6b-2f3e4a5b6c7d',
      position: 40_001,
      ahead: 40_000,
      admissionsPerMinute: 59.7,
      eta: { low: 40_001.4, high: 50_000 },
      ticketsLeft: 3_000,
    };
    const answers = [
      base,
      { ...base, message: 'There are 40,000 people ahead of you and 3,000 tickets left.', demand: 40_000 },
      { ...base, message: 'quotes " and \\ and \u2028 and ñ' },
      { ...base, state: 'admitted' as const, position: 0, ahead: 0, accessToken: 'A1.q1.abc_DEF-123' },
      { ...base, position: -0.5, ahead: 1e21 },
    ];
    for (const answer of answers) assert.equal(statusJson(answer), stringify(answer));
  });
});

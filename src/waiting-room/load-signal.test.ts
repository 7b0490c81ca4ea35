import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { SHIELD_ON } from '../shield/shield.fixtures.js';
import { createLoadSignal } from './load-signal.js';
import { join, roomShow, status } from './waiting-room.fixtures.js';

test('admission load signal: names which figure holds the rate down, and the metrics read the last reading without decaying it', () => {
  const signal = createLoadSignal();
  assert.equal(signal.last().limitedBy, 'none', 'before any tick');
  for (let i = 0; i < 10; i++) signal.observe(i < 5 ? 500 : 201, 3000);
  const reading = signal.read();
  assert.equal(reading.limitedBy, 'checkout_errors', 'half failing is worse than 3 s');
  assert.deepEqual(signal.last(), reading);
  assert.deepEqual(signal.last(), reading, 'reading it again changes nothing');
  const slow = createLoadSignal();
  for (let i = 0; i < 10; i++) slow.observe(201, 4000);
  assert.equal(slow.read().limitedBy, 'checkout_latency');
  const fine = createLoadSignal();
  for (let i = 0; i < 10; i++) fine.observe(201, 50);
  assert.equal(fine.read().limitedBy, 'none');
});

test('admission load signal: failing or slow checkout scales the rate down, 4xx do not count, and it recovers', () => {
  const failing = createLoadSignal();
  assert.equal(failing.read().factor, 1, 'no checkout yet');
  for (let i = 0; i < 10; i++) failing.observe(500, 20);
  assert.equal(failing.read().factor, 0.1, 'every checkout step failed');
  for (let i = 0; i < 3; i++) failing.read();
  assert.equal(failing.read().factor, 1, 'the failures fade within seconds');

  const refusing = createLoadSignal();
  for (let i = 0; i < 100; i++) refusing.observe(i < 30 ? 409 : 201, 50);
  assert.equal(refusing.read().factor, 1, "checkout's rightful refusals (409, 403, 400) are not failures");

  const slow = createLoadSignal();
  for (let i = 0; i < 10; i++) slow.observe(201, 2750);
  assert.ok(Math.abs(slow.read().factor - 0.55) < 1e-9, 'checkout at 2.75 s: half way between the marks');

  const hidden = createLoadSignal();
  for (let i = 0; i < 10; i++) hidden.observe(201, 4500);
  for (let i = 0; i < 1000; i++) hidden.observe(403, 1);
  assert.ok(hidden.read().factor < 0.3, 'a flood of cheap 4xx does not hide a slow checkout');

  const trickle = createLoadSignal();
  const factors: number[] = [];
  for (let s = 0; s < 6; s++) {
    trickle.observe(503, 5);
    trickle.observe(503, 5);
    factors.push(trickle.read().factor);
  }
  assert.equal(factors[0], 1, 'two answers are not yet a reading');
  assert.deepEqual(factors.slice(-2), [0.1, 0.1], `two failing checkouts a second add up within seconds (${factors.join(', ')})`);
});

describe('admission over HTTP', () => {
  let t: TestApp;
  let pressure = 0;
  before(async () => {
    t = await testApp(
      SHIELD_ON,
      20,
      { shield: { pressure: () => pressure, limits: { hold: { ip: { points: 3, seconds: 60 } } } } },
      {
        routes: (app) => {
          app.get('/api/test/fails', { schema: { hide: true } }, async () => {
            throw new Error('a bug behind some route');
          });
        },
      },
    );
  });
  after(async () => {
    await t.close();
  });

  test("admission: a flood of 500s elsewhere and the shield's own refusals leave the allowed rate alone; failing or slow checkout cuts it", async () => {
    const show = await roomShow(t, { maxAdmissionsPerMinute: 600, maxInCheckout: 100 });
    const allowed = async () => {
      await t.ctx.waitingRoom.tick();
      const summary = await t.app.inject({ url: `/api/performances/${show.performanceId}/queue/summary` });
      return summary.json().allowedPerMinute as number;
    };
    const fade = async () => {
      for (let i = 0; i < 5; i++) await allowed();
    };
    const hold = (ip: string, token?: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/performances/${show.performanceId}/holds`,
        remoteAddress: ip,
        headers: token ? { 'x-access-token': token } : {},
        payload: { gaAreaId: show.gaAreaId, quantity: 1 },
      });
    assert.equal(await allowed(), 600);

    // 400 answers 500 from 40 networks, and checkout refused by the shield (429 past the hold
    // limit, 503 while holds are shed) or by itself (403: no admission).
    const flood: Promise<{ statusCode: number }>[] = [];
    for (let i = 0; i < 400; i++) flood.push(t.app.inject({ url: '/api/test/fails', remoteAddress: `198.51.${i % 40}.${(i % 7) + 1}` }));
    for (let i = 0; i < 10; i++) flood.push(hold('203.0.113.5'));
    const answers = await Promise.all(flood);
    pressure = 5;
    answers.push(await hold('203.0.113.6'));
    pressure = 0;
    const codes = new Map<number, number>();
    for (const a of answers) codes.set(a.statusCode, (codes.get(a.statusCode) ?? 0) + 1);
    const seen = JSON.stringify([...codes]);
    assert.equal(codes.get(500), 400, seen);
    assert.ok((codes.get(429) ?? 0) >= 5 && codes.get(503) === 1 && (codes.get(403) ?? 0) >= 1, seen);
    assert.equal(await allowed(), 600, 'admissions unaffected by 500s outside checkout and by what the shield refused');

    const fans = [];
    for (let i = 0; i < 8; i++) fans.push(await join(t.app, show.performanceId, `health-fan-${i}`));
    await t.ctx.waitingRoom.tick();
    const tokens = await Promise.all(fans.map(async (f) => (await status(t.app, f.queueTicket)).accessToken as string));
    assert.ok(tokens.every(Boolean), 'the fans are admitted');
    const db = new pg.Client({ connectionString: t.database.url });
    await db.connect();
    try {
      // Checkout itself fails: every hold insert raises, so admitted fans' holds answer 500.
      await db.query(`CREATE FUNCTION test_fail_holds() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`);
      await db.query('CREATE TRIGGER test_fail_holds BEFORE INSERT ON holds FOR EACH ROW EXECUTE FUNCTION test_fail_holds()');
      const failed = await Promise.all(tokens.map((token, i) => hold(`192.0.2.${i + 1}`, token)));
      assert.ok(
        failed.every((r) => r.statusCode >= 500),
        failed.map((r) => r.statusCode).join(','),
      );
      assert.equal(await allowed(), 60, 'checkout failing: admissions back off to a tenth');
      await db.query('DROP TRIGGER test_fail_holds ON holds');
      await fade();
      assert.equal(await allowed(), 600, 'and come back when it recovers');

      // Checkout slow: the holds wait behind a lock for 1.2 s, then succeed.
      await db.query('BEGIN');
      await db.query('LOCK TABLE holds IN SHARE MODE');
      const slow = Promise.all(tokens.slice(0, 6).map((token, i) => hold(`192.0.2.${i + 1}`, token)));
      await new Promise((r) => setTimeout(r, 1200));
      await db.query('COMMIT');
      const held = await slow;
      assert.ok(
        held.every((r) => r.statusCode === 201),
        held.map((r) => `${r.statusCode} ${r.body}`).join('\n'),
      );
      const rate = await allowed();
      assert.ok(rate < 560 && rate > 60, `checkout slow: admissions back off (${rate} a minute)`);
    } finally {
      await db.query('ROLLBACK').catch(() => {});
      await db.end();
    }
  });
});

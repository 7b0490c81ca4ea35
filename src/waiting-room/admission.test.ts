import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, holdAuth } from '../../tests/helpers/fixtures.js';
import { admissionBudget } from './admission.js';
import { fakeClock, holdWith, join, joinMany, roomShow, roomView, status } from './waiting-room.fixtures.js';

test("admission budget: never more than a second of the allowed rate, the free checkout slots, the minute's bound or the places nobody holds", () => {
  const base = {
    now: 1_000_000,
    bucket: undefined,
    allowedPerMinute: 600,
    maxPerMinute: 600,
    maxInCheckout: 100,
    activeInCheckout: 0,
    admittedLastMinute: 0,
    ticketsLeft: 5000,
    notYetHolding: 0,
  };
  assert.equal(admissionBudget(base).admissions, 10);
  assert.equal(admissionBudget({ ...base, bucket: { tokens: 0, at: base.now - 60_000 } }).admissions, 10, 'an idle minute does not save up a burst');
  assert.equal(admissionBudget({ ...base, activeInCheckout: 97 }).admissions, 3);
  assert.equal(admissionBudget({ ...base, activeInCheckout: 120 }).admissions, 0);
  assert.equal(admissionBudget({ ...base, admittedLastMinute: 595 }).admissions, 5);
  assert.equal(admissionBudget({ ...base, allowedPerMinute: 60 }).admissions, 1, 'an unhealthy process lets fewer in');
  assert.equal(
    admissionBudget({ ...base, allowedPerMinute: 30, bucket: { tokens: 0, at: base.now - 1000 } }).admissions,
    0,
    'half a fan waits for the next second',
  );
  assert.equal(admissionBudget({ ...base, ticketsLeft: 0 }).admissions, 0, 'everything left is in holds: nobody is let in to find nothing');
  assert.equal(admissionBudget({ ...base, ticketsLeft: 7, notYetHolding: 4 }).admissions, 3, 'fans let in and not yet holding count against the places left');
  assert.equal(admissionBudget({ ...base, ticketsLeft: 2, notYetHolding: 6 }).admissions, 0);
});

describe('waiting room: admission', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    t.ctx.waitingRoom.clock.now = () => Date.now();
    await t?.close();
  });

  test('waiting room: admissions never exceed the bounds (1,500 fans over 20 simulated minutes)', async () => {
    const bounds = { maxInCheckout: 40, maxAdmissionsPerMinute: 90, graceSeconds: 30, startLimitSeconds: 60 };
    const show = await roomShow(t, bounds);
    const clock = fakeClock(t);
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const fans = (await joinMany(t.app, show.performanceId, 1500, 'sim')).map((fan) => ({
      ...fan,
      pollEvery: 5_000 + Math.floor(random() * 10_000),
      nextPoll: clock.now + Math.floor(random() * 5_000),
      gone: random() < 0.1,
      startAfter: Math.floor(random() * 80_000),
      holdFor: 20_000 + Math.floor(random() * 180_000),
      admittedSeen: 0,
      done: false,
    }));
    const holding = new Map<string, number>();
    const fromDatabase = t.ctx.waitingRoom.admission.checkoutFigures;
    t.ctx.waitingRoom.admission.checkoutFigures = async (ids) => new Map(ids.map((id) => [id, { ticketsLeft: 5000, activeHolds: holding.size }]));
    const perTick: number[] = [];
    try {
      for (let second = 0; second < 20 * 60; second++) {
        const now = clock.advance(1000);
        for (const [key, until] of holding) if (until <= now) holding.delete(key);
        for (const fan of fans) {
          if (fan.gone || fan.done || fan.nextPoll > now) continue;
          fan.nextPoll = now + fan.pollEvery;
          const answer = await t.ctx.waitingRoom.status(`Queue ${fan.queueTicket}`);
          if (answer.state === 'expired') {
            fan.done = true;
            continue;
          }
          if (answer.state !== 'admitted' || !answer.accessToken) continue;
          fan.admittedSeen ||= now;
          if (now - fan.admittedSeen < fan.startAfter) continue;
          await t.ctx.waitingRoom.admitHold(show.performanceId, answer.accessToken);
          holding.set(fan.key, now + fan.holdFor);
          fan.done = true;
        }
        const report = await t.ctx.waitingRoom.tick(now);
        perTick.push(report.get(show.performanceId)?.admitted ?? 0);
        const counters = (await t.ctx.waitingRoom.store.counters(show.performanceId, now))!;
        assert.ok(counters.pending + holding.size <= bounds.maxInCheckout, `second ${second}: ${counters.pending} admitted and ${holding.size} holding`);
        const lastMinute = perTick.slice(-60).reduce((a, b) => a + b, 0);
        assert.ok(lastMinute <= bounds.maxAdmissionsPerMinute, `second ${second}: ${lastMinute} admissions in the last minute`);
      }
    } finally {
      t.ctx.waitingRoom.admission.checkoutFigures = fromDatabase;
    }
    const view = await roomView(t.app, show.performanceId);
    assert.ok(view.admitted > 300, `admitted ${view.admitted}`);
    assert.ok(view.abandoned > 50, `skipped ${view.abandoned} who stopped polling`);
    assert.ok(view.lapsed > 0, `lapsed ${view.lapsed}`);
    assert.ok(view.conversion > 0.5 && view.conversion < 1, `conversion ${view.conversion}`);
  });

  test('waiting room: abandonment skips a fan who stopped polling', async () => {
    const show = await roomShow(t, { maxAdmissionsPerMinute: 60, graceSeconds: 30 });
    const clock = fakeClock(t);
    const [gone, polling, behind] = await joinMany(t.app, show.performanceId, 3, 'abandon');
    // The first fan closes the page; the others keep polling. 35 s later the counter reaches them.
    for (const wait of [20_000, 15_000]) {
      clock.advance(wait);
      await status(t.app, polling!.queueTicket);
      await status(t.app, behind!.queueTicket);
    }
    const report = await t.ctx.waitingRoom.tick();
    assert.deepEqual(report.get(show.performanceId), { admitted: 1, skipped: 1, lapsed: 0 });
    assert.equal((await status(t.app, gone!.queueTicket)).state, 'expired');
    assert.equal((await status(t.app, polling!.queueTicket)).state, 'admitted');
    assert.deepEqual([(await status(t.app, behind!.queueTicket)).position, (await status(t.app, behind!.queueTicket)).ahead], [1, 0]);
    assert.equal((await roomView(t.app, show.performanceId)).abandoned, 1);
    const back = await join(t.app, show.performanceId, gone!.key);
    assert.notEqual(back.queueTicket, gone!.queueTicket, 'a fan who lost the turn joins again at the back');
    assert.equal((await status(t.app, back.queueTicket)).position, 2);
  });

  test('waiting room: an admitted fan who makes no hold within the start limit lets the next one in', async () => {
    const show = await roomShow(t, { maxInCheckout: 1, startLimitSeconds: 10 });
    const clock = fakeClock(t);
    const [slow, next, third] = await joinMany(t.app, show.performanceId, 3, 'slow');
    await t.ctx.waitingRoom.tick();
    const token = (await status(t.app, slow!.queueTicket)).accessToken;
    assert.ok(token);
    clock.advance(5_000);
    await status(t.app, next!.queueTicket);
    await status(t.app, third!.queueTicket);
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 0, 'checkout is full');
    clock.advance(5_000);
    await status(t.app, next!.queueTicket);
    await status(t.app, third!.queueTicket);
    assert.deepEqual((await t.ctx.waitingRoom.tick()).get(show.performanceId), { admitted: 1, skipped: 0, lapsed: 1 });
    assert.equal((await status(t.app, slow!.queueTicket)).state, 'expired');
    const late = await holdWith(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 }, token);
    assert.equal(late.statusCode, 403, 'the lapsed token no longer holds');
    // The next fan does start: its hold, counted from PostgreSQL, keeps the one slot taken.
    const nextToken = (await status(t.app, next!.queueTicket)).accessToken;
    assert.equal((await holdWith(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 }, nextToken)).statusCode, 201);
    clock.advance(20_000);
    await status(t.app, third!.queueTicket);
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 0, 'the hold fills checkout');
    assert.equal((await status(t.app, next!.queueTicket)).state, 'admitted', 'a fan who started stays admitted');
    const view = await roomView(t.app, show.performanceId);
    assert.deepEqual([view.lapsed, view.activeInCheckout], [1, 1]);
  });

  test('waiting room: nobody is let in while every place left is in a hold; a released hold lets the next fans in', async () => {
    const show = await roomShow(t, { maxInCheckout: 50, maxAdmissionsPerMinute: 600 }, await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 1 }));
    fakeClock(t);
    const fans = await joinMany(t.app, show.performanceId, 8, 'held');
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 3, 'three places: three fans let in, though checkout has room for 50');
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 0, 'the three let in may still take them');
    const token = (await status(t.app, fans[0]!.queueTicket)).accessToken;
    const held = await holdWith(t.app, show.performanceId, { seatIds: show.seats.map((s) => s.id), gaAreaId: show.gaAreaId, quantity: 1 }, token);
    assert.equal(held.statusCode, 201, held.body);
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 0, "everything is in one fan's hold");
    assert.equal((await status(t.app, fans[3]!.queueTicket)).state, 'waiting');
    assert.equal((await status(t.app, fans[3]!.queueTicket)).ticketsLeft, 0);

    const released = await t.app.inject({ method: 'DELETE', url: `/api/holds/${held.json().holdId}`, headers: holdAuth(held.json()) });
    assert.equal(released.statusCode, 204, released.body);
    // Two fans let in earlier have not held yet: of the three places back, one is for the next fan.
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 1);
    assert.equal((await status(t.app, fans[3]!.queueTicket)).state, 'admitted');
  });

  test('waiting room: pause stops admissions, resume restarts them, close ends the line; each audited', async () => {
    const show = await roomShow(t, { maxAdmissionsPerMinute: 600 });
    fakeClock(t);
    const fans = await joinMany(t.app, show.performanceId, 5, 'pause');
    const act = (action: string) => t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/queue/${action}`, headers: admin });
    assert.equal((await act('pause')).json().state, 'paused');
    assert.equal((await act('pause')).statusCode, 409);
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 0);
    assert.deepEqual([(await status(t.app, fans[0]!.queueTicket)).state, (await status(t.app, fans[0]!.queueTicket)).position], ['paused', 1]);
    assert.equal((await act('resume')).json().state, 'open');
    assert.equal((await t.ctx.waitingRoom.tick()).get(show.performanceId)?.admitted, 5);
    assert.equal((await act('close')).json().state, 'closed');
    assert.equal((await status(t.app, fans[4]!.queueTicket)).state, 'closed');
    const joining = await t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/queue`, headers: { 'x-queue-key': 'too-late-fan' } });
    assert.deepEqual([joining.statusCode, joining.json().error.code], [409, 'queue_closed']);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('subject_id', '=', show.performanceId)
      .where('action', 'in', ['waiting_room.paused', 'waiting_room.resumed', 'waiting_room.closed'])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => [a.action, a.data]),
      [
        ['waiting_room.paused', { from: 'open', to: 'paused' }],
        ['waiting_room.resumed', { from: 'paused', to: 'open' }],
        ['waiting_room.closed', { from: 'open', to: 'closed' }],
      ],
    );
  });
});

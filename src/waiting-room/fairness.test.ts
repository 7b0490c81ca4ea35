import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold } from '../../tests/helpers/fixtures.js';
import { fakeClock, holdWith, joinMany, roomView, status } from './waiting-room.fixtures.js';

describe('waiting room: the fair pre-queue', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('waiting room: the pre-queue order matches the published seed', async () => {
    const clock = fakeClock(t);
    const onSaleAt = clock.now + 10 * 60_000;
    const show = await createShow(t.app, { open: false });
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/performances/${show.performanceId}`,
      headers: admin,
      payload: { onSaleAt: new Date(onSaleAt).toISOString() },
    });
    assert.equal(patch.statusCode, 200, patch.body);

    // Before opening: only the commitment is public.
    const fairness = () => t.app.inject(`/api/performances/${show.performanceId}/queue/fairness`).then((r) => r.json());
    const committed = await fairness();
    assert.deepEqual(Object.keys(committed).sort(), ['algorithm', 'commitment', 'state']);
    assert.equal(committed.state, 'pre_queue');
    assert.match(committed.commitment, /^[0-9a-f]{64}$/);
    assert.equal(committed.algorithm, 'sha256(seed) commitment; rank = HMAC-SHA256(seed, ticketId) ascending');

    const fans = await joinMany(t.app, show.performanceId, 40, 'early');
    assert.ok(fans.every((f) => f.state === 'pre_queue'));
    const waiting = await status(t.app, fans[0]!.queueTicket);
    assert.equal(waiting.state, 'pre_queue');
    assert.equal(waiting.eta.low, 600, 'ten minutes to the draw');

    // The operator opens sales early: the room still waits for the on-sale time, and holds need a place.
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/open`, headers: admin })).statusCode, 200);
    await t.ctx.waitingRoom.tick();
    assert.equal((await status(t.app, fans[1]!.queueTicket)).state, 'pre_queue');
    const jumped = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(jumped.statusCode, 403);
    assert.equal(jumped.json().error.code, 'not_admitted');

    clock.set(onSaleAt - 1000);
    for (const fan of fans) await status(t.app, fan.queueTicket);
    clock.set(onSaleAt + 1000);
    await t.ctx.waitingRoom.tick();

    const revealed = await fairness();
    assert.equal(revealed.state, 'open');
    assert.equal(revealed.commitment, committed.commitment);
    assert.equal(createHash('sha256').update(Buffer.from(revealed.seed, 'hex')).digest('hex'), committed.commitment, 'the seed matches the commitment');
    assert.equal(revealed.entrants, 40);
    assert.ok(Date.parse(revealed.drawnAt) > 0);

    // Anyone can recompute the order from the seed and the ticket ids.
    const rank = (ticketId: string) => createHmac('sha256', Buffer.from(revealed.seed, 'hex')).update(ticketId).digest('hex');
    const expected = [...fans].sort((a, b) => (rank(a.ticketId) < rank(b.ticketId) ? -1 : 1));
    assert.notDeepEqual(
      expected.map((f) => f.key),
      fans.map((f) => f.key),
      'the draw is not the join order',
    );
    const { served } = await roomView(t.app, show.performanceId);
    assert.ok(served > 0 && served < 40, `served ${served}`);
    for (const [i, fan] of expected.entries()) {
      const answer = await status(t.app, fan.queueTicket);
      if (i < served) assert.equal(answer.state, 'admitted', `drawn ${i + 1}`);
      else assert.deepEqual([answer.state, answer.position], ['waiting', i + 1 - served], `drawn ${i + 1}`);
    }
    const firstDrawn = await status(t.app, expected[0]!.queueTicket);
    assert.equal((await holdWith(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 }, firstDrawn.accessToken)).statusCode, 201);

    // After opening, first come first served: a late joiner is behind everyone drawn.
    const [late] = await joinMany(t.app, show.performanceId, 1, 'late');
    assert.equal(late!.state, 'waiting');
    assert.equal((await status(t.app, late!.queueTicket)).position, 41 - served);
  });
});

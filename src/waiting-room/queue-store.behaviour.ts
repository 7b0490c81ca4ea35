import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FIRST_POLL_GRACE_MS } from './memory-room.js';
import type { QueueStore } from './queue-store.js';
import { roomConfig } from './waiting-room.fixtures.js';

/**
 * The queue store's behaviour, the same checks for every store (memory, one Redis, a Redis
 * Cluster): called from each store's test file. `apart` names two rooms for moving a line from
 * one to the other (a cluster's test gives two on different masters).
 */

const T0 = 1_800_000_000_000;
const id = () => randomBytes(8).toString('hex');
const fresh = (now: number) => ({ ticketId: id(), joinedAt: now });

export function describeQueueStore(
  name: string,
  make: () => Promise<QueueStore>,
  skip: string | false,
  apart: () => Promise<[string, string]> = async () => [id(), id()],
): void {
  describe(`queue store (${name})`, { skip }, () => {
    let store: QueueStore;
    before(async () => {
      store = await make();
    });
    after(async () => {
      await store?.close();
    });

    test(`queue store (${name}): one place per buyer, in order, and positions follow the counter`, async () => {
      const room = id();
      await store.configure(roomConfig(room));
      assert.equal(await store.join(id(), 'b', fresh(T0), T0), undefined, 'no such room');
      const a = (await store.join(room, 'buyer-a', fresh(T0), T0))!;
      const b = (await store.join(room, 'buyer-b', fresh(T0), T0))!;
      const again = (await store.join(room, 'buyer-a', fresh(T0 + 1), T0 + 1))!;
      assert.deepEqual([a.created, a.entry.place, b.entry.place, again.created], [true, 1, 2, false]);
      assert.deepEqual(again.entry, a.entry);
      const poll = (await store.poll(b.entry, T0 + 2))!;
      assert.deepEqual([poll.place, poll.state, poll.line.joined, poll.line.served, poll.line.config.performanceId], [2, 'waiting', 2, 0, room]);
      assert.equal((await store.poll({ ...b.entry, place: 9 }, T0))!.state, 'unknown');
      assert.equal(await store.poll({ ...b.entry, performanceId: id() }, T0), undefined);
    });

    test(`queue store (${name}): advance admits fans still polling, skips the gone, lapses the slow, counts the minute`, async () => {
      const room = id();
      await store.configure(roomConfig(room, { graceMs: 10_000, startLimitMs: 20_000 }));
      const fans = [];
      for (let i = 0; i < 4; i++) fans.push((await store.join(room, `k${i}`, fresh(T0), T0))!.entry);
      await store.poll(fans[0]!, T0); // then gone
      for (const fan of [fans[1]!, fans[2]!, fans[3]!]) await store.poll(fan, T0 + 15_000);
      const bucket = { tokens: 2.5, at: T0 + 15_000 };
      assert.deepEqual(await store.advance(room, 2, T0 + 15_000, bucket), { admitted: 2, skipped: 1 });
      assert.deepEqual((await store.counters(room, T0 + 15_000))!.bucket, { tokens: 0.5, at: T0 + 15_000 });
      assert.equal((await store.poll(fans[0]!, T0 + 15_000))!.state, 'skipped');
      const admitted = (await store.poll(fans[1]!, T0 + 16_000))!;
      assert.deepEqual([admitted.state, admitted.admittedAt], ['admitted', T0 + 15_000]);
      await store.startHold(room, 2, T0 + 16_000);
      await store.startHold(room, 4, T0 + 16_000);
      assert.equal((await store.poll(fans[1]!, T0 + 16_000))!.state, 'started');
      let c = (await store.counters(room, T0 + 16_000))!;
      assert.deepEqual([c.joined, c.served, c.pending, c.recentlyStarted, c.admittedLastMinute, c.admitted, c.started, c.skipped], [4, 3, 1, 1, 2, 2, 1, 1]);
      assert.equal(await store.lapse(room, T0 + 30_000), 0);
      assert.equal(await store.lapse(room, T0 + 35_000), 1);
      assert.equal((await store.poll(fans[2]!, T0 + 35_000))!.state, 'lapsed');
      c = (await store.counters(room, T0 + 80_000))!;
      assert.deepEqual([c.pending, c.recentlyStarted, c.admittedLastMinute, c.lapsed], [0, 0, 0, 1], 'a minute later the window is empty');
      const back = (await store.join(room, 'k0', fresh(T0 + 80_000), T0 + 80_000))!;
      assert.deepEqual([back.created, back.entry.place], [true, 5], 'a skipped fan joins again at the back');
      assert.equal((await store.join(room, 'k1', fresh(T0 + 80_000), T0 + 80_000))!.created, true, 'a started fan past the start limit is no longer live');
    });

    test(`queue store (${name}): only a place that has polled is admitted; the counter waits at one that has not, then skips it`, async () => {
      const room = id();
      await store.configure(roomConfig(room, { graceMs: 60_000 }));
      // A flood's joins that never ask for their status, then a fan whose page polls.
      for (let i = 0; i < 3; i++) await store.join(room, `junk${i}`, fresh(T0), T0);
      const fan = (await store.join(room, 'fan', fresh(T0), T0))!.entry;
      await store.poll(fan, T0 + 1_000);
      assert.deepEqual(
        await store.advance(room, 5, T0 + FIRST_POLL_GRACE_MS - 1_000),
        { admitted: 0, skipped: 0 },
        'waits at a young place that has not polled',
      );
      assert.deepEqual(
        await store.advance(room, 5, T0 + FIRST_POLL_GRACE_MS + 1_000),
        { admitted: 1, skipped: 3 },
        'then skips the never-polled and admits the fan',
      );
      assert.equal((await store.poll(fan, T0 + FIRST_POLL_GRACE_MS + 1_000))!.state, 'admitted');
      // A fan who polled once keeps the full grace period.
      const slow = (await store.join(room, 'slow', fresh(T0 + 20_000), T0 + 20_000))!.entry;
      await store.poll(slow, T0 + 21_000);
      assert.deepEqual(await store.advance(room, 1, T0 + 70_000), { admitted: 1, skipped: 0 });
    });

    test(`queue store (${name}): the pre-queue is drawn in the given order, once, and the room opens`, async () => {
      const room = id();
      await store.configure(roomConfig(room, { state: 'pre_queue' }));
      const pre = [];
      for (let i = 0; i < 5; i++) pre.push((await store.join(room, `p${i}`, fresh(T0), T0))!.entry);
      assert.ok(pre.every((e) => e.pre && e.place === 0));
      assert.deepEqual([(await store.poll(pre[0]!, T0))!.state, (await store.line(room))!.entrants], ['waiting', 5]);
      const order = (ids: string[]) => [...ids].sort();
      assert.equal(await store.draw(room, order, T0 + 1), 5);
      assert.equal(await store.draw(room, order, T0 + 2), 5, 'drawn once');
      const line = (await store.line(room))!;
      assert.deepEqual([line.drawn, line.config.state, line.joined, line.entrants], [true, 'open', 5, 5]);
      const sorted = order(pre.map((e) => e.ticketId));
      for (const entry of pre) assert.equal((await store.poll(entry, T0 + 3))!.place, sorted.indexOf(entry.ticketId) + 1);
      await store.configure(roomConfig(room, { state: 'pre_queue' }));
      assert.equal((await store.line(room))!.config.state, 'open', 'a drawn room never returns to the pre-queue');
      assert.equal((await store.join(room, 'p3', fresh(T0 + 4), T0 + 4))!.entry.ticketId, pre[3]!.ticketId);
      assert.equal((await store.join(room, 'late', fresh(T0 + 4), T0 + 4))!.entry.place, 6);
    });

    test(`queue store (${name}): moving the line keeps the order, and buyers keep one place`, async () => {
      const [from, to] = await apart();
      await store.configure(roomConfig(from));
      await store.configure(roomConfig(to));
      const fans = [];
      for (let i = 0; i < 6; i++) fans.push((await store.join(from, `m${i}`, fresh(T0), T0))!.entry);
      for (const fan of fans) await store.poll(fan, T0);
      await store.join(to, 'already-there', fresh(T0), T0);
      await store.advance(from, 2, T0);
      assert.deepEqual(await store.moveLine(from, to, T0), { moved: 4, shift: -1 });
      for (const [i, fan] of fans.entries()) {
        const poll = (await store.poll(fan, T0 + 1))!;
        if (i < 2) assert.deepEqual([poll.line.config.performanceId, poll.state], [from, 'admitted']);
        else assert.deepEqual([poll.line.config.performanceId, poll.place, poll.state], [to, i + 1 - 1, 'waiting']);
      }
      const same = (await store.join(to, 'm4', fresh(T0 + 2), T0 + 2))!;
      assert.deepEqual([same.created, same.entry], [false, fans[4]]);
      assert.equal((await store.join(to, 'newcomer', fresh(T0 + 2), T0 + 2))!.entry.place, 6);
      await assert.rejects(store.moveLine(from, id(), T0));
    });

    test(`queue store (${name}): one admitter at a time`, async () => {
      const room = id();
      await store.configure(roomConfig(room));
      let inside = 0;
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          store.exclusive(room, 1500, async () => {
            inside++;
            await new Promise((r) => setTimeout(r, 30));
            return inside;
          }),
        ),
      );
      assert.deepEqual(
        results.filter((r) => r !== undefined),
        [1],
      );
      assert.equal(await store.exclusive(room, 1500, async () => 'again'), 'again', 'released after the work');
    });
  });
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Times } from './memory-columns.js';
import { createMemoryStore } from './memory-store.js';
import type { QueueEntry } from './queue-store.js';
import { roomConfig } from './waiting-room.fixtures.js';

const T0 = 1_800_000_000_000;
const DAY = 86_400_000;
const ticketId = () => randomBytes(16).toString('hex');

test('memory columns: times in 4 bytes read back exactly, near the first one or far from it', () => {
  const times = new Times(4);
  const values = [T0, T0 + 1, T0 - 5_000, T0 + 30 * DAY, T0 - 40 * DAY, 0, 12.5, -3];
  times.resize(values.length);
  values.forEach((v, i) => times.set(i, v));
  assert.deepEqual(
    values.map((_, i) => times.get(i)),
    values,
  );
  times.set(3, T0 + 2);
  assert.equal(times.get(3), T0 + 2, 'a far value replaced by a near one');
  times.resize(20);
  assert.equal(times.get(15), 0, 'a row never written reads 0');
  const late = new Times(3);
  late.set(0, 0);
  late.set(1, T0);
  late.set(2, T0 + 7);
  assert.deepEqual([late.get(0), late.get(1), late.get(2)], [0, T0, T0 + 7], 'a 0 written first is not taken as the base');
});

test('memory store: 5,000 buyers keep one place each through the tables growing', async () => {
  const store = createMemoryStore();
  const room = randomBytes(8).toString('hex');
  await store.configure(roomConfig(room));
  const first: QueueEntry[] = [];
  for (let i = 0; i < 5000; i++) first.push((await store.join(room, `d:buyer-${i}`, { ticketId: ticketId(), joinedAt: T0 + i }, T0 + i))!.entry);
  assert.deepEqual(
    first.map((e) => e.place),
    first.map((_, i) => i + 1),
  );
  for (let i = 0; i < 5000; i += 7) {
    const again = (await store.join(room, `d:buyer-${i}`, { ticketId: ticketId(), joinedAt: T0 + 9_000 }, T0 + 9_000))!;
    assert.equal(again.created, false);
    assert.deepEqual(again.entry, first[i]);
  }
  const poll = (await store.poll(first[4321]!, T0 + 10_000))!;
  assert.deepEqual([poll.place, poll.state, poll.line.joined], [4322, 'waiting', 5000]);
});

test('memory store: a large pre-queue is drawn in the given order; its tickets and buyers follow their drawn places', async () => {
  const store = createMemoryStore();
  const room = randomBytes(8).toString('hex');
  await store.configure(roomConfig(room, { state: 'pre_queue' }));
  const pre: QueueEntry[] = [];
  for (let i = 0; i < 3000; i++) pre.push((await store.join(room, `d:pre-${i}`, { ticketId: ticketId(), joinedAt: T0 + i }, T0 + i))!.entry);
  await store.poll(pre[10]!, T0 + 5_000);
  assert.equal((await store.line(room))!.entrants, 3000);
  assert.equal(await store.draw(room, (ids) => [...ids].reverse(), T0 + 6_000), 3000);
  for (const i of [0, 10, 1500, 2999]) {
    const poll = (await store.poll(pre[i]!, T0 + 7_000))!;
    assert.deepEqual([poll.place, poll.state], [3000 - i, 'waiting']);
    const again = (await store.join(room, `d:pre-${i}`, { ticketId: ticketId(), joinedAt: T0 + 8_000 }, T0 + 8_000))!;
    assert.deepEqual([again.created, again.entry], [false, pre[i]]);
  }
  assert.equal((await store.poll({ ...pre[0]!, ticketId: ticketId() }, T0))!.state, 'unknown', 'a ticket id never in the pre-queue');
});

test('memory store: a line moved twice still gives its buyers their first tickets, and times far apart stay exact', async () => {
  const store = createMemoryStore();
  const [a, b, c] = [0, 1, 2].map(() => randomBytes(8).toString('hex')) as [string, string, string];
  for (const room of [a, b, c]) await store.configure(roomConfig(room, { graceMs: 60 * DAY }));
  const fans: QueueEntry[] = [];
  for (let i = 0; i < 4; i++) fans.push((await store.join(a, `d:m${i}`, { ticketId: ticketId(), joinedAt: T0 + i * 10 * DAY }, T0 + i * 10 * DAY))!.entry);
  for (const fan of fans) await store.poll(fan, T0 + 35 * DAY);
  await store.join(c, 'd:m3', { ticketId: ticketId(), joinedAt: T0 }, T0);
  assert.deepEqual(await store.advance(a, 1, T0 + 35 * DAY), { admitted: 1, skipped: 0 });
  assert.equal((await store.poll(fans[0]!, T0 + 35 * DAY))!.admittedAt, T0 + 35 * DAY);
  assert.deepEqual(await store.moveLine(a, b, T0 + 36 * DAY), { moved: 3, shift: -1 });
  assert.deepEqual(await store.moveLine(b, c, T0 + 37 * DAY), { moved: 3, shift: 1 });
  for (const i of [1, 2]) {
    const again = (await store.join(c, `d:m${i}`, { ticketId: ticketId(), joinedAt: T0 + 38 * DAY }, T0 + 38 * DAY))!;
    assert.deepEqual([again.created, again.entry], [false, fans[i]]);
    assert.deepEqual([(await store.poll(fans[i]!, T0 + 38 * DAY))!.line.config.performanceId], [c]);
  }
  const own = (await store.join(c, 'd:m3', { ticketId: ticketId(), joinedAt: T0 + 38 * DAY }, T0 + 38 * DAY))!;
  assert.deepEqual([own.created, own.entry.performanceId, own.entry.place], [false, c, 1], 'a buyer already in the line keeps its own place');
});

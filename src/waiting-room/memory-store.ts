import { buyerDigest, FROM_PRE } from './memory-columns.js';
import { MemoryRoom } from './memory-room.js';
import type { Poll, QueueEntry, QueueStore, RoomLine } from './queue-store.js';

/**
 * The single-node queue store: every line in this process's memory. A restart loses the lines
 * (tickets still verify, but their places are unknown and answer `expired`); several processes
 * need the Redis store to share one line.
 */
export function createMemoryStore(): QueueStore {
  const rooms = new Map<string, MemoryRoom>();
  const admitting = new Set<string>();
  const room = (id: string) => rooms.get(id);
  const line = (r: MemoryRoom): RoomLine => ({
    config: r.config,
    figures: r.figures,
    joined: r.joined,
    served: r.served,
    entrants: r.drawn ? r.entrants : r.preCount,
    drawn: r.drawn,
  });

  /**
   * Where a ticket's place is now: in its own room, or, past the counter of a moved line, in the
   * room it moved to. `row` is the pre-queue row of an undrawn pre-queue ticket (place 0).
   */
  function resolve(entry: QueueEntry): { r: MemoryRoom; place: number; row: number } | undefined {
    let r = room(entry.performanceId);
    if (!r) return undefined;
    let place = entry.place;
    if (entry.pre) {
      const v = r.preTicket(entry.ticketId);
      if (!r.drawn) return v < 0 ? { r, place: 0, row: -v - 1 } : undefined;
      if (v <= 0) return undefined;
      place = v;
    }
    for (let hops = 0; r.moved && place > r.moved.served && hops < 8; hops++) {
      const next = room(r.moved.to);
      if (!next) return undefined;
      place += r.moved.shift;
      r = next;
    }
    return { r, place, row: -1 };
  }

  /**
   * The entry a buyer table's value stands for, as its ticket says it: a place that came with a
   * moved line is the entry of the room it came from.
   */
  function entryOf(r: MemoryRoom, value: number, hops = 0): QueueEntry | undefined {
    const performanceId = r.config.performanceId;
    if (value < 0) {
      if (r.drawn) return undefined;
      const row = -value - 1;
      return { performanceId, ticketId: r.pre.ticketId(row), place: 0, joinedAt: r.pre.joinedAt(row), pre: true };
    }
    const came = r.movedIn.find((m) => value >= m.first && value <= m.last);
    if (came) {
      const from = room(came.from);
      return from && hops < 8 ? entryOf(from, value - came.shift, hops + 1) : undefined;
    }
    const pre = (r.places.flags[value]! & FROM_PRE) !== 0;
    return { performanceId, ticketId: r.places.ticketId(value), place: pre ? 0 : value, joinedAt: r.places.joinedAt(value), pre };
  }

  function isLive(entry: QueueEntry, now: number): boolean {
    const at = resolve(entry);
    if (!at) return false;
    if (at.place === 0) return true;
    const state = at.r.placeState(at.place);
    return state === 'waiting' || state === 'admitted' || (state === 'started' && now - at.r.admittedAtOf(at.place) < at.r.config.startLimitMs);
  }

  return {
    async configure(config) {
      const r = room(config.performanceId);
      if (!r) {
        rooms.set(config.performanceId, new MemoryRoom(config));
        return;
      }
      r.config = r.drawn && config.state === 'pre_queue' ? { ...config, state: 'open' } : config;
    },
    async line(performanceId) {
      const r = room(performanceId);
      return r && line(r);
    },
    async publish(performanceId, figures) {
      const r = room(performanceId);
      if (r) r.figures = figures;
    },
    async join(performanceId, buyerKey, fresh, now) {
      const r = room(performanceId);
      if (!r) return undefined;
      const digest = buyerDigest(buyerKey);
      const value = r.buyer(digest);
      const known = value === 0 ? undefined : entryOf(r, value);
      if (known && isLive(known, now)) return { entry: known, created: false };
      const pre = !r.drawn && r.config.state === 'pre_queue';
      const entry: QueueEntry = { performanceId, ticketId: fresh.ticketId, joinedAt: fresh.joinedAt, pre, place: 0 };
      if (pre) {
        r.setBuyer(digest, r.joinPre(digest, fresh.ticketId, fresh.joinedAt, now));
      } else {
        // Negated: not yet polled (FIRST_POLL_GRACE_MS).
        entry.place = r.append(-now);
        r.places.write(entry.place, digest, fresh.ticketId, fresh.joinedAt, r.places.flags[entry.place]!);
        r.setBuyer(digest, entry.place);
      }
      return { entry, created: true };
    },
    poll(entry, now): Poll | undefined {
      const at = resolve(entry);
      if (!at) return room(entry.performanceId) ? { line: line(room(entry.performanceId)!), place: entry.place, state: 'unknown', admittedAt: 0 } : undefined;
      if (at.place === 0) {
        at.r.pre.setLastSeen(at.row, now);
        return { line: line(at.r), place: 0, state: 'waiting', admittedAt: 0 };
      }
      at.r.seen(at.place, now);
      return { line: line(at.r), place: at.place, state: at.r.placeState(at.place), admittedAt: at.r.admittedAtOf(at.place) };
    },
    async draw(performanceId, order) {
      const r = room(performanceId);
      if (!r) throw new Error(`no line for ${performanceId}`);
      if (r.drawn) return r.entrants;
      const ids: string[] = [];
      for (let row = 0; row < r.preCount; row++) ids.push(r.pre.ticketId(row));
      const drawn = r.draw(order(ids));
      if (r.config.state === 'pre_queue') r.config = { ...r.config, state: 'open' };
      return drawn;
    },
    async lapse(performanceId, now) {
      return room(performanceId)?.lapse(now) ?? 0;
    },
    async advance(performanceId, admissions, now, bucket) {
      const r = room(performanceId);
      if (!r) return { admitted: 0, skipped: 0 };
      const result = r.advance(admissions, now);
      if (bucket) r.bucket = { tokens: bucket.tokens - result.admitted, at: bucket.at };
      return result;
    },
    async exclusive(performanceId, _ttlMs, work) {
      // One process: only overlapping ticks of this process can collide.
      if (admitting.has(performanceId)) return undefined;
      admitting.add(performanceId);
      try {
        return await work();
      } finally {
        admitting.delete(performanceId);
      }
    },
    async ready() {},
    async close() {},
    async startHold(performanceId, place, now) {
      room(performanceId)?.startHold(place, now);
    },
    async counters(performanceId, now) {
      return room(performanceId)?.counters(now);
    },
    async moveLine(from, to) {
      const a = room(from);
      const b = room(to);
      if (!a || !b) throw new Error('both lines must be loaded to move one into the other');
      if (!a.drawn && a.preCount > 0) throw new Error('draw the pre-queue before moving the line');
      // Asked again (a retry after the operator's move failed later on): the line went already.
      if (a.moved?.to === to) return { moved: a.joined - a.moved.served, shift: a.moved.shift };
      const shift = b.joined - a.served;
      const moved = a.joined - a.served;
      for (let place = a.served + 1; place <= a.joined; place++) {
        const there = b.append(a.lastSeenAt(place));
        b.places.copy(a.places, place, there, (a.places.flags[place]! & FROM_PRE) | (b.places.flags[there]! & ~FROM_PRE));
      }
      if (moved > 0) b.movedIn.push({ from, first: a.served + 1 + shift, last: a.joined + shift, shift });
      a.moved = { to, served: a.served, shift };
      // A buyer still waiting keeps one place: joining the new performance returns the old ticket.
      // Every place past the counter is waiting; the buyer's own is the one a's table names.
      for (let place = a.served + 1; place <= a.joined; place++) {
        const digest = a.places.digestOf(place);
        if (a.buyer(digest) === place && b.buyer(digest) === 0) b.setBuyer(digest, place + shift);
      }
      return { moved, shift };
    },
  };
}

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
    entrants: r.drawn ? r.entrants : r.preQueue.size,
    drawn: r.drawn,
  });

  /** Where a ticket's place is now: in its own room, or, past the counter of a moved line, in the room it moved to. */
  function resolve(entry: QueueEntry): { r: MemoryRoom; place: number } | undefined {
    let r = room(entry.performanceId);
    if (!r) return undefined;
    let place = entry.place;
    if (entry.pre) {
      if (!r.drawn) return r.preQueue.has(entry.ticketId) ? { r, place: 0 } : undefined;
      const drawn = r.ranks.get(entry.ticketId);
      if (drawn === undefined) return undefined;
      place = drawn;
    }
    for (let hops = 0; r.moved && place > r.moved.served && hops < 8; hops++) {
      const next = room(r.moved.to);
      if (!next) return undefined;
      place += r.moved.shift;
      r = next;
    }
    return { r, place };
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
      const known = r.buyers.get(buyerKey);
      if (known && isLive(known, now)) return { entry: known, created: false };
      const pre = !r.drawn && r.config.state === 'pre_queue';
      const entry: QueueEntry = { performanceId, ticketId: fresh.ticketId, joinedAt: fresh.joinedAt, pre, place: 0 };
      // Negated: not yet polled (FIRST_POLL_GRACE_MS).
      if (pre) r.preQueue.set(fresh.ticketId, -now);
      else entry.place = r.append(-now);
      r.buyers.set(buyerKey, entry);
      return { entry, created: true };
    },
    poll(entry, now): Poll | undefined {
      const at = resolve(entry);
      if (!at) return room(entry.performanceId) ? { line: line(room(entry.performanceId)!), place: entry.place, state: 'unknown', admittedAt: 0 } : undefined;
      if (at.place === 0) at.r.preQueue.set(entry.ticketId, now);
      else at.r.seen(at.place, now);
      return { line: line(at.r), place: at.place, state: at.place === 0 ? 'waiting' : at.r.placeState(at.place), admittedAt: at.r.admittedAtOf(at.place) };
    },
    async draw(performanceId, order) {
      const r = room(performanceId);
      if (!r) throw new Error(`no line for ${performanceId}`);
      if (r.drawn) return r.entrants;
      const drawn = r.draw(order([...r.preQueue.keys()]));
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
    async moveLine(from, to, now) {
      const a = room(from);
      const b = room(to);
      if (!a || !b) throw new Error('both lines must be loaded to move one into the other');
      if (!a.drawn && a.preQueue.size > 0) throw new Error('draw the pre-queue before moving the line');
      const shift = b.joined - a.served;
      const moved = a.joined - a.served;
      for (let place = a.served + 1; place <= a.joined; place++) b.append(a.lastSeenAt(place));
      a.moved = { to, served: a.served, shift };
      // A buyer still waiting keeps one place: joining the new performance returns the old ticket.
      for (const [key, entry] of a.buyers) {
        if (!b.buyers.has(key) && resolve(entry)?.r === b && isLive(entry, now)) b.buyers.set(key, entry);
      }
      return { moved, shift };
    },
  };
}

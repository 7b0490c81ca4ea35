import { FROM_PRE, Rows, STATE_BITS, Table, ticketHash, UNPOLLED } from './memory-columns.js';
import type { Bucket, PlaceState, RoomConfig, RoomCounters, RoomFigures } from './queue-store.js';

const STATES: PlaceState[] = ['waiting', 'admitted', 'started', 'skipped', 'lapsed'];
const [_WAITING, ADMITTED, STARTED, SKIPPED, LAPSED] = [0, 1, 2, 3, 4];
/** A hold made this recently may not be in the tick's count of active holds yet. */
export const RECENT_START_MS = 5_000;
/**
 * Only a place that has asked for its status since joining is admitted: a fan's queue page asks at
 * once, a script that only joins never does. The counter waits at a place that has not asked yet
 * for up to this long, then skips it. Without this, joins made by a flood before shield mode
 * engaged would sit at the head of the line and take every checkout slot until the start limit.
 */
export const FIRST_POLL_GRACE_MS = 15_000;
/** Bounds the work of one tick when a long stretch of the line has gone away. */
const MAX_STEPS_PER_ADVANCE = 100_000;

/**
 * One performance's line in memory. Per place, a row of typed arrays (`memory-columns.ts`): the
 * entry that holds it (buyer digest, ticket id, joined at), last seen (admitted at once the counter
 * has passed it) and state, about 37 bytes; buyers and pre-queue tickets are found through hash
 * tables of 4-byte slots. No object or string per fan: a million fans cost about 45 MB, and
 * everything a status answer or a join needs is O(1).
 */
export class MemoryRoom {
  joined = 0;
  served = 0;
  drawn = false;
  entrants = 0;
  figures: RoomFigures;
  /** Rows by place (row 0 unused). */
  readonly places = new Rows();
  /** The pre-queue's rows in the order they joined, until the draw. */
  pre = new Rows(16);
  preCount = 0;
  /** Buyer digest -> its entry's place, or -(pre row + 1) before the draw. */
  readonly buyers: Table;
  /** Pre-queue ticket id -> -(pre row + 1) before the draw, its drawn place after. */
  readonly tickets: Table;
  /** Places of this room that came from another room's moved line: place here = place there + shift. */
  readonly movedIn: { from: string; first: number; last: number; shift: number }[] = [];
  /** Admitted, no hold yet: place -> admitted at. Made a hold lately: place -> started at. */
  readonly pending = new Map<number, number>();
  readonly recent = new Map<number, number>();
  moved?: { to: string; served: number; shift: number };
  bucket?: Bucket;
  totals = { admitted: 0, started: 0, skipped: 0, lapsed: 0 };
  private window = new Int32Array(60);
  private windowSecond = new Float64Array(60);

  constructor(public config: RoomConfig) {
    this.figures = { ticketsLeft: 0, admissionsPerMinute: 0, allowedPerMinute: config.maxAdmissionsPerMinute, activeInCheckout: 0, updatedAt: 0 };
    this.buyers = new Table((v) => (v > 0 ? this.places.digestHash(v) : this.pre.digestHash(-v - 1)));
    this.tickets = new Table((v) => (v > 0 ? this.places.ticketHash(v) : this.pre.ticketHash(-v - 1)));
  }

  /** The place (or -(pre row + 1)) of the buyer with this digest, 0 if none. */
  buyer(digest: Uint32Array): number {
    return this.buyers.get(digest[0]!, (v) => (v > 0 ? this.places.hasDigest(v, digest) : this.pre.hasDigest(-v - 1, digest)));
  }

  setBuyer(digest: Uint32Array, value: number): void {
    this.buyers.put(digest[0]!, (v) => (v > 0 ? this.places.hasDigest(v, digest) : this.pre.hasDigest(-v - 1, digest)), value);
  }

  /** A pre-queue ticket: -(pre row + 1) before the draw, its place after, 0 if unknown. */
  preTicket(ticketId: string): number {
    return this.tickets.get(ticketHash(ticketId), (v) => (v > 0 ? this.places.hasTicket(v, ticketId) : this.pre.hasTicket(-v - 1, ticketId)));
  }

  /** Hands out the next place; `seen` starts the grace period (negated: not polled yet, see FIRST_POLL_GRACE_MS). */
  append(seen: number): number {
    const place = ++this.joined;
    this.places.ensure(place);
    this.places.flags[place] = 0;
    this.places.setLastSeen(place, seen);
    return place;
  }

  /** A new pre-queue entry; returns -(row + 1), as the tables hold it. */
  joinPre(digest: Uint32Array, ticketId: string, joinedAt: number, now: number): number {
    const row = this.preCount++;
    this.pre.ensure(row);
    this.pre.write(row, digest, ticketId, joinedAt, 0);
    this.pre.setLastSeen(row, -now);
    const value = -row - 1;
    this.tickets.put(ticketHash(ticketId), () => false, value);
    return value;
  }

  /** Records a poll. Only a place the counter has not reached needs it: past it, the time column holds admitted at. */
  seen(place: number, now: number): void {
    if (place > this.served && place <= this.joined) this.places.setLastSeen(place, now);
  }

  lastSeenAt(place: number): number {
    return place >= 1 && place <= this.joined ? this.places.lastSeen(place) : 0;
  }

  placeState(place: number): PlaceState {
    return place >= 1 && place <= this.joined ? STATES[this.places.flags[place]! & STATE_BITS]! : 'unknown';
  }

  admittedAtOf(place: number): number {
    if (place < 1 || place > this.served) return 0;
    const state = this.places.flags[place]! & STATE_BITS;
    return state === ADMITTED || state === STARTED || state === LAPSED ? this.places.time.get(place) : 0;
  }

  private setState(place: number, state: number): void {
    this.places.flags[place] = (this.places.flags[place]! & ~STATE_BITS) | state;
  }

  /** Gives the pre-queue's tickets, ranked by `ordered`, the next places; tickets it does not name get none. */
  draw(ordered: string[]): number {
    let drawn = 0;
    for (const ticketId of ordered) {
      const v = this.preTicket(ticketId);
      if (v >= 0) continue;
      const row = -v - 1;
      const place = this.append(this.pre.lastSeen(row));
      this.places.copy(this.pre, row, place, FROM_PRE | (this.places.flags[place]! & UNPOLLED));
      this.tickets.put(ticketHash(ticketId), (x) => x === v, place);
      // The buyer's own entry moves with it; a buyer whose table names another entry keeps that.
      if (this.buyers.get(this.pre.digestHash(row), (x) => x === v) === v) this.buyers.put(this.pre.digestHash(row), (x) => x === v, place);
      drawn++;
    }
    this.entrants = drawn;
    this.drawn = true;
    this.preCount = 0;
    this.pre = new Rows(1);
    return drawn;
  }

  /** Ends admissions past the start limit without a hold, freeing their checkout slots. */
  lapse(now: number): number {
    let lapsed = 0;
    for (const [place, at] of this.pending) {
      if (now - at < this.config.startLimitMs) continue;
      this.pending.delete(place);
      this.setState(place, LAPSED);
      lapsed++;
    }
    for (const [place, at] of this.recent) if (now - at >= RECENT_START_MS) this.recent.delete(place);
    this.totals.lapsed += lapsed;
    return lapsed;
  }

  advance(admissions: number, now: number): { admitted: number; skipped: number } {
    let admitted = 0;
    let skipped = 0;
    for (let steps = 0; admitted < admissions && this.served < this.joined && steps < MAX_STEPS_PER_ADVANCE; steps++) {
      const place = this.served + 1;
      const last = this.places.lastSeen(place);
      // Never polled and still young: not admitted yet, and the counter waits here (see FIRST_POLL_GRACE_MS).
      if (last < 0 && now + last <= FIRST_POLL_GRACE_MS) break;
      this.served = place;
      if (last < 0 || now - last > this.config.graceMs) {
        this.setState(place, SKIPPED);
        skipped++;
        continue;
      }
      this.setState(place, ADMITTED);
      this.places.setLastSeen(place, now); // from here on: admitted at
      this.pending.set(place, now);
      admitted++;
    }
    this.count(now, admitted);
    this.totals.admitted += admitted;
    this.totals.skipped += skipped;
    return { admitted, skipped };
  }

  startHold(place: number, now: number): void {
    if (this.placeState(place) !== 'admitted') return;
    this.setState(place, STARTED);
    this.pending.delete(place);
    this.recent.set(place, now);
    this.totals.started++;
  }

  /** Admissions per second over the last minute, in a ring of 60 slots. */
  private count(now: number, n: number): void {
    const second = Math.floor(now / 1000);
    const slot = second % 60;
    if (this.windowSecond[slot] !== second) {
      this.windowSecond[slot] = second;
      this.window[slot] = 0;
    }
    this.window[slot]! += n;
  }

  admittedLastMinute(now: number): number {
    const second = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < 60; i++) if (second - this.windowSecond[i]! < 60) sum += this.window[i]!;
    return sum;
  }

  counters(now: number): RoomCounters {
    return {
      joined: this.joined,
      served: this.served,
      entrants: this.drawn ? this.entrants : this.preCount,
      pending: this.pending.size,
      recentlyStarted: [...this.recent.values()].filter((at) => now - at < RECENT_START_MS).length,
      admittedLastMinute: this.admittedLastMinute(now),
      ...this.totals,
      bucket: this.bucket,
    };
  }
}

import type { Bucket, PlaceState, QueueEntry, RoomConfig, RoomCounters, RoomFigures } from './queue-store.js';

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
 * One performance's line in memory. Per place: last seen, admitted at and state in typed arrays
 * indexed by place (17 bytes a place, so a million fans cost ~17 MB); everything a status answer
 * or a join needs is O(1).
 */
export class MemoryRoom {
  joined = 0;
  served = 0;
  drawn = false;
  entrants = 0;
  figures: RoomFigures;
  /** Pre-queue ticket id -> last seen, until the draw; then ticket id -> drawn place. */
  readonly preQueue = new Map<string, number>();
  readonly ranks = new Map<string, number>();
  readonly buyers = new Map<string, QueueEntry>();
  /** Admitted, no hold yet: place -> admitted at. Made a hold lately: place -> started at. */
  readonly pending = new Map<number, number>();
  readonly recent = new Map<number, number>();
  moved?: { to: string; served: number; shift: number };
  bucket?: Bucket;
  totals = { admitted: 0, started: 0, skipped: 0, lapsed: 0 };
  private lastSeen = new Float64Array(1024);
  private admittedAt = new Float64Array(1024);
  private state = new Uint8Array(1024);
  private window = new Int32Array(60);
  private windowSecond = new Float64Array(60);

  constructor(public config: RoomConfig) {
    this.figures = { ticketsLeft: 0, admissionsPerMinute: 0, allowedPerMinute: config.maxAdmissionsPerMinute, activeInCheckout: 0, updatedAt: 0 };
  }

  private grow(place: number): void {
    if (place < this.state.length) return;
    const size = Math.max(place + 1, this.state.length * 2);
    const grown = <T extends Float64Array | Uint8Array>(old: T, make: (n: number) => T) => {
      const a = make(size);
      a.set(old);
      return a;
    };
    this.lastSeen = grown(this.lastSeen, (n) => new Float64Array(n));
    this.admittedAt = grown(this.admittedAt, (n) => new Float64Array(n));
    this.state = grown(this.state, (n) => new Uint8Array(n));
  }

  /**
   * Hands out the next place; `seen` starts the grace period. Last-seen times are stored
   * negated until the first status poll (see FIRST_POLL_GRACE_MS).
   */
  append(seen: number): number {
    const place = ++this.joined;
    this.grow(place);
    this.lastSeen[place] = seen;
    return place;
  }

  seen(place: number, now: number): void {
    if (place >= 1 && place <= this.joined) this.lastSeen[place] = now;
  }

  lastSeenAt(place: number): number {
    return this.lastSeen[place] ?? 0;
  }

  placeState(place: number): PlaceState {
    return place >= 1 && place <= this.joined ? STATES[this.state[place]!]! : 'unknown';
  }

  admittedAtOf(place: number): number {
    return this.admittedAt[place] ?? 0;
  }

  draw(ordered: string[]): number {
    for (const ticketId of ordered) this.ranks.set(ticketId, this.append(this.preQueue.get(ticketId) ?? 0));
    this.entrants = ordered.length;
    this.preQueue.clear();
    this.drawn = true;
    return ordered.length;
  }

  /** Ends admissions past the start limit without a hold, freeing their checkout slots. */
  lapse(now: number): number {
    let lapsed = 0;
    for (const [place, at] of this.pending) {
      if (now - at < this.config.startLimitMs) continue;
      this.pending.delete(place);
      this.state[place] = LAPSED;
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
      const last = this.lastSeen[place]!;
      // Never polled and still young: not admitted yet, and the counter waits here (see FIRST_POLL_GRACE_MS).
      if (last < 0 && now + last <= FIRST_POLL_GRACE_MS) break;
      this.served = place;
      if (last < 0 || now - last > this.config.graceMs) {
        this.state[place] = SKIPPED;
        skipped++;
        continue;
      }
      this.state[place] = ADMITTED;
      this.admittedAt[place] = now;
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
    this.state[place] = STARTED;
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
      entrants: this.drawn ? this.entrants : this.preQueue.size,
      pending: this.pending.size,
      recentlyStarted: [...this.recent.values()].filter((at) => now - at < RECENT_START_MS).length,
      admittedLastMinute: this.admittedLastMinute(now),
      ...this.totals,
      bucket: this.bucket,
    };
  }
}

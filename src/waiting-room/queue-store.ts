import type { PerformanceStatus, WaitingRoomState } from '../platform/database.types.js';
import { AppError } from '../platform/errors.js';

/**
 * Where the line lives: counters, places, who was seen when. Everything the status path reads
 * comes from here, never from PostgreSQL. The single-node default is `memory-store.ts`; a Redis
 * store (for several processes sharing one line) implements the same interface, each method one
 * atomic round trip (a Lua script), which is why every method is async and why the operations
 * that must not interleave (join, draw, advance, move) are single calls rather than read-then-write.
 */
export type RoomState = WaitingRoomState;

/** A room's settings as PostgreSQL has them, copied in by the tick and by operator actions. */
export interface RoomConfig {
  performanceId: string;
  enabled: boolean;
  state: RoomState;
  salesStatus: PerformanceStatus;
  onSaleAt: number | null;
  maxInCheckout: number;
  maxAdmissionsPerMinute: number;
  graceMs: number;
  startLimitMs: number;
  movedTo: string | null;
}

/** The shared part of every status answer, recomputed once per tick. */
export interface RoomFigures {
  ticketsLeft: number;
  /** Admitted in the last 60 seconds. */
  admissionsPerMinute: number;
  /** What the controller allows right now: the operator's bound scaled by the process's health. */
  allowedPerMinute: number;
  activeInCheckout: number;
  updatedAt: number;
}

/** What a queue ticket says. `place` is 0 for a pre-queue ticket, whose place is drawn at opening. */
export interface QueueEntry {
  performanceId: string;
  ticketId: string;
  place: number;
  joinedAt: number;
  pre: boolean;
}

/**
 * - `waiting`: not reached yet (or in the pre-queue);
 * - `admitted`: reached, may start a hold until the start limit;
 * - `started`: made a hold with the access token;
 * - `skipped`: had stopped polling when the counter reached it;
 * - `lapsed`: admitted but made no hold within the start limit;
 * - `unknown`: a genuine ticket this store has no record of (a lost in-memory line).
 */
export type PlaceState = 'waiting' | 'admitted' | 'started' | 'skipped' | 'lapsed' | 'unknown';

export interface RoomLine {
  config: RoomConfig;
  figures: RoomFigures;
  /** The last place handed out. */
  joined: number;
  /** The serving counter: every place up to it was admitted or skipped. */
  served: number;
  /** Tickets in the pre-queue before the draw; the number drawn after it. */
  entrants: number;
  drawn: boolean;
}

export interface Poll {
  /** The room the place is in now: another performance's after the operator moved the line. */
  line: RoomLine;
  place: number;
  state: PlaceState;
  admittedAt: number;
}

export interface RoomCounters {
  joined: number;
  served: number;
  entrants: number;
  /** Admitted, no hold yet, within the start limit. */
  pending: number;
  /** Made a hold in the last few seconds: counted here too, in case the holds count missed it. */
  recentlyStarted: number;
  admittedLastMinute: number;
  admitted: number;
  started: number;
  skipped: number;
  lapsed: number;
  /** The admission token bucket as the last tick left it (shared by every process on a shared store). */
  bucket?: Bucket;
}

/** Admissions allowed but not yet used: at most one second's worth; see `admissionBudget`. */
export interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The store cannot be reached (Redis down): fail closed. Status and joins answer 503 with
 * Retry-After; the tick admits nobody; fans keep their signed tickets and their places.
 */
export const queueUnavailable = () => new AppError('queue_unavailable', 503, 'The line is unavailable for a moment; retry in a second', { retryAfter: 1 });
export const isQueueUnavailable = (error: unknown) => error instanceof AppError && error.code === 'queue_unavailable';

export interface QueueStore {
  /** Creates the room's line if it is new and replaces its settings. A drawn room never returns to the pre-queue. */
  configure(config: RoomConfig): Promise<void>;
  line(performanceId: string): Promise<RoomLine | undefined>;
  publish(performanceId: string, figures: RoomFigures): Promise<void>;
  /**
   * One place per buyer: the buyer's live entry if there is one, else `fresh` with the next place
   * (or in the pre-queue before the draw). Undefined when the store has no such room.
   */
  join(
    performanceId: string,
    buyerKey: string,
    fresh: { ticketId: string; joinedAt: number },
    now: number,
  ): Promise<{ entry: QueueEntry; created: boolean } | undefined>;
  /**
   * Resolves a ticket to its place (following a moved line) and records that the fan was seen.
   * The memory store answers at once, without a promise (this is the hottest call of an on-sale).
   */
  poll(entry: QueueEntry, now: number): Poll | undefined | Promise<Poll | undefined>;
  /** Closes the pre-queue: `order` ranks its ticket ids; they get the next places in that order. Returns how many. */
  draw(performanceId: string, order: (ticketIds: string[]) => string[], now: number): Promise<number>;
  /** Ends admissions that made no hold within the start limit; returns how many. */
  lapse(performanceId: string, now: number): Promise<number>;
  /** Moves the counter over at most `admissions` fans still polling, skipping those past the grace period; keeps `bucket`, less the fans admitted, for the next tick. */
  advance(performanceId: string, admissions: number, now: number, bucket?: Bucket): Promise<{ admitted: number; skipped: number }>;
  /**
   * Runs `work` as the room's only admitter: across processes on a shared store, one at a time
   * (a lock that lapses after `ttlMs` if its holder dies). Undefined when another holds it.
   */
  exclusive<T>(performanceId: string, ttlMs: number, work: () => Promise<T>): Promise<T | undefined>;
  /** Waits until the store can answer (connected); the memory store always can. */
  ready(): Promise<void>;
  close(): Promise<void>;
  /** An admitted fan made a hold: its slot is now counted by the holds. */
  startHold(performanceId: string, place: number, now: number): Promise<void>;
  counters(performanceId: string, now: number): Promise<RoomCounters | undefined>;
  /** Appends the waiting part of `from`'s line to `to`'s, in order; old tickets resolve to their new places. */
  moveLine(from: string, to: string, now: number): Promise<{ moved: number; shift: number }>;
}

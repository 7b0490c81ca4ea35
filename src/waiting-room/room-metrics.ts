import type { LoadReading } from './load-signal.js';
import type { RoomLine } from './queue-store.js';
import { roomState } from './status.js';
import type { WaitingRoom } from './waiting-room.js';

/**
 * What holds a room's admissions back right now:
 * - `not_open`: the room lets nobody through (before the sale, paused, sold out, closed);
 * - `none`: nobody is waiting;
 * - `tickets_held`: nothing is left to sell but what fans hold, so nobody is let in to find
 *   nothing; a hold that lapses lets the next fans in;
 * - `checkout_full`: as many fans are in checkout as the room allows;
 * - `checkout_errors` / `checkout_latency`: checkout is failing or slow, and the load signal
 *   scales the rate down (load-signal.ts);
 * - `operator_rate`: the operator's admissions per minute.
 */
export type LimitingSignal = 'not_open' | 'none' | 'tickets_held' | 'checkout_full' | 'checkout_errors' | 'checkout_latency' | 'operator_rate';

export interface RoomReading {
  performanceId: string;
  /** Fans in line: the pre-queue before the draw, then those not yet reached. */
  waiting: number;
  admissionsPerMinute: number;
  allowedPerMinute: number;
  maxPerMinute: number;
  activeInCheckout: number;
  maxInCheckout: number;
  ticketsLeft: number;
  limitedBy: LimitingSignal;
}

export function limitingSignal(line: RoomLine, waiting: number, load: LoadReading): LimitingSignal {
  const { config, figures } = line;
  if (!config.enabled || roomState(config) !== 'open') return 'not_open';
  if (waiting === 0) return 'none';
  if (figures.ticketsLeft <= 0) return 'tickets_held';
  if (figures.activeInCheckout >= config.maxInCheckout) return 'checkout_full';
  if (figures.allowedPerMinute < config.maxAdmissionsPerMinute && load.limitedBy !== 'none') return load.limitedBy;
  return 'operator_rate';
}

/**
 * Each live room's line as the store has it now (shared by every process on Redis), read at
 * scrape time; the rooms are those the admission tick last watched. A room the store cannot
 * answer for is left out rather than failing the scrape.
 */
export async function roomReadings(waitingRoom: WaitingRoom): Promise<RoomReading[]> {
  const load = waitingRoom.load.last();
  const readings: RoomReading[] = [];
  for (const performanceId of waitingRoom.admission.live) {
    const line = await waitingRoom.store.line(performanceId).catch(() => undefined);
    if (!line) continue;
    const waiting = Math.max(0, line.joined - line.served) + (line.drawn ? 0 : line.entrants);
    readings.push({
      performanceId,
      waiting,
      admissionsPerMinute: line.figures.admissionsPerMinute,
      allowedPerMinute: line.figures.allowedPerMinute,
      maxPerMinute: line.config.maxAdmissionsPerMinute,
      activeInCheckout: line.figures.activeInCheckout,
      maxInCheckout: line.config.maxInCheckout,
      ticketsLeft: line.figures.ticketsLeft,
      limitedBy: limitingSignal(line, waiting, load),
    });
  }
  return readings;
}

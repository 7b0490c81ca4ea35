import type { Poll, RoomConfig, RoomLine, RoomState } from './queue-store.js';

/** What a fan's page is told; `state` is one of the contract's seven. */
export type FanState = 'pre_queue' | 'waiting' | 'admitted' | 'sold_out' | 'paused' | 'closed' | 'expired';

export interface StatusAnswer {
  state: FanState;
  /** The performance the fan's place is for: another one's after the operator moved the line. */
  performanceId: string;
  position: number;
  ahead: number;
  admissionsPerMinute: number;
  eta: { low: number; high: number };
  ticketsLeft: number;
  /** English, for API clients: said when the line is longer than what is left to sell. */
  message?: string;
  /**
   * With `message`: how many people are ahead (or in the draw, before the sale), so a page can say
   * it in the fan's own language with `ticketsLeft`.
   */
  demand?: number;
  accessToken?: string;
}

/**
 * The room as fans see it: the performance's own status wins (sold out, closed, paused sales),
 * then the operator's state for the room.
 */
export function roomState(c: RoomConfig): RoomState {
  if (c.state === 'closed' || c.salesStatus === 'closed' || c.salesStatus === 'cancelled') return 'closed';
  if (c.state === 'sold_out' || c.salesStatus === 'sold_out') return 'sold_out';
  if (c.state === 'pre_queue') return 'pre_queue';
  if (c.state === 'paused' || c.salesStatus === 'paused') return 'paused';
  return 'open';
}

/** Thousands with commas (40,000), by slicing: toLocaleString or a look-ahead regex cost a microsecond on every poll. */
function grouped(n: number): string {
  const digits = String(Math.round(n));
  if (digits.length <= 3 || digits.includes('e')) return digits;
  let at = digits.length % 3 || 3;
  let out = digits.slice(0, at);
  for (; at < digits.length; at += 3) out += `,${digits.slice(at, at + 3)}`;
  return out;
}
const plural = (n: number, one: string, many: string) => `${grouped(n)} ${n === 1 ? one : many}`;

/** Said plainly when the line is longer than what is left to sell. */
export function demandMessage(people: number, ticketsLeft: number, where: 'ahead of you' | 'in the draw'): Demand | undefined {
  if (people <= ticketsLeft) return undefined;
  return {
    people,
    message: `There ${people === 1 ? 'is' : 'are'} ${plural(people, 'person', 'people')} ${where} and ${plural(ticketsLeft, 'ticket', 'tickets')} left.`,
  };
}
interface Demand {
  people: number;
  message: string;
}

/**
 * Seconds until `position` is reached: at best at the rate allowed now, at worst at the rate
 * actually seen over the last minute (half the allowed rate before any was seen), plus a quarter.
 */
export function eta(position: number, line: RoomLine): { low: number; high: number } {
  const fast = Math.max(line.figures.allowedPerMinute, 1);
  const seen = line.figures.admissionsPerMinute;
  const slow = seen > 0 ? Math.min(seen, fast) : fast / 2;
  const low = Math.round((position * 60) / fast);
  return { low, high: Math.max(low, Math.round(((position * 60) / slow) * 1.25)) };
}

/**
 * The per-fan answer from one store read. `admission` is set when the fan may start a hold now:
 * the caller signs it into an access token.
 */
export function answer(poll: Poll, now: number): { answer: StatusAnswer; admission?: { place: number; expiresAt: number } } {
  const { line, place, state } = poll;
  const c = line.config;
  const room = roomState(c);
  if (state === 'unknown' || state === 'skipped' || state === 'lapsed') return { answer: fanAnswer(line, 'expired') };
  if (room === 'closed' || room === 'sold_out') return { answer: fanAnswer(line, room) };
  // A room switched off lets everyone buy: no token is needed.
  if (!c.enabled) return { answer: fanAnswer(line, 'admitted') };
  if (place === 0) {
    const opensIn = c.onSaleAt === null ? 0 : Math.max(0, Math.round((c.onSaleAt - now) / 1000));
    const drawn = eta(line.entrants, line);
    return {
      answer: fanAnswer(
        line,
        'pre_queue',
        0,
        0,
        { low: opensIn, high: opensIn + drawn.high },
        demandMessage(line.entrants, line.figures.ticketsLeft, 'in the draw'),
      ),
    };
  }
  if (state === 'admitted' || state === 'started') {
    const expiresAt = poll.admittedAt + c.startLimitMs;
    if (now < expiresAt) return { answer: fanAnswer(line, 'admitted'), admission: { place, expiresAt } };
    return { answer: fanAnswer(line, state === 'started' ? 'admitted' : 'expired') };
  }
  const position = Math.max(1, place - line.served);
  const ahead = position - 1;
  return {
    answer: fanAnswer(
      line,
      room === 'paused' ? 'paused' : 'waiting',
      position,
      ahead,
      eta(position, line),
      demandMessage(ahead, line.figures.ticketsLeft, 'ahead of you'),
    ),
  };
}

/** The ETA of an answer with nothing to wait for; shared, never changed. */
const NOW = Object.freeze({ low: 0, high: 0 });

/** One object per answer, built whole: this runs on every poll. */
function fanAnswer(line: RoomLine, fan: FanState, position = 0, ahead = 0, due: { low: number; high: number } = NOW, demand?: Demand): StatusAnswer {
  const a: StatusAnswer = {
    state: fan,
    performanceId: line.config.performanceId,
    position,
    ahead,
    admissionsPerMinute: line.figures.admissionsPerMinute,
    eta: due,
    ticketsLeft: line.figures.ticketsLeft,
  };
  if (demand !== undefined) {
    a.message = demand.message;
    a.demand = demand.people;
  }
  return a;
}

const int = (n: number) => (Number.isInteger(n) ? n : Math.trunc(n));

/**
 * The status answer as JSON, written out by hand for the fast lane: the same bytes the response
 * schema's serializer (fast-json-stringify) writes, field for field and integers truncated the same
 * way (a test holds them equal), at a fraction of its cost on the busiest request of an on-sale.
 * Only `message` can hold free text, so only it goes through JSON.stringify.
 */
export function statusJson(a: StatusAnswer): string {
  let json =
    `{"state":"${a.state}","performanceId":"${a.performanceId}","position":${int(a.position)},"ahead":${int(a.ahead)},` +
    `"admissionsPerMinute":${int(a.admissionsPerMinute)},"eta":{"low":${int(a.eta.low)},"high":${int(a.eta.high)}},"ticketsLeft":${int(a.ticketsLeft)}`;
  if (a.message !== undefined) json += `,"message":${JSON.stringify(a.message)}`;
  if (a.demand !== undefined) json += `,"demand":${int(a.demand)}`;
  if (a.accessToken !== undefined) json += `,"accessToken":${JSON.stringify(a.accessToken)}`;
  return `${json}}`;
}

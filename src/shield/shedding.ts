import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { SHED_AT, type RouteClass } from './route-classes.js';

/** Event-loop delay (p99 over the last sample) that counts as pressure 1, "at capacity". */
const LOOP_DELAY_AT_CAPACITY_MS = 100;
/** Requests in progress that count as pressure 1. */
const IN_FLIGHT_AT_CAPACITY = 1000;
const SAMPLE_MS = 250;

export interface Shedder {
  /** Whether a request of this class is refused now; one comparison. */
  sheds(cls: RouteClass): boolean;
  /** Seconds a shed client should wait: longer the harder the pressure, spread so retries do not return together. */
  retryAfter(): number;
  pressure(): number;
  requestStarted(): void;
  requestEnded(): void;
  start(): void;
  stop(): void;
}

/**
 * Load shedding by priority. Pressure is the worse of two cheap readings taken four times a second:
 * the event loop's delay (how late timers run: every request in this process waits that long
 * too) and the number of requests in progress (which grows when the database or Redis slows
 * down). Each route class is refused from its own pressure mark (`SHED_AT`), so anonymous
 * browsing goes first and an admitted buyer's payment never. `pressure` can be given for tests.
 */
export function createShedder(opts: { pressure?: () => number } = {}): Shedder {
  let histogram: IntervalHistogram | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let current = 0;
  const sample = () => {
    const delayMs = histogram ? histogram.percentile(99) / 1e6 : 0;
    histogram?.reset();
    current = Math.max(delayMs / LOOP_DELAY_AT_CAPACITY_MS, inFlight / IN_FLIGHT_AT_CAPACITY);
  };
  const pressure = opts.pressure ?? (() => current);
  return {
    sheds: (cls) => pressure() >= SHED_AT[cls],
    retryAfter: () => Math.min(30, Math.ceil(2 * Math.max(1, pressure())) + Math.floor(Math.random() * 4)),
    pressure,
    requestStarted: () => {
      inFlight++;
    },
    requestEnded: () => {
      inFlight = Math.max(0, inFlight - 1);
    },
    start() {
      if (timer) return;
      histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      timer = setInterval(sample, SAMPLE_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      histogram?.disable();
    },
  };
}

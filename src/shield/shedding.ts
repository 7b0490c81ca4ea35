import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { SHED_AT, type RouteClass } from './route-classes.js';

/** Event-loop delay (p99 over the last sample) that counts as pressure 1, "at capacity". */
const LOOP_DELAY_AT_CAPACITY_MS = 100;
/** Requests in progress that count as pressure 1. */
const IN_FLIGHT_AT_CAPACITY = 1000;
/**
 * Requests in progress (the peak over a sample) below which the event loop's delay is not
 * pressure. A browser loads a page six requests at a time; a few visitors are a dozen or two.
 * Shedding them would give back almost nothing: a loop that late with so little in progress is
 * late for reasons of the machine's (other processes on the cores, a pause of the garbage
 * collector), not for work shedding could drop. Under real load every request that awaits
 * anything stays in progress for at least the loop's delay, so at 100 ms of delay 32 in progress
 * is a few hundred such requests a second.
 */
export const LOOP_DELAY_NEEDS_IN_FLIGHT = 32;
const SAMPLE_MS = 250;

export interface Shedder {
  /** Whether a request of this class is refused now; one comparison. */
  sheds(cls: RouteClass): boolean;
  /** Seconds a shed client should wait: longer the harder the pressure, spread so retries do not return together. */
  retryAfter(): number;
  pressure(): number;
  /** The last sample's readings behind the pressure, for the traffic view. */
  readings(): { loopDelayMs: number; peakInFlight: number };
  requestStarted(): void;
  requestEnded(): void;
  start(): void;
  stop(): void;
}

/**
 * Load shedding by priority. Pressure is the worse of two cheap readings taken four times a second:
 * the event loop's delay (how late timers run: every request in this process waits that long
 * too), counted only while there is real load to shed (LOOP_DELAY_NEEDS_IN_FLIGHT), and the
 * number of requests in progress (which grows when the database or Redis slows down), both as the
 * peak over the sample. Each route class is refused from its own pressure mark (`SHED_AT`), so anonymous
 * browsing goes first and an admitted buyer's payment never. `pressure` can be given for tests.
 */
export function createShedder(opts: { pressure?: () => number } = {}): Shedder {
  let histogram: IntervalHistogram | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  /** The most requests in progress at once since the last sample. */
  let peak = 0;
  let current = 0;
  let last = { loopDelayMs: 0, peakInFlight: 0 };
  const sample = () => {
    const loopDelayMs = histogram ? histogram.percentile(99) / 1e6 : 0;
    histogram?.reset();
    last = { loopDelayMs, peakInFlight: peak };
    const loop = peak >= LOOP_DELAY_NEEDS_IN_FLIGHT ? loopDelayMs / LOOP_DELAY_AT_CAPACITY_MS : 0;
    current = Math.max(loop, peak / IN_FLIGHT_AT_CAPACITY);
    peak = inFlight;
  };
  const pressure = opts.pressure ?? (() => current);
  return {
    sheds: (cls) => pressure() >= SHED_AT[cls],
    retryAfter: () => Math.min(30, Math.ceil(2 * Math.max(1, pressure())) + Math.floor(Math.random() * 4)),
    pressure,
    readings: () => last,
    requestStarted: () => {
      if (++inFlight > peak) peak = inFlight;
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

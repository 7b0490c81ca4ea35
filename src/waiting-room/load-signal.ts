import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * How healthy this process is, as a factor from 0.1 to 1 that scales the admission rate: when
 * checkout is slow, errors rise or the event loop lags, fewer fans are let in until it recovers.
 * Three cheap signals, read and reset once a tick:
 *
 * - event-loop delay, p99 over the last tick (a sampling timer, no per-request cost);
 * - the share of 5xx answers among at least 20 answers;
 * - the mean time of checkout requests (holds, orders, payments).
 *
 * Each maps linearly from its good mark (factor 1) to its bad mark (factor 0.1); the lowest wins.
 */
const MARKS = { loopDelayMs: [50, 500], errorShare: [0.01, 0.2], checkoutMs: [500, 5000] } as const;
const CHECKOUT_ROUTES = new Set(['/api/performances/:id/holds', '/api/holds/:id/order', '/api/orders/:id/payment']);

function scale(value: number, [good, bad]: readonly [number, number]): number {
  if (value <= good) return 1;
  if (value >= bad) return 0.1;
  return 1 - (0.9 * (value - good)) / (bad - good);
}

export interface LoadSignal {
  /** Called for every answer (an onResponse hook); a few additions, nothing more. */
  observe(statusCode: number, route: string | undefined, ms: number): void;
  /** The factor since the last read, and the figures behind it; resets the window. */
  read(): { factor: number; loopDelayMs: number; errorShare: number; checkoutMs: number };
  start(): void;
  stop(): void;
}

export function createLoadSignal(): LoadSignal {
  let histogram: IntervalHistogram | undefined;
  let answers = 0;
  let errors = 0;
  let checkouts = 0;
  let checkoutTotalMs = 0;
  return {
    observe(statusCode, route, ms) {
      answers++;
      if (statusCode >= 500) errors++;
      if (route && CHECKOUT_ROUTES.has(route)) {
        checkouts++;
        checkoutTotalMs += ms;
      }
    },
    read() {
      const loopDelayMs = histogram ? histogram.percentile(99) / 1e6 : 0;
      histogram?.reset();
      const errorShare = answers >= 20 ? errors / answers : 0;
      const checkoutMs = checkouts > 0 ? checkoutTotalMs / checkouts : 0;
      answers = errors = checkouts = checkoutTotalMs = 0;
      const factor = Math.min(scale(loopDelayMs, MARKS.loopDelayMs), scale(errorShare, MARKS.errorShare), scale(checkoutMs, MARKS.checkoutMs));
      return { factor, loopDelayMs, errorShare, checkoutMs };
    },
    start() {
      histogram ??= monitorEventLoopDelay({ resolution: 20 });
      histogram.enable();
    },
    stop() {
      histogram?.disable();
    },
  };
}

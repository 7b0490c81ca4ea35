/**
 * How healthy checkout is, as a factor from 0.1 to 1 that scales the admission rate: when
 * checkout fails or slows down, fewer fans are let in until it recovers. It reads the answers of
 * checkout's three steps (CHECKOUT_ROUTES: a hold, an order, a payment) and nothing else:
 *
 * - the share of failures (5xx, the database away included) among the answers that did
 *   checkout's work (2xx and 5xx), once there are at least MIN_ANSWERS of them;
 * - their mean time, from the handler's start (the body read and valid) to the answer.
 *
 * Left out on purpose: a 5xx from anywhere else (a flood of bad requests to any route must not
 * throttle the on-sale: it once cut admissions from 600 to 60 a minute), the shield's own
 * refusals (429, 503 overloaded: answers it chose), and 4xx (the client's mistake or checkout's
 * rightful "no", and cheap enough that a flood of them would hide a slow checkout). The event
 * loop's delay is left out too: every step of a checkout request waits for the loop, so a late
 * loop already shows as slow checkout, while the loop alone is late for reasons that admitting
 * fewer fans does not help (a flood the shield is refusing, other processes on the cores).
 *
 * Each figure maps linearly from its good mark (factor 1) to its bad mark (factor 0.1); the lowest
 * wins. The counts decay by 30% at each read (once a second), so a trickle of failing checkouts
 * (two a second) still adds up to a reading, and a burst fades within seconds.
 */
const MARKS = { errorShare: [0.01, 0.2], checkoutMs: [500, 5000] } as const;
const MIN_ANSWERS = 5;
const DECAY = 0.7;

/** Checkout's steps, as `<method> <route pattern>`. */
export const CHECKOUT_ROUTES: ReadonlySet<string> = new Set(['POST /api/performances/:id/holds', 'POST /api/holds/:id/order', 'POST /api/orders/:id/payment']);

function scale(value: number, [good, bad]: readonly [number, number]): number {
  if (value <= good) return 1;
  if (value >= bad) return 0.1;
  return 1 - (0.9 * (value - good)) / (bad - good);
}

export interface LoadReading {
  factor: number;
  errorShare: number;
  checkoutMs: number;
  /** Which figure sets the factor when it is below 1: failures, or slowness. */
  limitedBy: 'none' | 'checkout_errors' | 'checkout_latency';
}

export interface LoadSignal {
  /** One answer of a checkout step that the shield did not refuse, and its handler's time; a few additions. */
  observe(statusCode: number, ms: number): void;
  /** The factor now, and the figures behind it; then the counts decay. */
  read(): LoadReading;
  /** What the last `read` (the admission tick's) found, without decaying anything: for the metrics. */
  last(): LoadReading;
}

export function createLoadSignal(): LoadSignal {
  let answers = 0;
  let errors = 0;
  let totalMs = 0;
  let last: LoadReading = { factor: 1, errorShare: 0, checkoutMs: 0, limitedBy: 'none' };
  return {
    observe(statusCode, ms) {
      if (statusCode >= 400 && statusCode < 500) return;
      answers++;
      totalMs += ms;
      if (statusCode >= 500) errors++;
    },
    read() {
      const errorShare = answers >= MIN_ANSWERS ? errors / answers : 0;
      // A mean from less than one (decayed) answer is an old one fading, not a reading.
      const checkoutMs = answers >= 1 ? totalMs / answers : 0;
      answers *= DECAY;
      errors *= DECAY;
      totalMs *= DECAY;
      const byErrors = scale(errorShare, MARKS.errorShare);
      const byLatency = scale(checkoutMs, MARKS.checkoutMs);
      const factor = Math.min(byErrors, byLatency);
      const limitedBy = factor >= 1 ? 'none' : byErrors <= byLatency ? 'checkout_errors' : 'checkout_latency';
      last = { factor, errorShare, checkoutMs, limitedBy };
      return last;
    },
    last: () => last,
  };
}

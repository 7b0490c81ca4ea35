import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../shared/api.js';
import { applyStatus, soldSeatIds } from './availability-status.js';
import type { Availability, AvailabilityStatus, PerformanceStatus } from './types.js';

export const REFRESH_MS = 5000;
/** How old the full answer (seat map and held/sold per seat) may get before it is read again. */
export const FULL_REFRESH_MS = 60_000;

/**
 * A performance's availability. The full answer (every seat, ~100 KB gzipped for 3,000 seats) is
 * read once; after that the page polls the status view every 5 s (a few bytes per taken seat) and
 * derives the seats' states from it (see availability-status.ts). The full answer is read again
 * every minute (to tell newly sold seats from held ones) and when the status view does not fit it;
 * seats coming back need no full read, so a rush of expiring holds costs no extra 100 KB reads.
 *
 * Polling runs while the page is visible; a hidden tab stops asking and asks at once when it is
 * shown again. `paused` holds the refresh (e.g. while a hold is being made). A failed refresh
 * keeps the last answer and says so in `error`; `refresh()` asks at once, paused or not.
 */
export function useAvailability(performanceId: string, paused = false) {
  const [data, setData] = useState<Availability | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refreshRef = useRef<() => void>(() => {});
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    const base = `/api/performances/${performanceId}/availability`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let stopped = false;
    let shown: Availability | null = null;
    let sold: ReadonlySet<string> = new Set();
    let fullAt = 0;
    let wantFull = true;

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && document.visibilityState === 'visible') timer = setTimeout(() => void load(), REFRESH_MS);
    };
    /** The status view applied to what is shown, or the full answer when that is due or needed. */
    async function next(signal: AbortSignal): Promise<{ answer: Availability; full: boolean }> {
      if (shown && !wantFull && Date.now() - fullAt < FULL_REFRESH_MS) {
        const view = await api<AvailabilityStatus>(`${base}/status`, { signal });
        // A seat that left the list came back (released, expired or refunded): it is no longer sold.
        const listed = new Set(view.unavailableSeatIds);
        sold = new Set([...sold].filter((id) => listed.has(id)));
        const derived = applyStatus(shown, view, sold);
        if (derived) return { answer: derived, full: false };
      }
      const full = await api<Availability>(base, { signal });
      return { answer: full, full: true };
    }
    async function load(force = false) {
      clearTimeout(timer);
      if (pausedRef.current && !force) return schedule();
      controller?.abort();
      const mine = (controller = new AbortController());
      try {
        const { answer, full } = await next(mine.signal);
        if (mine.signal.aborted) return;
        if (full) {
          sold = soldSeatIds(answer);
          fullAt = Date.now();
          wantFull = false;
        }
        if (answer !== shown) setData((shown = answer));
        setError(null);
      } catch (e) {
        if (mine.signal.aborted) return;
        setError(e);
      }
      schedule();
    }
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void load();
      else clearTimeout(timer);
    };
    refreshRef.current = () => {
      void load(true);
    };
    void load();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [performanceId]);

  return { data, error, refresh: () => refreshRef.current() };
}

/** The longest wait worth a timer: a page left open longer polls its way there anyway. */
const SCHEDULE_HORIZON_MS = 3_600_000;

/**
 * Sales open by themselves at `onSaleAt` and close at `offSaleAt` (the server's schedule, on the
 * second). Asks again 1–2 s after the next of those, spread so that everyone watching does not
 * ask in the same instant, instead of showing the old status until the next 5 s poll.
 */
export function useScheduleRefresh(
  status: PerformanceStatus | undefined,
  onSaleAt: string | null | undefined,
  offSaleAt: string | null | undefined,
  refresh: () => void,
) {
  const at = status === 'scheduled' ? onSaleAt : status === 'on_sale' || status === 'paused' || status === 'sold_out' ? offSaleAt : null;
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  useEffect(() => {
    if (!at) return;
    const wait = Date.parse(at) - Date.now() + 1000 + Math.random() * 1000;
    if (!(wait > 0 && wait < SCHEDULE_HORIZON_MS)) return;
    const timer = setTimeout(() => refreshRef.current(), wait);
    return () => clearTimeout(timer);
  }, [at]);
}

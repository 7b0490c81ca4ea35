import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../shared/api.js';
import type { Availability } from './types.js';

export const REFRESH_MS = 5000;

/**
 * A performance's availability, refreshed every 5 s while the page is visible; a hidden tab stops
 * asking and asks at once when it is shown again. `paused` holds the refresh (e.g. while a hold is
 * being made). A failed refresh keeps the last answer and says so in `error`; `refresh()` asks at once, paused or not.
 */
export function useAvailability(performanceId: string, paused = false) {
  const [data, setData] = useState<Availability | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refreshRef = useRef<() => void>(() => {});
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let stopped = false;

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && document.visibilityState === 'visible') timer = setTimeout(() => void load(), REFRESH_MS);
    };
    async function load(force = false) {
      clearTimeout(timer);
      if (pausedRef.current && !force) return schedule();
      controller?.abort();
      const mine = controller = new AbortController();
      try {
        const next = await api<Availability>(`/api/performances/${performanceId}/availability`, { signal: mine.signal });
        if (mine.signal.aborted) return;
        setData(next);
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
    refreshRef.current = () => { void load(true); };
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

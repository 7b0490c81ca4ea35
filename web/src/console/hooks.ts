import { useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/**
 * Loads data for a page. A change of `deps` starts afresh (no stale data from the previous id);
 * `reload()` keeps the current data on screen while it refreshes.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  const key = JSON.stringify(deps);
  const lastKey = useRef(key);
  useEffect(() => {
    const controller = new AbortController();
    const fresh = lastKey.current !== key;
    lastKey.current = key;
    setState((s) => ({ data: fresh ? undefined : s.data, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [key, nonce]);
  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    reload: () => setNonce((n) => n + 1),
    setData: (data: T) => setState({ data, loading: false }),
  };
}

/**
 * Runs `tick` now and then every `ms` while the page is visible; a hidden tab stops polling and
 * catches up as soon as it is shown again. Returns a function that refreshes immediately.
 */
export function usePolling(tick: (signal: AbortSignal) => Promise<void>, ms: number, deps: unknown[]): () => void {
  const latest = useRef(tick);
  latest.current = tick;
  const refresh = useRef<() => void>(() => {});
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let running = false;
    let again = false;
    const controller = new AbortController();
    const run = async () => {
      clearTimeout(timer);
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      if (document.visibilityState !== 'visible') return;
      running = true;
      try {
        await latest.current(controller.signal);
      } catch {
        /* the tick shows its own errors */
      }
      running = false;
      if (stopped) return;
      if (again) {
        again = false;
        void run();
      } else timer = setTimeout(run, ms);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void run();
      else clearTimeout(timer);
    };
    document.addEventListener('visibilitychange', onVisibility);
    refresh.current = () => {
      void run();
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, deps);
  return () => refresh.current();
}

/** Re-renders every `ms` (for "3 s ago" labels). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * A form's save: `busy` while it runs, the `error` if it failed, `saved` once it succeeded (forms
 * clear it with `setSaved(false)` when edited again).
 */
export function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await work();
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, saved, setSaved, run };
}

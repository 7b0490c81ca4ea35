import { useEffect, useState } from 'preact/hooks';
import { api } from '../shared/api.js';

/**
 * The waiting room's hand-off: the queue page (/queue/:id) stores the access token it got when
 * the fan was admitted; hold creation sends it as `X-Access-Token`.
 */
const key = (performanceId: string) => `taquilla.access.${performanceId}`;

export function accessToken(performanceId: string): string | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(key(performanceId)) ?? 'null') as { accessToken?: unknown; performanceId?: unknown } | null;
    return stored?.performanceId === performanceId && typeof stored.accessToken === 'string' ? stored.accessToken : null;
  } catch {
    return null; // storage disabled or the entry is not ours
  }
}

/** A token the server refused is of no further use; the queue page gets a new one. */
export function forgetAccess(performanceId: string): void {
  try {
    sessionStorage.removeItem(key(performanceId));
  } catch {
    /* nothing stored */
  }
}

export const queuePath = (performanceId: string) => `/queue/${encodeURIComponent(performanceId)}`;

/** The queue page is its own HTML entry, so it is a full navigation rather than a route. */
export function goToQueue(performanceId: string): void {
  location.assign(queuePath(performanceId));
}

/** Room states in which holds need an access token (the server's gate). */
const ACTIVE = new Set(['pre_queue', 'open', 'paused']);

/**
 * True when the performance sells through an active waiting room and this tab holds no access
 * token: the page then sends the fan to the line rather than let them pick seats and fail.
 * No room (404) or a failed read counts as open; the hold's 403 still sends the fan to the line.
 */
export function useQueueGate(performanceId: string): boolean {
  const [gated, setGated] = useState(false);
  useEffect(() => {
    if (accessToken(performanceId)) return setGated(false);
    let live = true;
    api<{ state: string; enabled: boolean }>(`/api/performances/${performanceId}/queue/summary`).then(
      (summary) => {
        if (live) setGated(summary.enabled && ACTIVE.has(summary.state));
      },
      () => {
        /* treated as no room */
      },
    );
    return () => {
      live = false;
    };
  }, [performanceId]);
  return gated;
}

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type RequestOptions } from '../shared/api';

/**
 * The operator's admin token lives in sessionStorage: it survives a reload but not closing the
 * tab, and nothing else on the origin reads it. A 401 from any call ends the session with a reason.
 */
const KEY = 'taquilla.console.token';
const listeners = new Set<() => void>();
let reason: string | null = null;

export function token(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

export function signIn(value: string): void {
  sessionStorage.setItem(KEY, value);
  reason = null;
  emit();
}

export function signOut(why: string | null = null): void {
  sessionStorage.removeItem(KEY);
  reason = why;
  emit();
}

export function useSession(): { token: string | null; reason: string | null } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return { token: token(), reason };
}

/** Checks a token without touching the session (used by the sign-in form). */
export async function tokenWorks(value: string): Promise<boolean> {
  try {
    await api('/api/admin/outbox?limit=1', { headers: { authorization: `Bearer ${value}` } });
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return false;
    throw error;
  }
}

/** Calls an admin route with the session's token; a 401 signs the operator out. */
export async function adminApi<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await api<T>(path, { ...options, headers: { ...options.headers, authorization: `Bearer ${token() ?? ''}` } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut('The server refused the admin token (it changes when a development server restarts). Sign in again.');
    }
    throw error;
  }
}

/** True when the server does not have the route yet (older server), as opposed to an unknown id. */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === 'route_not_found';
}

import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';
import { api, ApiError, type RequestOptions } from '../shared/api';
import type { Permission } from './permissions';
import { confirmSudo } from './sudo-state';

/**
 * The signed-in staff member, as GET /api/auth/staff/me tells it. The session itself is an
 * HttpOnly cookie scoped to /api that this page never sees: requests carry it because they are
 * same-origin, and nothing here stores a credential. The console trusts the permissions only to
 * decide what to show; the server checks every request again.
 */
export interface StaffSelf {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  eventIds: string[];
  performanceIds: string[];
  refundLimit: number | null;
  factors: { totp: boolean; passkeys: number; recoveryCodesLeft: number };
  lastUsedAt: string | null;
}

export interface Me {
  /** `password`: the password was right and a second factor is due; `enrol`: a factor must be set up first. */
  state: 'password' | 'enrol' | 'signed_in';
  staff: StaffSelf;
  permissions: Permission[];
  session: { id: string; secondFactorAt: string | null };
}

export type Session =
  | { status: 'loading' }
  | { status: 'signed_out'; reason: string | null }
  | { status: 'error'; error: unknown }
  | ({ status: 'ready' } & Me);

let current: Session = { status: 'loading' };
let granted = new Set<string>();
const listeners = new Set<() => void>();

function set(next: Session): void {
  current = next;
  granted = new Set(next.status === 'ready' && next.state === 'signed_in' ? next.permissions : []);
  for (const listener of listeners) listener();
}

/** Asks the server who this is; a missing or ended session is `signed_out`. */
export async function refreshSession(reason: string | null = null): Promise<Session> {
  try {
    set({ status: 'ready', ...(await api<Me>('/api/auth/staff/me')) });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) set({ status: 'signed_out', reason });
    else set({ status: 'error', error });
  }
  return current;
}

export function useSession(): Session {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    if (current.status === 'loading') void refreshSession();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return current;
}

export const session = (): Session => current;

/** Whether the signed-in person's role has a permission (to show a page, a link or a button). */
export const can = (permission: Permission): boolean => granted.has(permission);

/** Ends the session on the server (the cookie is cleared there) and shows the sign-in page. */
export async function signOut(reason: string | null = null): Promise<void> {
  try {
    await api('/api/auth/staff/sign-out', { method: 'POST' });
  } catch {
    /* signed out here anyway; the server ends an idle session by itself */
  }
  set({ status: 'signed_out', reason });
}

/** The session ended under the page (idle timeout, revoked elsewhere, account disabled). */
export function sessionEnded(reason: string): void {
  set({ status: 'signed_out', reason });
}

interface AdminOptions extends RequestOptions {
  /** Already retried once after a sudo confirmation. */
  sudoRetried?: boolean;
}

/**
 * Calls an operator route as the signed-in person. A 401 `unauthorized` means the session is gone:
 * back to sign-in. A 403 `sudo_required` asks for the second factor again (a small dialog) and
 * retries once. A 403 `forbidden` is left to the page, whose error names the missing permission.
 */
export async function adminApi<T>(path: string, options: AdminOptions = {}): Promise<T> {
  try {
    return await api<T>(path, options);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && error.code === 'unauthorized') {
      sessionEnded(t('shell.sessionEnded'));
    }
    if (error instanceof ApiError && error.status === 403 && error.code === 'sudo_required' && !options.sudoRetried) {
      if (await confirmSudo()) return adminApi<T>(path, { ...options, sudoRetried: true });
    }
    throw error;
  }
}

/** True when the server does not have the route yet (older server), as opposed to an unknown id. */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === 'route_not_found';
}

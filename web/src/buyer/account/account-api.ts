import { api } from '../../shared/api.js';
import { getLocale } from '../../shared/i18n.js';
import { signedInHint } from './signed-in-hint.js';

/**
 * The customer account API (/api/account, documented in /api/openapi.json). The session travels
 * only in the `tq_customer` cookie (HttpOnly, scoped to /api), which the browser sends by itself;
 * fetch's Origin header is what the server's same-origin check reads on every POST.
 */
export type Step = { state: 'signed_in' } | { state: 'second_factor'; methods: string[] };

export interface Me {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  locale: string;
  totp: boolean;
  recoveryCodesLeft: number;
  passkey: boolean;
  session: { id: string };
}

export interface AccountOrder {
  id: string;
  status: 'pending_payment' | 'paid' | 'expired' | 'cancelled' | 'refunded';
  tickets: number;
  total: number;
  currency: string;
  createdAt: string;
  paidAt: string | null;
  performance: { id: string; startsAt: string; eventTitle: string; eventSlug: string; venueName: string; timeZone: string };
  accessToken: string;
}

export interface AccountSession {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface AccountPasskey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const post = <T>(path: string, body?: object) => api<T>(path, { method: 'POST', body });

export const signUp = (body: { email: string; password: string; name?: string; locale: string }) => post<{ state: string }>('/api/account/sign-up', body);

export async function verifyEmail(token: string, password: string): Promise<{ email: string }> {
  const answer = await post<{ email: string }>('/api/account/verify', { token, password });
  signedInHint.set(true);
  return answer;
}

export async function signIn(email: string, password: string): Promise<Step> {
  const step = await post<Step>('/api/account/sign-in', { email, password });
  if (step.state === 'signed_in') signedInHint.set(true);
  return step;
}

export async function secondFactor(factor: { totp: string } | { recoveryCode: string }): Promise<void> {
  await post('/api/account/second-factor', factor);
  signedInHint.set(true);
}

export const requestReset = (email: string) => post<{ state: string }>('/api/account/password/reset-request', { email });
export const resetPassword = (token: string, password: string) => post<{ sessionsEnded: number }>('/api/account/password/reset', { token, password });

export async function signOut(): Promise<void> {
  try {
    await post('/api/account/sign-out');
  } finally {
    signedInHint.set(false);
  }
}

export const me = (signal?: AbortSignal) => api<Me>('/api/account/me', { signal });
export const orders = (signal?: AbortSignal) => api<{ orders: AccountOrder[]; claimable: number }>(`/api/account/orders?lang=${getLocale()}`, { signal });
export const claimOrders = () => post<{ claimed: number }>('/api/account/orders/claim');
export const sessions = (signal?: AbortSignal) => api<{ sessions: AccountSession[] }>('/api/account/sessions', { signal });
export const revokeSession = (id: string) => api<void>(`/api/account/sessions/${id}`, { method: 'DELETE' });
export const totpSetup = () => post<{ secret: string; uri: string }>('/api/account/totp/setup');
export const totpConfirm = (secret: string, code: string) => post<{ recoveryCodes: string[] }>('/api/account/totp', { secret, code });
export const totpRemove = (body: { password: string; totp: string } | { password: string; recoveryCode: string }) =>
  post<void>('/api/account/totp/remove', body);

// Passkeys: the options are @simplewebauthn's, passed as they are to the browser (see passkeys.ts).
export const passkeys = (signal?: AbortSignal) => api<{ passkeys: AccountPasskey[] }>('/api/account/passkeys', { signal });
export const passkeyOptions = () => post<unknown>('/api/account/passkeys/options', {});
export const addPasskey = (response: unknown, name: string) => post<AccountPasskey>('/api/account/passkeys', { response, name });
export const removePasskey = (id: string) => api<void>(`/api/account/passkeys/${id}`, { method: 'DELETE' });
export const passkeySignInOptions = () => post<unknown>('/api/account/passkey/options', {});

export async function passkeySignIn(response: unknown): Promise<void> {
  await post('/api/account/passkey', { response });
  signedInHint.set(true);
}

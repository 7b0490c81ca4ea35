import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { signedInHint } from './account/signed-in-hint.js';
import type { PerformanceStatus } from './types.js';

let navigated = false;
/** Called by the router on every client-side navigation (not on the first page load). */
export const markNavigated = () => {
  navigated = true;
};

/**
 * The header's way to the optional account: "Account" when this browser last knew itself signed
 * in, else "Sign in". On a phone only the icon shows; its name stays for screen readers.
 */
export function AccountLink() {
  const [signedIn, setSignedIn] = useState(signedInHint.get);
  useEffect(() => signedInHint.subscribe(setSignedIn), []);
  const label = signedIn ? t('header.account') : t('header.signIn');
  return (
    <a class="account-link" href={signedIn ? '/account' : '/account/sign-in'} data-testid="account-link" data-signed-in={signedIn ? 'true' : 'false'}>
      <svg class="account-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="8" r="4" />
        <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" />
      </svg>
      <span class="account-link-text">{label}</span>
    </a>
  );
}

/**
 * The page's heading. It sets the document title and, after a client-side navigation, takes focus
 * so screen readers announce the new page and keyboard users start from its top.
 */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Taquilla`;
  }, [title]);
  useEffect(() => {
    if (navigated) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function isNotFound(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  const field = String((error.body.error as { field?: string } | undefined)?.field ?? '');
  return error.status === 404 || (error.status === 400 && field.startsWith('params'));
}

const DECLINE_REASONS: Record<string, MessageKey> = {
  card_declined: 'pay.declined.card_declined',
  insufficient_funds: 'pay.declined.insufficient_funds',
  expired_card: 'pay.declined.expired_card',
  invalid_token: 'pay.declined.invalid_token',
  token_mismatch: 'pay.declined.invalid_token',
};

const BY_CODE: Record<string, MessageKey> = {
  network: 'error.network',
  busy: 'error.busy',
  // What is left after the page retried by itself for a while.
  overloaded: 'error.busy',
  database_unavailable: 'error.busy',
  queue_unavailable: 'error.busy',
  not_enough_inventory: 'error.notEnough',
  sale_not_open: 'error.saleNotOpen',
  hold_expired: 'error.holdExpired',
  hold_converted: 'error.holdConverted',
  hold_already_ordered: 'error.holdAlreadyOrdered',
  idempotency_key_reused: 'error.detailsChanged',
  token_used: 'pay.tokenUsed',
  order_not_payable: 'error.holdExpired',
  seat_not_for_sale: 'error.notEnough',
};

/** A buyer-facing explanation of an API error, in the current language. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.generic');
  const details = (error.body.error ?? {}) as { limit?: number; reason?: string };
  if (error.code === 'ticket_limit_exceeded') return t('error.ticketLimit', { limit: details.limit ?? '' });
  if (error.code === 'payment_declined') return t(DECLINE_REASONS[details.reason ?? ''] ?? 'pay.declined.generic');
  const key = BY_CODE[error.code];
  if (key) return t(key);
  if (isNotFound(error)) return t('error.notFound');
  if (error.status >= 500) return t('error.server');
  return t('error.generic');
}

/** An error the buyer must notice: announced at once (role=alert) and focusable for the keyboard. */
export function ErrorMessage({ error, children, id }: { error?: unknown; children?: ComponentChildren; id?: string }) {
  return (
    <div class="notice notice-error" role="alert" data-testid="error" id={id} tabIndex={-1}>
      {children ?? describeError(error)}
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

const STATUS_KEYS: Record<PerformanceStatus, MessageKey> = {
  on_sale: 'status.on_sale',
  sold_out: 'status.sold_out',
  scheduled: 'status.scheduled',
  paused: 'status.paused',
  closed: 'status.closed',
  cancelled: 'status.cancelled',
};

export function StatusBadge({ status }: { status: PerformanceStatus }) {
  return (
    <span class={`badge badge-${status}`} data-status={status}>
      {t(STATUS_KEYS[status] ?? 'status.closed')}
    </span>
  );
}

export type Async<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: unknown };

/** Runs `load` when `deps` change; ignores answers that arrive after a newer request or unmount. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): [Async<T>, () => void] {
  const [result, setResult] = useState<Async<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setResult({ state: 'loading' });
    load(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setResult({ state: 'ok', value });
      },
      (error) => {
        if (!controller.signal.aborted) setResult({ state: 'error', error });
      },
    );
    return () => controller.abort();
  }, [...deps, attempt]);
  return [result, () => setAttempt((n) => n + 1)];
}

/** A failed page load: what went wrong and a retry button. */
export function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div class="stack">
      <ErrorMessage error={error} />
      <button type="button" class="button" onClick={retry}>
        {t('common.retry')}
      </button>
    </div>
  );
}

import { api, ApiError, buildId, retrying } from '../shared/api.js';
import { getLocale } from '../shared/i18n.js';
import { documentPageClass } from '../shared/router.js';
import { noteServerDate } from './clock.js';
import { accessToken, forgetAccess, goToQueue } from './queue-access.js';
import { type BuyerDetails, forgetOwnHold, holdToken, saveHoldToken, saveOwnHold } from './storage.js';
import type { CreatedOrder, Hold, Order, Ticket } from './types.js';

/** Seats, the best N of a category, GA places, or seats and GA places together (`quantity` counts the places). */
export type HoldRequest =
  | { seatIds: string[] }
  | { categoryId: string; quantity: number }
  | { gaAreaId: string; quantity: number }
  | { seatIds: string[]; gaAreaId: string; quantity: number };

/**
 * While the performance's waiting room is active the hold needs the access token the queue page
 * stored; without a valid one (403 `not_admitted`) the fan is sent to the line instead of shown an
 * error. The returned promise then never settles, so the page keeps its "one moment" state.
 */
export async function createHold(performanceId: string, request: HoldRequest): Promise<Hold> {
  const token = accessToken(performanceId);
  // One key per attempt: a retry of this request (after a 503) gets the same hold, never a second.
  const headers: Record<string, string> = { 'idempotency-key': crypto.randomUUID() };
  if (token) headers['x-access-token'] = token;
  try {
    const hold = await api<Hold & { holdToken: string }>(`/api/performances/${performanceId}/holds`, { method: 'POST', body: request, headers });
    saveHoldToken(hold.holdId, hold.holdToken);
    saveOwnHold(performanceId, hold.holdId);
    return hold;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 403 && error.code === 'not_admitted')) throw error;
    forgetAccess(performanceId);
    goToQueue(performanceId);
    return new Promise<Hold>(() => {});
  }
}

/** Read with fetch rather than `api` to see the `Date` header, which sets the countdown's clock; retried like a GET through `api`. */
export const fetchHold = (holdId: string, signal?: AbortSignal): Promise<Hold> => retrying('GET', signal, () => fetchHoldOnce(holdId, signal));

async function fetchHoldOnce(holdId: string, signal?: AbortSignal): Promise<Hold> {
  let response: Response;
  try {
    response = await fetch(`/api/holds/${holdId}`, { headers: { accept: 'application/json', ...holdAuth(holdId) }, signal, cache: 'no-store' });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The connection failed');
  }
  noteServerDate(response);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText, body, response);
  }
  return body as Hold;
}

/** The hold's token as a header; without it (another tab made the hold) the server answers 401. */
function holdAuth(holdId: string): Record<string, string> {
  const token = holdToken(holdId);
  return token ? { authorization: `Bearer ${token}` } : {};
}

// Releasing twice releases once, and a payment is confirmed once per order: both safe to retry.
export async function releaseHold(hold: Pick<Hold, 'holdId' | 'performanceId'>): Promise<void> {
  await api<void>(`/api/holds/${hold.holdId}`, { method: 'DELETE', headers: holdAuth(hold.holdId), retry: true });
  forgetOwnHold(hold.performanceId, hold.holdId);
}

export const createOrder = (holdId: string, idempotencyKey: string, buyer: BuyerDetails) =>
  api<CreatedOrder>(`/api/holds/${holdId}/order`, {
    method: 'POST',
    headers: {
      'idempotency-key': idempotencyKey,
      'x-taquilla-build': buildId,
      // What the page was served as, and any widget frame on it: recorded with the checkout.
      'x-taquilla-page-class': documentPageClass(),
      'x-taquilla-widgets': [...document.querySelectorAll('iframe[data-widget]')].map((f) => f.getAttribute('data-widget')).join(','),
      ...holdAuth(holdId),
    },
    body: { buyer },
  });

/** With the order's access token, so a retry after a lost answer still gets the tickets back. */
export const payOrder = (orderId: string, token: string, accessToken: string) =>
  api<{ status: 'paid'; tickets: Pick<Ticket, 'id' | 'code'>[] }>(`/api/orders/${orderId}/payment`, {
    method: 'POST',
    body: { token },
    headers: { authorization: `Bearer ${accessToken}` },
    retry: true,
  });

export const getOrder = (orderId: string, accessToken: string, signal?: AbortSignal) =>
  // The event's title in the page's language.
  api<Order>(`/api/orders/${orderId}?lang=${getLocale()}`, { headers: { authorization: `Bearer ${accessToken}` }, signal });

/** Corrects the buyer's details of an order still waiting for payment; sending the same details twice is harmless. */
export const updateBuyer = (orderId: string, accessToken: string, buyer: BuyerDetails) =>
  api<Order>(`/api/orders/${orderId}/buyer`, { method: 'PATCH', body: { buyer }, headers: { authorization: `Bearer ${accessToken}` }, retry: true });

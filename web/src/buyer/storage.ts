/**
 * What checkout keeps in sessionStorage (this tab only, gone when it closes): the idempotency key
 * and the buyer details sent with it, per hold, so a reload or retry repeats the same request; and
 * each order's access token, so the order page works after the token leaves the address bar; and
 * each performance's latest hold made in this tab.
 * Storage may be unavailable (private modes, disabled); then it is simply not remembered.
 */
function read<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* not remembered */
  }
}

export interface BuyerDetails {
  name: string;
  email: string;
  locale: string;
}

export interface CheckoutState {
  idempotencyKey: string;
  /** The details last sent with the key: a retry must send the same ones. */
  buyer?: BuyerDetails;
  order?: { orderId: string; accessToken: string; paymentUrl: string };
}

const checkoutKey = (holdId: string) => `taquilla.checkout.${holdId}`;

export function checkoutState(holdId: string): CheckoutState {
  const state = read<CheckoutState>(checkoutKey(holdId));
  if (state?.idempotencyKey) return state;
  const fresh: CheckoutState = { idempotencyKey: crypto.randomUUID() };
  write(checkoutKey(holdId), fresh);
  return fresh;
}

export function saveCheckoutState(holdId: string, state: CheckoutState): void {
  write(checkoutKey(holdId), state);
}

/** A hold's token: GET, DELETE and ordering it need it; this tab made the hold, so only it has the token. */
const holdKey = (holdId: string) => `taquilla.hold.${holdId}`;

export function holdToken(holdId: string): string | null {
  return read<string>(holdKey(holdId));
}

export function saveHoldToken(holdId: string, token: string): void {
  write(holdKey(holdId), token);
}

/**
 * The hold this tab last made for a performance, so going back from checkout shows it as the
 * fan's own ("held for 6:12, continue") instead of as seats someone else has taken.
 */
const ownHoldKey = (performanceId: string) => `taquilla.ownHold.${performanceId}`;

export function ownHoldOf(performanceId: string): string | null {
  return read<string>(ownHoldKey(performanceId));
}

export function saveOwnHold(performanceId: string, holdId: string): void {
  write(ownHoldKey(performanceId), holdId);
}

export function forgetOwnHold(performanceId: string, holdId: string): void {
  try {
    if (ownHoldOf(performanceId) === holdId) sessionStorage.removeItem(ownHoldKey(performanceId));
  } catch {
    /* nothing remembered */
  }
}

const orderKey = (orderId: string) => `taquilla.order.${orderId}`;

export function orderToken(orderId: string): string | null {
  return read<string>(orderKey(orderId));
}

export function saveOrderToken(orderId: string, token: string): void {
  write(orderKey(orderId), token);
}

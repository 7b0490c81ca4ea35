import { audit } from '../platform/audit.js';
import type { Db } from '../platform/transaction.js';

export const AUTH_FAILED_ACTION = 'platform.admin_auth.failed';
const WINDOW_MS = 60_000;
/** Addresses given entries of their own in one window; past that, the rest share one. */
const MAX_ADDRESSES = 1000;
const MAX_ROUTES = 10;

interface Slot {
  address: string;
  route: string;
  routes: Set<string>;
  firstAt: number;
  lastAt: number;
  /** Failures not yet written. */
  count: number;
  addresses?: Set<string>;
}

/**
 * Audits refused operator credentials (`platform.admin_auth.failed`, actor `anonymous`) without
 * letting a guessing flood turn into a flood of writes: per address and per one-minute window, the
 * first failure is written at once and the rest are written when the window closes, as one entry
 * with their count. So an address costs at most two entries a minute, and a flood from more than
 * MAX_ADDRESSES addresses in a window adds one more, for all the others (with how many there
 * were). The counts of an address's entries add up to its failures. Writes run one at a time, off
 * the request path; a failed write is logged.
 */
export function createAuthFailureAudit(opts: { db: Db; log: (message: string, error?: unknown) => void; windowMs?: number }) {
  const windowMs = opts.windowMs ?? WINDOW_MS;
  let slots = new Map<string, Slot>();
  let timer: NodeJS.Timeout | undefined;
  let writes: Promise<unknown> = Promise.resolve();

  const write = (slot: Slot, count: number) => {
    const data: Record<string, unknown> = {
      address: slot.address,
      route: slot.route,
      count,
      firstAt: new Date(slot.firstAt).toISOString(),
      lastAt: new Date(slot.lastAt).toISOString(),
      windowSeconds: windowMs / 1000,
    };
    if (slot.routes.size > 1) data.routes = [...slot.routes];
    if (slot.addresses) data.addresses = slot.addresses.size;
    writes = writes
      .then(() => audit(opts.db, { actor: 'anonymous', action: AUTH_FAILED_ACTION, subjectType: 'admin_auth', subjectId: slot.address, data }))
      .catch((error) => opts.log('failed admin authentication could not be audited', error));
  };

  function closeWindow(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const closing = slots;
    slots = new Map();
    for (const slot of closing.values()) if (slot.count > 0) write(slot, slot.count);
  }

  return {
    /** One refused operator credential from `address` on `route` (the route's pattern). */
    record(address: string, route: string, now: number = Date.now()): void {
      timer ??= setTimeout(closeWindow, windowMs).unref();
      let slot = slots.get(address);
      if (!slot && slots.size >= MAX_ADDRESSES) {
        slot = slots.get('*');
        if (!slot) {
          slot = { address: '*', route, routes: new Set([route]), firstAt: now, lastAt: now, count: 0, addresses: new Set() };
          slots.set('*', slot);
        }
        if (slot.addresses!.size < 100_000) slot.addresses!.add(address);
      }
      if (!slot) {
        slot = { address, route, routes: new Set([route]), firstAt: now, lastAt: now, count: 0 };
        slots.set(address, slot);
        write(slot, 1);
        return;
      }
      slot.count++;
      slot.lastAt = now;
      if (slot.routes.size < MAX_ROUTES) slot.routes.add(route);
    },
    /** Writes what the window holds now and waits for every write (tests, shutdown). */
    flush(): Promise<unknown> {
      closeWindow();
      return writes;
    },
  };
}
export type AuthFailureAudit = ReturnType<typeof createAuthFailureAudit>;

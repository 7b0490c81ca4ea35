import type { Db } from '../platform/transaction.js';
import * as repo from './customer-accounts.repository.js';
import { readSession, type SessionInfo } from './sessions.js';

/**
 * A customer's session travels in its own cookie, `tq_customer`: HttpOnly, SameSite=Lax (a fan
 * following a link from their email arrives signed in), Path=/api, Secure on https. Lax lets the
 * cookie ride on top-level cross-site GETs, so every state-changing account route also checks
 * that the request comes from our own pages (`requireSameOrigin`).
 */
export const CUSTOMER_COOKIE = 'tq_customer';

/** The signed-in customer behind a cookie's secret, or undefined (none, expired, revoked, half signed in). */
export async function signedInCustomer(db: Db, secret: string | undefined): Promise<{ session: SessionInfo; customer: repo.CustomerRow } | undefined> {
  const session = await readSession(db, 'customer', secret);
  if (session?.state !== 'signed_in') return undefined;
  const customer = await repo.findCustomerById(db, session.subjectId);
  if (!customer || customer.must_reset) return undefined;
  await repo.markCustomerUsed(db, customer.id);
  return { session, customer };
}

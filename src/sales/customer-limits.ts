import { conflict } from '../platform/errors.js';
import type { Tx } from '../platform/transaction.js';
import * as repo from './customer-limits.repository.js';

/**
 * The per-customer ticket limit of an event (`max_tickets_per_customer`), across orders for one
 * performance: paid and pending tickets of the same account, or of the same buyer email (case
 * aside; for a signed-in fan, also the account's own email), plus this order's, may not pass it.
 * Runs inside the order's transaction, under advisory locks per performance and key, so orders
 * racing for one customer are counted one after the other and cannot all slip under the limit.
 */
export interface LimitInput {
  performanceId: string;
  /** Tickets in the order being made. */
  quantity: number;
  buyerEmail: string;
  customer: { id: string; email: string } | null;
}

export async function enforceCustomerLimit(tx: Tx, input: LimitInput): Promise<void> {
  const limit = await repo.limitOfPerformance(tx, input.performanceId);
  if (limit === null) return;
  const emails = [...new Set([input.buyerEmail, input.customer?.email].filter((e): e is string => Boolean(e)).map((e) => e.trim().toLowerCase()))];
  const keys = [...emails.map((e) => `email:${e}`), ...(input.customer ? [`customer:${input.customer.id}`] : [])];
  await repo.lockCustomerKeys(tx, input.performanceId, keys);
  const already = await repo.ticketsOfCustomer(tx, input.performanceId, input.customer?.id ?? null, emails);
  if (already + input.quantity > limit) {
    throw conflict('customer_limit_reached', `At most ${limit} tickets per customer for this performance; ${already} are already bought or being paid for`, {
      limit,
      already,
      requested: input.quantity,
    });
  }
}

import type { Config } from '../config.js';
import { type CustomerEmailKind, renderCustomerEmail } from '../notifications/customer-templates.js';
import { enqueueEmail } from '../notifications/outbox.service.js';
import type { CustomerLocale } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';
import * as repo from './customer-accounts.repository.js';
import { newSecret, sha256Hex } from './secrets.js';

/**
 * The emails a customer account sends, each with its single-use link where it has one: a 256-bit
 * token, only its SHA-256 stored, good for 48 hours to confirm the address and one hour to reset
 * the password. The token travels after `#` so it reaches neither servers' logs nor Referer
 * headers; the page posts it. Written to the outbox in the caller's transaction.
 */
export const TOKEN_MINUTES = { verify_email: 48 * 60, reset_password: 60 } as const;

const PATHS: Record<CustomerEmailKind, string> = {
  verify_email: '/account/verify',
  reset_password: '/account/reset',
  forced_reset: '/account/reset',
  account_exists: '/account/sign-in',
};

export async function sendCustomerEmail(
  db: Db | Tx,
  config: Config,
  customer: { id: string; email: string; locale: CustomerLocale },
  kind: CustomerEmailKind,
): Promise<void> {
  let url = `${config.baseUrl}${PATHS[kind]}`;
  if (kind !== 'account_exists') {
    const purpose = kind === 'verify_email' ? 'verify_email' : 'reset_password';
    const token = newSecret();
    await repo.insertToken(db, customer.id, purpose, sha256Hex(token), TOKEN_MINUTES[purpose]);
    url += `#token=${encodeURIComponent(token)}`;
  }
  const email = renderCustomerEmail(kind, { url, locale: customer.locale });
  await enqueueEmail(db, { kind: `customer_${kind}`, recipient: customer.email, locale: customer.locale, ...email });
}

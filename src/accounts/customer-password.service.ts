import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError, badRequest } from '../platform/errors.js';
import * as repo from './customer-accounts.repository.js';
import { sendCustomerEmail } from './customer-mail.js';
import { linkInvalid } from './customer-sign-up.service.js';
import { checkPassword, hashPassword, verifyPassword } from './passwords.js';
import { sha256Hex } from './secrets.js';
import { endAllSessions } from './sessions.js';
import type { Client } from './staff-sign-in.service.js';

/**
 * A customer's password: the reset link (asked for by the fan, or sent by an operator's forced
 * reset), and changing it while signed in. A reset ends every session of the account, a change
 * every one but the current. The length needed is 15 characters, or 8 once a second factor is
 * enrolled (NIST SP 800-63B-4).
 */
const RESEND_MINUTES = 2;

const minLengthOf = (customer: { totp_secret: string | null }) => (customer.totp_secret ? 8 : 15) as 8 | 15;

function acceptable(password: string, customer: { email: string; totp_secret: string | null }, field: string): void {
  const verdict = checkPassword(password, { minLength: minLengthOf(customer), email: customer.email });
  if (!verdict.ok) throw badRequest('weak_password', verdict.message!, { field, reason: verdict.problem });
}

/** Always the same answer; the account's owner gets the link (not twice within two minutes). */
export async function requestPasswordReset(ctx: AppContext, email: string, client: Client): Promise<void> {
  const customer = await repo.findCustomerByEmail(ctx.db, email);
  if (!customer || (await repo.recentLiveToken(ctx.db, customer.id, 'reset_password', RESEND_MINUTES))) return;
  await ctx.db.transaction().execute(async (tx) => {
    await sendCustomerEmail(tx, ctx.config, customer, customer.must_reset ? 'forced_reset' : 'reset_password');
    await audit(tx, {
      actor: 'anonymous',
      action: 'accounts.customer.password_reset_requested',
      subjectType: 'customer',
      subjectId: customer.id,
      ip: client.ip,
    });
  });
}

/**
 * Sets a new password with a reset link: the link works once (and every other reset link of the
 * account stops working), every session of the account ends, a pending forced reset is done, and
 * the email counts as confirmed (the link reached it).
 */
export async function resetPassword(ctx: AppContext, token: string, password: string, client: Client): Promise<{ sessionsEnded: number }> {
  return ctx.db.transaction().execute(async (tx) => {
    const found = await repo.lockLiveToken(tx, sha256Hex(token), 'reset_password');
    const customer = found && (await repo.lockCustomer(tx, found.customer_id));
    if (!customer) throw linkInvalid();
    acceptable(password, customer, 'body.password');
    await repo.setPassword(tx, customer.id, await hashPassword(password));
    await repo.spendTokens(tx, customer.id, 'reset_password');
    if (!customer.email_verified_at) await repo.updateCustomer(tx, customer.id, { email_verified_at: new Date() });
    const sessionsEnded = await endAllSessions(tx, 'customer', customer.id, 'password reset');
    await audit(tx, {
      actor: `customer:${customer.id}`,
      action: 'accounts.customer.password_reset',
      subjectType: 'customer',
      subjectId: customer.id,
      ip: client.ip,
      data: { sessionsEnded, forced: customer.must_reset },
    });
    return { sessionsEnded };
  });
}

/** The current password first; every other session of the account ends. */
export async function changeCustomerPassword(
  ctx: AppContext,
  customerId: string,
  sessionId: string,
  current: string,
  next: string,
  client: Client,
): Promise<number> {
  const customer = await repo.findCustomerById(ctx.db, customerId);
  if (!customer || !(await verifyPassword(customer.password_hash, current))) {
    await audit(ctx.db, {
      actor: `customer:${customerId}`,
      action: 'accounts.customer.password_change_failed',
      subjectType: 'customer',
      subjectId: customerId,
      ip: client.ip,
    });
    throw new AppError('invalid_credentials', 401, 'The current password is not right');
  }
  acceptable(next, customer, 'body.newPassword');
  return ctx.db.transaction().execute(async (tx) => {
    await repo.setPassword(tx, customerId, await hashPassword(next));
    const ended = await endAllSessions(tx, 'customer', customerId, 'password changed', sessionId);
    await audit(tx, {
      actor: `customer:${customerId}`,
      action: 'accounts.customer.password_changed',
      subjectType: 'customer',
      subjectId: customerId,
      ip: client.ip,
      data: { sessionsEnded: ended },
    });
    return ended;
  });
}

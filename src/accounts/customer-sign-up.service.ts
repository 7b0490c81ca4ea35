import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { CustomerLocale } from '../platform/database.types.js';
import { AppError, badRequest } from '../platform/errors.js';
import * as repo from './customer-accounts.repository.js';
import { sendCustomerEmail } from './customer-mail.js';
import { checkPassword, hashPassword, verifyPassword } from './passwords.js';
import { sha256Hex } from './secrets.js';
import { type NewSession, startSession } from './sessions.js';
import type { Client } from './staff-sign-in.service.js';

/**
 * Creating a customer account. The answer is the same whether the email is new or taken (a fan's
 * account list must not be readable through the sign-up form), and costs the same: the password
 * is hashed either way. The owner of the address is the one told: a new account gets the link to
 * confirm it, an unconfirmed one gets the link again, a confirmed one gets "you already have an
 * account". A password-only account needs 15 characters (NIST SP 800-63B-4).
 */
export interface SignUpInput {
  email: string;
  password: string;
  name?: string;
  locale: CustomerLocale;
}

/** Another copy of a link is sent only after this long: a form sent twice is not two emails. */
const RESEND_MINUTES = 5;

export async function signUp(ctx: AppContext, input: SignUpInput, client: Client): Promise<void> {
  const email = input.email.trim();
  const verdict = checkPassword(input.password, { minLength: 15, email });
  if (!verdict.ok) throw badRequest('weak_password', verdict.message!, { field: 'body.password', reason: verdict.problem });
  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (tx) => {
    const created = await repo.insertCustomer(tx, { email, name: input.name?.trim() ?? '', passwordHash, locale: input.locale });
    if (created) {
      await sendCustomerEmail(tx, ctx.config, created, 'verify_email');
      await audit(tx, {
        actor: `customer:${created.id}`,
        action: 'accounts.customer.signed_up',
        subjectType: 'customer',
        subjectId: created.id,
        ip: client.ip,
      });
      return;
    }
    const existing = await repo.findCustomerByEmail(tx, email);
    if (!existing) return;
    const verified = existing.email_verified_at !== null;
    if (!verified && (await repo.recentLiveToken(tx, existing.id, 'verify_email', RESEND_MINUTES))) return;
    await sendCustomerEmail(tx, ctx.config, existing, verified ? 'account_exists' : 'verify_email');
    await audit(tx, { actor: 'anonymous', action: 'accounts.customer.sign_up_repeated', subjectType: 'customer', subjectId: existing.id, ip: client.ip });
  });
}

const linkInvalid = () => new AppError('link_invalid', 401, 'This link is not valid, was used already, or has expired');

/**
 * Confirms the email a link was sent to, with the account's password, and signs the fan in. The
 * password is what stops a pre-hijack: someone who signs up with another person's address cannot
 * get it confirmed by that person clicking the link, since they would not know the password that
 * was chosen. The link works once; a wrong password leaves it usable (and is audited).
 */
export async function verifyEmail(ctx: AppContext, token: string, password: string, client: Client): Promise<{ email: string; session: NewSession }> {
  const tokenHash = sha256Hex(token);
  const found = await repo.findLiveToken(ctx.db, tokenHash, 'verify_email');
  const customer = found && (await repo.findCustomerById(ctx.db, found.customer_id));
  if (!customer) throw linkInvalid();
  if (!(await verifyPassword(customer.password_hash, password))) {
    await audit(ctx.db, {
      actor: 'anonymous',
      action: 'accounts.customer.sign_in_failed',
      subjectType: 'customer',
      subjectId: customer.id,
      ip: client.ip,
      data: { step: 'verify_email' },
    });
    throw new AppError('invalid_credentials', 401, 'The password is not right');
  }
  const session = await ctx.db.transaction().execute(async (tx) => {
    if (!(await repo.lockLiveToken(tx, tokenHash, 'verify_email'))) throw linkInvalid();
    await repo.spendTokens(tx, customer.id, 'verify_email');
    if (!customer.email_verified_at) await repo.updateCustomer(tx, customer.id, { email_verified_at: new Date() });
    await audit(tx, {
      actor: `customer:${customer.id}`,
      action: 'accounts.customer.email_verified',
      subjectType: 'customer',
      subjectId: customer.id,
      ip: client.ip,
    });
    return startSession(tx, 'customer', customer.id, 'signed_in', client);
  });
  await audit(ctx.db, {
    actor: `customer:${customer.id}`,
    action: 'accounts.customer.signed_in',
    subjectType: 'customer',
    subjectId: customer.id,
    ip: client.ip,
    data: { method: 'password' },
  });
  return { email: customer.email, session };
}

export { linkInvalid };

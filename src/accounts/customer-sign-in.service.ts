import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import * as repo from './customer-accounts.repository.js';
import { sendCustomerEmail } from './customer-mail.js';
import { verifyPassword } from './passwords.js';
import { recoveryCodeHash } from './recovery-codes.js';
import { endSession, type NewSession, type SessionInfo, startSession } from './sessions.js';
import { accountSealers, type Client } from './staff-sign-in.service.js';
import { acceptAccountTotp } from './totp.js';

/**
 * Signing a fan in: the password, then the TOTP code (or a recovery code) when they enrolled one.
 * An unknown email and a wrong password get the same answer in about the same time (the unknown
 * one still costs an argon2 verification against a dummy hash). Only the right password learns
 * more: that the email is not confirmed yet, or that an operator's forced reset is pending (the
 * sign-in then sends a fresh link, since the first one may have expired). Throttling happens
 * before any of this, in the routes (login-throttle.ts).
 */
export type CustomerStep = { state: 'second_factor'; methods: ('totp' | 'recovery_code')[] } | { state: 'signed_in' };

const invalid = () => new AppError('invalid_credentials', 401, 'The email or password is not right');
const badCode = () => new AppError('invalid_code', 401, 'That code is not right, or was already used; try the next one');
/** A link already sent recently is not sent again on every attempt. */
const RESEND_MINUTES = 10;

export async function customerPasswordSignIn(
  ctx: AppContext,
  email: string,
  password: string,
  client: Client,
): Promise<{ session: NewSession; step: CustomerStep }> {
  const customer = await repo.findCustomerByEmail(ctx.db, email);
  const ok = await verifyPassword(customer?.password_hash, password);
  if (!ok || !customer) {
    await audit(ctx.db, {
      actor: 'anonymous',
      action: 'accounts.customer.sign_in_failed',
      subjectType: 'customer',
      subjectId: customer?.id ?? 'unknown',
      ip: client.ip,
    });
    throw invalid();
  }
  if (notReady(customer)) {
    const reason = await remindNotReady(ctx, customer, client);
    throw reason === 'email_unverified'
      ? new AppError('email_unverified', 403, 'Confirm your email first: we have sent you the link again')
      : new AppError('password_reset_required', 403, 'Set a new password first: we have emailed you a link to do it');
  }
  if (customer.totp_secret) {
    const session = await startSession(ctx.db, 'customer', customer.id, 'password', client);
    await audit(ctx.db, {
      actor: `customer:${customer.id}`,
      action: 'accounts.customer.password_verified',
      subjectType: 'customer',
      subjectId: customer.id,
      ip: client.ip,
    });
    return { session, step: { state: 'second_factor', methods: ['totp', 'recovery_code'] } };
  }
  return { session: await completeSignIn(ctx, customer.id, client, 'password'), step: { state: 'signed_in' } };
}

/** An account that may not sign in yet, whatever it signs in with: its email unconfirmed, or a forced reset pending. */
export const notReady = (customer: repo.CustomerRow) => !customer.email_verified_at || customer.must_reset;

/**
 * For a sign-in that proved who it is on an account `notReady`: the link the account is waiting
 * for is emailed again (unless one went out minutes ago) and the refusal is audited with its
 * reason (and `method` when it was not the password). Answers the reason; the caller refuses.
 */
export async function remindNotReady(
  ctx: AppContext,
  customer: repo.CustomerRow,
  client: Client,
  method?: string,
): Promise<'email_unverified' | 'password_reset_required'> {
  const unverified = !customer.email_verified_at;
  if (!(await repo.recentLiveToken(ctx.db, customer.id, unverified ? 'verify_email' : 'reset_password', RESEND_MINUTES))) {
    await sendCustomerEmail(ctx.db, ctx.config, customer, unverified ? 'verify_email' : 'forced_reset');
  }
  const reason = unverified ? 'email_unverified' : 'password_reset_required';
  await audit(ctx.db, {
    actor: `customer:${customer.id}`,
    action: 'accounts.customer.sign_in_refused',
    subjectType: 'customer',
    subjectId: customer.id,
    ip: client.ip,
    data: method ? { reason, method } : { reason },
  });
  return reason;
}

/** The signed-in session, after the password alone, a second factor or a passkey; audited with the method. */
export async function completeSignIn(ctx: AppContext, customerId: string, client: Client, method: string, partial?: SessionInfo): Promise<NewSession> {
  if (partial) await endSession(ctx.db, partial.id, 'second factor shown');
  const session = await startSession(ctx.db, 'customer', customerId, 'signed_in', client, method !== 'password');
  await repo.markCustomerUsed(ctx.db, customerId);
  await audit(ctx.db, {
    actor: `customer:${customerId}`,
    action: 'accounts.customer.signed_in',
    subjectType: 'customer',
    subjectId: customerId,
    ip: client.ip,
    data: { method },
  });
  return session;
}

/**
 * Checks a TOTP code and records its step so it cannot be used again; the account row is locked
 * meanwhile, so two requests racing with one code cannot both pass.
 */
export async function checkCustomerTotp(ctx: AppContext, customerId: string, code: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (tx) => {
    const customer = await repo.lockCustomer(tx, customerId);
    const step = customer ? acceptAccountTotp(accountSealers(ctx.config).totp, customer, code) : null;
    if (step === null) return false;
    await repo.updateCustomer(tx, customerId, { totp_last_step: step });
    return true;
  });
}

export const spendCustomerRecoveryCode = (ctx: AppContext, customerId: string, code: string) =>
  repo.spendRecoveryCode(ctx.db, customerId, recoveryCodeHash(accountSealers(ctx.config).recovery, code));

/** Checks `{ totp }` or `{ recoveryCode }`; audits a failure. */
export async function checkCustomerSecondFactor(
  ctx: AppContext,
  customerId: string,
  factor: { totp?: string; recoveryCode?: string },
  client: Client,
): Promise<string> {
  const method = factor.totp !== undefined ? 'totp' : 'recovery_code';
  const ok =
    factor.totp !== undefined
      ? await checkCustomerTotp(ctx, customerId, factor.totp)
      : await spendCustomerRecoveryCode(ctx, customerId, factor.recoveryCode ?? '');
  if (!ok) {
    await audit(ctx.db, {
      actor: `customer:${customerId}`,
      action: 'accounts.customer.second_factor_failed',
      subjectType: 'customer',
      subjectId: customerId,
      ip: client.ip,
      data: { factor: method },
    });
    throw badCode();
  }
  return method;
}

export async function customerSecondFactorSignIn(
  ctx: AppContext,
  partial: SessionInfo,
  factor: { totp?: string; recoveryCode?: string },
  client: Client,
): Promise<NewSession> {
  if (partial.state !== 'password') throw new AppError('wrong_step', 409, 'Sign in with your password first');
  const method = await checkCustomerSecondFactor(ctx, partial.subjectId, factor, client);
  return completeSignIn(ctx, partial.subjectId, client, method, partial);
}

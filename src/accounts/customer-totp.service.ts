import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError, badRequest, conflict } from '../platform/errors.js';
import * as repo from './customer-accounts.repository.js';
import { checkCustomerSecondFactor } from './customer-sign-in.service.js';
import { verifyPassword } from './passwords.js';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';
import { accountSealers, type Client } from './staff-sign-in.service.js';
import { acceptTotp, newTotpSecret, totpUri } from './totp.js';

/**
 * A fan's optional second factor: an authenticator app (TOTP, 160-bit secret, sealed in the
 * database like staff's) with ten single-use recovery codes, shown once. Once enrolled, sign-in
 * asks for a code after the password. Turning it off needs the password, a code, and a password
 * that can stand alone (15 characters or more).
 */

/** A secret for the authenticator app; nothing is stored until a code from it is confirmed. */
export async function customerTotpSetup(ctx: AppContext, customerId: string) {
  const customer = await repo.findCustomerById(ctx.db, customerId);
  if (customer?.totp_secret) throw conflict('totp_enrolled', 'An authenticator app is already set up; turn it off first to set up another');
  const secret = newTotpSecret();
  return { secret, uri: totpUri(secret, customer?.email ?? customerId) };
}

export async function customerTotpConfirm(ctx: AppContext, customerId: string, secret: string, code: string, client: Client): Promise<string[]> {
  if (!/^[A-Z2-7]{32}$/.test(secret))
    throw badRequest('invalid_request', 'body.secret must be the 32-character secret from the setup step', { field: 'body.secret' });
  const step = acceptTotp(secret, code, null);
  if (step === null) throw new AppError('invalid_code', 401, 'That code does not match; check the time on your phone and try the next one');
  const { totp, recovery } = accountSealers(ctx.config);
  const codes = newRecoveryCodes();
  await ctx.db.transaction().execute(async (tx) => {
    const customer = await repo.lockCustomer(tx, customerId);
    if (customer?.totp_secret) throw conflict('totp_enrolled', 'An authenticator app is already set up');
    await repo.updateCustomer(tx, customerId, { totp_secret: totp.seal(secret), totp_last_step: step });
    await repo.replaceRecoveryCodes(
      tx,
      customerId,
      codes.map((c) => recoveryCodeHash(recovery, c)),
    );
    await audit(tx, {
      actor: `customer:${customerId}`,
      action: 'accounts.customer.mfa_enrolled',
      subjectType: 'customer',
      subjectId: customerId,
      ip: client.ip,
      data: { factor: 'totp' },
    });
  });
  return codes;
}

export async function customerTotpDisable(
  ctx: AppContext,
  customerId: string,
  input: { password: string; totp?: string; recoveryCode?: string },
  client: Client,
): Promise<void> {
  const customer = await repo.findCustomerById(ctx.db, customerId);
  if (!customer?.totp_secret) throw conflict('totp_not_enrolled', 'No authenticator app is set up');
  if (!(await verifyPassword(customer.password_hash, input.password))) throw new AppError('invalid_credentials', 401, 'The password is not right');
  if ([...input.password].length < 15) {
    throw conflict('password_too_short', 'Without a second factor the password must have at least 15 characters: change it first', { field: 'body.password' });
  }
  await checkCustomerSecondFactor(ctx, customerId, input, client);
  await ctx.db.transaction().execute(async (tx) => {
    await repo.updateCustomer(tx, customerId, { totp_secret: null, totp_last_step: null });
    await repo.replaceRecoveryCodes(tx, customerId, []);
    await audit(tx, {
      actor: `customer:${customerId}`,
      action: 'accounts.customer.mfa_removed',
      subjectType: 'customer',
      subjectId: customerId,
      ip: client.ip,
      data: { factor: 'totp' },
    });
  });
}

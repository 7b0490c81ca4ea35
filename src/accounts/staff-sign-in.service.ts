import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { verifyPassword } from './passwords.js';
import { recoveryCodeHash } from './recovery-codes.js';
import { createSealer } from './secrets.js';
import { endSession, type NewSession, type SessionInfo, startSession } from './sessions.js';
import * as repo from './staff.repository.js';
import { acceptAccountTotp } from './totp.js';
import { assertionOptions, relyingParty, verifyAssertion } from './webauthn.js';

/**
 * Signing staff in: a password then a second factor (TOTP or a recovery code), or a passkey alone
 * (it is two factors in one). Failures are audited and answer the same whatever was wrong, in
 * about the same time (an unknown account still costs one argon2 verification), so accounts cannot
 * be enumerated. Throttling happens before any of this, in the routes (login-throttle.ts).
 */
export interface Client {
  ip: string | null;
  userAgent: string | null;
}

export type SignInStep = { state: 'second_factor'; methods: ('totp' | 'recovery_code' | 'passkey')[] } | { state: 'enrol' } | { state: 'signed_in' };

const invalid = () => new AppError('invalid_credentials', 401, 'The email or password is not right');
const badCode = () => new AppError('invalid_code', 401, 'That code is not right, or was already used; try the next one');

const sealers = new WeakMap<AppContext['config'], { totp: ReturnType<typeof createSealer>; recovery: ReturnType<typeof createSealer> }>();
export function accountSealers(config: AppContext['config']) {
  let s = sealers.get(config);
  if (!s) {
    s = { totp: createSealer(config.secret, 'totp-secrets'), recovery: createSealer(config.secret, 'recovery-codes') };
    sealers.set(config, s);
  }
  return s;
}

export async function passwordSignIn(ctx: AppContext, email: string, password: string, client: Client): Promise<{ session: NewSession; step: SignInStep }> {
  const staff = await repo.findStaffByEmail(ctx.db, email);
  const ok = await verifyPassword(staff?.password_hash, password);
  if (!ok || !staff || staff.status !== 'active') {
    await audit(ctx.db, {
      actor: 'anonymous',
      action: 'accounts.staff.sign_in_failed',
      subjectType: 'staff',
      subjectId: staff?.id ?? 'unknown',
      data: { address: client.ip, factor: 'password' },
    });
    throw invalid();
  }
  const passkeys = await repo.passkeysOf(ctx.db, staff.id);
  const methods: ('totp' | 'recovery_code' | 'passkey')[] = [];
  if (staff.totp_secret) methods.push('totp');
  if (passkeys.length) methods.push('passkey');
  if (methods.length) methods.push('recovery_code');
  const state = methods.length ? 'password' : 'enrol';
  const session = await startSession(ctx.db, 'staff', staff.id, state, client);
  await audit(ctx.db, {
    actor: `staff:${staff.id}`,
    action: 'accounts.staff.password_verified',
    subjectType: 'staff',
    subjectId: staff.id,
    data: { address: client.ip },
  });
  return { session, step: state === 'enrol' ? { state: 'enrol' } : { state: 'second_factor', methods } };
}

/** Ends the partial session and starts a signed-in one: the secret seen before the second factor opens nothing after it. */
async function completeSignIn(ctx: AppContext, staffId: string, client: Client, method: string, partial?: SessionInfo): Promise<NewSession> {
  if (partial) await endSession(ctx.db, partial.id, 'second factor shown');
  const session = await startSession(ctx.db, 'staff', staffId, 'signed_in', client, true);
  await repo.markStaffUsed(ctx.db, staffId);
  await audit(ctx.db, {
    actor: `staff:${staffId}`,
    action: 'accounts.staff.signed_in',
    subjectType: 'staff',
    subjectId: staffId,
    data: { method, address: client.ip },
  });
  return session;
}

async function secondFactorFailed(ctx: AppContext, staffId: string, client: Client, factor: string): Promise<never> {
  await audit(ctx.db, {
    actor: `staff:${staffId}`,
    action: 'accounts.staff.second_factor_failed',
    subjectType: 'staff',
    subjectId: staffId,
    data: { factor, address: client.ip },
  });
  throw badCode();
}

/**
 * Checks a TOTP code for a person and records its step, so it cannot be used again. The account row
 * is locked while it does, so two requests racing with one code cannot both pass.
 */
export async function checkTotp(ctx: AppContext, staffId: string, code: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (tx) => {
    const staff = await repo.lockStaff(tx, staffId);
    const step = staff ? acceptAccountTotp(accountSealers(ctx.config).totp, staff, code) : null;
    if (step === null) return false;
    await tx.updateTable('staff').set({ totp_last_step: step }).where('id', '=', staffId).execute();
    return true;
  });
}

export async function checkRecoveryCode(ctx: AppContext, staffId: string, code: string): Promise<boolean> {
  return repo.spendRecoveryCode(ctx.db, staffId, recoveryCodeHash(accountSealers(ctx.config).recovery, code));
}

export async function secondFactorSignIn(
  ctx: AppContext,
  partial: SessionInfo,
  factor: { totp?: string; recoveryCode?: string },
  client: Client,
): Promise<NewSession> {
  if (partial.state !== 'password') throw new AppError('wrong_step', 409, 'Sign in with your password first');
  const ok =
    factor.totp !== undefined
      ? await checkTotp(ctx, partial.subjectId, factor.totp)
      : await checkRecoveryCode(ctx, partial.subjectId, factor.recoveryCode ?? '');
  if (!ok) return secondFactorFailed(ctx, partial.subjectId, client, factor.totp !== undefined ? 'totp' : 'recovery_code');
  return completeSignIn(ctx, partial.subjectId, client, factor.totp !== undefined ? 'totp' : 'recovery_code', partial);
}

export const passkeySignInOptions = (ctx: AppContext) => assertionOptions(ctx.db, relyingParty(ctx.config.baseUrl), 'passkey_sign_in');

/** A passkey assertion for one of the person's passkeys; the counter it carries moves on. */
async function checkPasskey(ctx: AppContext, purpose: 'passkey_sign_in' | 'passkey_sudo', response: AuthenticationResponseJSON, personId: string | null) {
  const passkey = typeof response?.id === 'string' ? await repo.findPasskey(ctx.db, response.id) : undefined;
  if (!passkey || (personId !== null && passkey.staff_id !== personId))
    throw new AppError('passkey_refused', 401, 'The passkey could not be verified; try again');
  const counter = await verifyAssertion(ctx.db, relyingParty(ctx.config.baseUrl), purpose, response, passkey, personId);
  await ctx.db.updateTable('staff_passkeys').set({ counter, last_used_at: new Date() }).where('id', '=', passkey.id).execute();
  return passkey.staff_id;
}

export async function passkeySignIn(ctx: AppContext, response: AuthenticationResponseJSON, client: Client): Promise<NewSession> {
  const staffId = await checkPasskey(ctx, 'passkey_sign_in', response, null);
  const staff = await repo.findStaffById(ctx.db, staffId);
  if (staff?.status !== 'active') throw new AppError('passkey_refused', 401, 'The passkey could not be verified; try again');
  return completeSignIn(ctx, staffId, client, 'passkey');
}

export const passkeySudoOptions = (ctx: AppContext, staffId: string) => assertionOptions(ctx.db, relyingParty(ctx.config.baseUrl), 'passkey_sudo', staffId);

/** Sudo mode: a fresh second factor for the next five minutes of sensitive actions. */
export async function confirmSudo(
  ctx: AppContext,
  session: SessionInfo,
  factor: { totp?: string; recoveryCode?: string; passkey?: AuthenticationResponseJSON },
  client: Client,
): Promise<void> {
  const staffId = session.subjectId;
  let ok: boolean;
  if (factor.passkey) ok = (await checkPasskey(ctx, 'passkey_sudo', factor.passkey, staffId)) === staffId;
  else if (factor.totp !== undefined) ok = await checkTotp(ctx, staffId, factor.totp);
  else ok = await checkRecoveryCode(ctx, staffId, factor.recoveryCode ?? '');
  if (!ok) await secondFactorFailed(ctx, staffId, client, 'sudo');
  await ctx.db.updateTable('sessions').set({ second_factor_at: new Date() }).where('id', '=', session.id).execute();
  await audit(ctx.db, { actor: `staff:${staffId}`, action: 'accounts.staff.sudo', subjectType: 'staff', subjectId: staffId, data: { address: client.ip } });
}

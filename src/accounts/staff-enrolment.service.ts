import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { Db, Tx } from '../platform/transaction.js';
import { AppError, badRequest } from '../platform/errors.js';
import { checkPassword, hashPassword } from './passwords.js';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';
import { newSecret, sha256Hex } from './secrets.js';
import { endAllSessions, type NewSession, type SessionInfo, startSession } from './sessions.js';
import { accountSealers, type Client } from './staff-sign-in.service.js';
import * as repo from './staff.repository.js';
import { acceptTotp, newTotpSecret, totpUri } from './totp.js';
import { registrationOptions, relyingParty, verifyRegistration } from './webauthn.js';

/**
 * Getting a staff member from an invitation to a signed-in session with a second factor. Nothing is
 * visible before both: an invitation sets the password and leaves the person in the `enrol` state,
 * whose only routes enrol a factor. The first factor enrolled also issues the recovery codes,
 * shown once.
 */
const INVITATION_HOURS = 72;

export async function newInvitation(db: Db | Tx, staffId: string): Promise<string> {
  const token = newSecret();
  await repo.insertInvitation(db, staffId, sha256Hex(token), INVITATION_HOURS);
  return token;
}

/** Takes only the config, so the command line (which has no AppContext) builds the same link. */
export const invitationUrl = (ctx: { config: Pick<AppContext['config'], 'baseUrl'> }, token: string) =>
  `${ctx.config.baseUrl}/console/invite#token=${encodeURIComponent(token)}`;

/** Sets the password an invitation asks for (8+ characters: staff always have a second factor). */
export async function acceptInvitation(ctx: AppContext, token: string, password: string, client: Client): Promise<NewSession> {
  return ctx.db.transaction().execute(async (tx) => {
    const invitation = await repo.lockInvitation(tx, sha256Hex(token));
    if (!invitation) throw new AppError('invitation_invalid', 401, 'This invitation link is not valid, was used already, or has expired; ask for a new one');
    const staff = await repo.lockStaff(tx, invitation.staff_id);
    if (!staff || staff.status === 'disabled')
      throw new AppError('invitation_invalid', 401, 'This invitation link is not valid, was used already, or has expired; ask for a new one');
    const verdict = checkPassword(password, { minLength: 8, email: staff.email });
    if (!verdict.ok) throw badRequest('weak_password', verdict.message!, { field: 'body.password', reason: verdict.problem });
    await tx.updateTable('staff_invitations').set({ used_at: new Date() }).where('id', '=', invitation.id).execute();
    // A fresh start: the old password, factors and sessions (a purge, a lost device) are gone.
    await tx
      .updateTable('staff')
      .set({ password_hash: await hashPassword(password), password_changed_at: new Date(), status: 'active', totp_secret: null, totp_last_step: null })
      .where('id', '=', staff.id)
      .execute();
    await tx.deleteFrom('staff_passkeys').where('staff_id', '=', staff.id).execute();
    await repo.replaceRecoveryCodes(tx, staff.id, []);
    await endAllSessions(tx, 'staff', staff.id, 'invitation accepted');
    await audit(tx, {
      actor: `staff:${staff.id}`,
      action: 'accounts.staff.invitation_accepted',
      subjectType: 'staff',
      subjectId: staff.id,
      data: { address: client.ip },
    });
    return startSession(tx, 'staff', staff.id, 'enrol', client);
  });
}

async function hasFactor(ctx: AppContext, staffId: string): Promise<boolean> {
  const staff = await repo.findStaffById(ctx.db, staffId);
  return Boolean(staff?.totp_secret) || (await repo.passkeysOf(ctx.db, staffId)).length > 0;
}

/** After a factor is enrolled: the first one issues recovery codes and turns an `enrol` session into a signed-in one. */
async function enrolled(ctx: AppContext, session: SessionInfo, factor: 'totp' | 'passkey', first: boolean, client: Client) {
  await audit(ctx.db, {
    actor: `staff:${session.subjectId}`,
    action: 'accounts.staff.mfa_enrolled',
    subjectType: 'staff',
    subjectId: session.subjectId,
    data: { factor },
  });
  let recoveryCodes: string[] | undefined;
  if (first) recoveryCodes = await issueRecoveryCodes(ctx, session.subjectId);
  let next: NewSession | undefined;
  if (session.state === 'enrol') {
    await endAllSessions(ctx.db, 'staff', session.subjectId, 'second factor enrolled');
    next = await startSession(ctx.db, 'staff', session.subjectId, 'signed_in', client, true);
    await audit(ctx.db, {
      actor: `staff:${session.subjectId}`,
      action: 'accounts.staff.signed_in',
      subjectType: 'staff',
      subjectId: session.subjectId,
      data: { method: factor, address: client.ip },
    });
  }
  return { recoveryCodes, session: next };
}

export async function issueRecoveryCodes(ctx: AppContext, staffId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await repo.replaceRecoveryCodes(
    ctx.db,
    staffId,
    codes.map((c) => recoveryCodeHash(accountSealers(ctx.config).recovery, c)),
  );
  await audit(ctx.db, {
    actor: `staff:${staffId}`,
    action: 'accounts.staff.recovery_codes_issued',
    subjectType: 'staff',
    subjectId: staffId,
    data: { count: codes.length },
  });
  return codes;
}

/** A secret for the authenticator app; nothing is stored until a code from it is confirmed. */
export async function totpSetup(ctx: AppContext, staffId: string) {
  const staff = await repo.findStaffById(ctx.db, staffId);
  const secret = newTotpSecret();
  return { secret, uri: totpUri(secret, staff?.email ?? staffId) };
}

export async function totpConfirm(ctx: AppContext, session: SessionInfo, secret: string, code: string, client: Client) {
  if (!/^[A-Z2-7]{32}$/.test(secret))
    throw badRequest('invalid_request', 'body.secret must be the 32-character secret from the setup step', { field: 'body.secret' });
  const step = acceptTotp(secret, code, null);
  if (step === null) throw new AppError('invalid_code', 401, 'That code does not match; check the time on your phone and try the next one');
  const first = !(await hasFactor(ctx, session.subjectId));
  await ctx.db
    .updateTable('staff')
    .set({ totp_secret: accountSealers(ctx.config).totp.seal(secret), totp_last_step: step })
    .where('id', '=', session.subjectId)
    .execute();
  return enrolled(ctx, session, 'totp', first, client);
}

export async function passkeyRegisterOptions(ctx: AppContext, staffId: string) {
  const staff = await repo.findStaffById(ctx.db, staffId);
  if (!staff) throw new AppError('unauthorized', 401, 'Sign in first');
  return registrationOptions(
    ctx.db,
    relyingParty(ctx.config.baseUrl),
    { id: staff.id, email: staff.email, name: staff.name },
    await repo.passkeysOf(ctx.db, staff.id),
  );
}

export async function passkeyRegister(ctx: AppContext, session: SessionInfo, response: RegistrationResponseJSON, name: string, client: Client) {
  const key = await verifyRegistration(ctx.db, relyingParty(ctx.config.baseUrl), session.subjectId, response);
  const first = !(await hasFactor(ctx, session.subjectId));
  await ctx.db
    .insertInto('staff_passkeys')
    .values({
      staff_id: session.subjectId,
      credential_id: key.credentialId,
      public_key: key.publicKey,
      counter: key.counter,
      transports: key.transports,
      name: name || 'Passkey',
    })
    .execute();
  return enrolled(ctx, session, 'passkey', first, client);
}

import type { Config } from '../config.js';
import { enqueueEmail } from '../notifications/outbox.service.js';
import { renderStaffInvitation } from '../notifications/staff-templates.js';
import { audit } from '../platform/audit.js';
import { badRequest, PG, pgCode } from '../platform/errors.js';
import type { Db, Tx } from '../platform/transaction.js';
import { restoreAsOwner, staffCounts } from './owner-invitation.repository.js';
import { endAllSessions } from './sessions.js';
import { invitationUrl, newInvitation } from './staff-enrolment.service.js';
import * as staffRepo from './staff.repository.js';

/**
 * Getting an owner in from outside the console: `taquilla staff create-owner`, the first start of
 * a development server, and the purge's kept owner. Whoever can run these already holds the
 * deployment's secrets and database, so this is no new way in; each use is audited.
 *
 * An unknown email becomes a new owner; a known one is made an owner again (a disabled account
 * goes back to `invited`) and gets a new invitation (single use, 72 hours). Accepting it replaces
 * the password and every factor, as any invitation does.
 */
export interface OwnerInvitation {
  staffId: string;
  email: string;
  created: boolean;
  url: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export async function inviteOwnerIn(
  tx: Tx,
  config: Pick<Config, 'baseUrl'>,
  input: { email: string; name?: string; actor: string; sendEmail?: boolean },
): Promise<OwnerInvitation> {
  const email = input.email.trim();
  if (!EMAIL.test(email) || email.length > 254) throw badRequest('invalid_request', `email must be an email address, got "${input.email}"`, { field: 'email' });
  const found = await staffRepo.findStaffByEmail(tx, email);
  let staff = found ? await staffRepo.lockStaff(tx, found.id) : undefined;
  let created = false;
  if (!staff) {
    staff = await staffRepo.insertStaff(tx, {
      email,
      name: input.name ?? '',
      role: 'owner',
      eventIds: [],
      performanceIds: [],
      refundLimit: null,
      createdBy: input.actor,
    });
    created = true;
    await audit(tx, { actor: input.actor, action: 'accounts.staff.invited', subjectType: 'staff', subjectId: staff.id, data: { email, role: 'owner' } });
  } else if (staff.role !== 'owner' || staff.status === 'disabled') {
    await restoreAsOwner(tx, staff.id, staff.status === 'active' ? 'active' : 'invited');
    const roleChanged = staff.role !== 'owner';
    const data = {
      role: roleChanged ? { from: staff.role, to: 'owner' } : undefined,
      status: staff.status === 'disabled' ? { from: 'disabled', to: 'invited' } : undefined,
    };
    // A role change ends the account's sessions, as it does from the console.
    const sessionsEnded = roleChanged ? await endAllSessions(tx, 'staff', staff.id, 'role changed') : 0;
    const action = roleChanged ? 'accounts.staff.role_changed' : 'accounts.staff.enabled';
    await audit(tx, { actor: input.actor, action, subjectType: 'staff', subjectId: staff.id, data: { ...data, sessionsEnded, via: 'command line' } });
  }
  const token = await newInvitation(tx, staff.id);
  const url = invitationUrl({ config }, token);
  if (!created) await audit(tx, { actor: input.actor, action: 'accounts.staff.reinvited', subjectType: 'staff', subjectId: staff.id, data: { role: 'owner' } });
  if (input.sendEmail) {
    const message = renderStaffInvitation({ name: staff.name, role: 'owner', url, locale: 'en' });
    await enqueueEmail(tx, { kind: 'staff_invitation', recipient: staff.email, locale: 'en', ...message });
  }
  return { staffId: staff.id, email: staff.email, created, url };
}

/** `inviteOwnerIn` in a transaction of its own; two processes inviting the same new email at once both end with an invitation. */
export async function inviteOwner(db: Db, config: Pick<Config, 'baseUrl'>, input: Parameters<typeof inviteOwnerIn>[2]): Promise<OwnerInvitation> {
  try {
    return await db.transaction().execute((tx) => inviteOwnerIn(tx, config, input));
  } catch (error) {
    if (pgCode(error) !== PG.uniqueViolation) throw error;
    return db.transaction().execute((tx) => inviteOwnerIn(tx, config, input));
  }
}

/**
 * A development server's first start: with no staff at all, TAQUILLA_OWNER_EMAIL becomes the first
 * owner and the start-up banner prints its invitation. Until someone accepts it (no active
 * account yet, only that invited owner), each start prints a fresh link. Never in production.
 */
export async function firstOwnerForDevelopment(db: Db, config: Pick<Config, 'env' | 'baseUrl' | 'ownerEmail'>): Promise<OwnerInvitation | undefined> {
  if (config.env !== 'development') return undefined;
  const counts = await staffCounts(db);
  if (counts.active > 0) return undefined;
  if (counts.total > 0) {
    const bootstrap = await staffRepo.findStaffByEmail(db, config.ownerEmail);
    if (counts.total !== 1 || bootstrap?.role !== 'owner' || bootstrap.status !== 'invited') return undefined;
  }
  return inviteOwner(db, config, { email: config.ownerEmail, actor: 'system' });
}

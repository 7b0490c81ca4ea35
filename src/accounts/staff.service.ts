import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { StaffRole } from '../platform/database.types.js';
import { AppError, badRequest, conflict, notFound, PG, pgCode } from '../platform/errors.js';
import { enqueueEmail } from '../notifications/outbox.service.js';
import { renderStaffInvitation } from '../notifications/staff-templates.js';
import { checkPassword, hashPassword, verifyPassword } from './passwords.js';
import { actorOf, type Principal } from './principal.js';
import { endAllSessions } from './sessions.js';
import { invitationUrl, newInvitation } from './staff-enrolment.service.js';
import * as repo from './staff.repository.js';

/**
 * The staff list and what owners and admins do to it: invite, change a role or its limits,
 * disable (which ends every session of the account at once, on every node: sessions are read
 * from the database on each request), enable again. Only an owner grants or takes away the owner
 * role, and the last active owner cannot be disabled or demoted.
 */
export interface StaffInput {
  email: string;
  name?: string;
  role: StaffRole;
  eventIds?: string[];
  performanceIds?: string[];
  refundLimit?: number | null;
}

type StaffRow = NonNullable<Awaited<ReturnType<typeof repo.findStaffById>>>;

export async function staffView(ctx: AppContext, row: StaffRow) {
  const passkeys = await repo.passkeysOf(ctx.db, row.id);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    eventIds: row.event_ids,
    performanceIds: row.performance_ids,
    refundLimit: row.refund_limit,
    factors: { totp: row.totp_secret !== null, passkeys: passkeys.length, recoveryCodesLeft: await repo.recoveryCodesLeft(ctx.db, row.id) },
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    disabledReason: row.disabled_reason,
  };
}

function mayGrant(principal: Principal, role: StaffRole): void {
  if (role === 'owner' && principal.role !== 'owner')
    throw new AppError('forbidden', 403, 'Only an owner grants the owner role', { permission: 'staff.manage' });
}

/** Creates an invited account and emails its invitation (single use, 72 hours); the link is also answered to the inviter once. */
export async function inviteStaff(ctx: AppContext, principal: Principal, input: StaffInput) {
  mayGrant(principal, input.role);
  const actor = actorOf(principal);
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const staff = await repo.insertStaff(tx, {
        email: input.email,
        name: input.name ?? '',
        role: input.role,
        eventIds: input.eventIds ?? [],
        performanceIds: input.performanceIds ?? [],
        refundLimit: input.refundLimit ?? null,
        createdBy: actor,
      });
      const token = await newInvitation(tx, staff.id);
      const url = invitationUrl(ctx, token);
      const email = renderStaffInvitation({ name: staff.name, role: staff.role, url, locale: 'en' });
      await enqueueEmail(tx, { kind: 'staff_invitation', recipient: staff.email, locale: 'en', ...email });
      await audit(tx, { actor, action: 'accounts.staff.invited', subjectType: 'staff', subjectId: staff.id, data: { email: staff.email, role: staff.role } });
      return { staff, invitationUrl: url };
    });
  } catch (error) {
    if (pgCode(error) === PG.uniqueViolation) throw conflict('staff_exists', 'Someone on the staff already has this email', { field: 'body.email' });
    throw error;
  }
}

/** A new invitation for someone who lost theirs, or whose access was purged. */
export async function reinviteStaff(ctx: AppContext, principal: Principal, staffId: string) {
  const staff = await repo.findStaffById(ctx.db, staffId);
  if (!staff) throw notFound('staff', staffId);
  mayGrant(principal, staff.role);
  const token = await newInvitation(ctx.db, staff.id);
  const url = invitationUrl(ctx, token);
  await enqueueEmail(ctx.db, {
    kind: 'staff_invitation',
    recipient: staff.email,
    locale: 'en',
    ...renderStaffInvitation({ name: staff.name, role: staff.role, url, locale: 'en' }),
  });
  await audit(ctx.db, { actor: actorOf(principal), action: 'accounts.staff.reinvited', subjectType: 'staff', subjectId: staff.id });
  return url;
}

export interface StaffPatch {
  name?: string;
  role?: StaffRole;
  eventIds?: string[];
  performanceIds?: string[];
  refundLimit?: number | null;
  status?: 'active' | 'disabled';
}

async function activeOwners(ctx: AppContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'owner')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateStaff(ctx: AppContext, principal: Principal, staffId: string, patch: StaffPatch) {
  const actor = actorOf(principal);
  return ctx.db.transaction().execute(async (tx) => {
    const staff = await repo.lockStaff(tx, staffId);
    if (!staff) throw notFound('staff', staffId);
    if (patch.role && patch.role !== staff.role) {
      mayGrant(principal, patch.role);
      mayGrant(principal, staff.role);
    }
    const losesOwner = staff.role === 'owner' && staff.status === 'active' && ((patch.role && patch.role !== 'owner') || patch.status === 'disabled');
    if (losesOwner && (await activeOwners(ctx)) <= 1) throw conflict('last_owner', 'The last active owner cannot be demoted or disabled');
    const changes: Record<string, unknown> = {};
    if (patch.name !== undefined && patch.name !== staff.name) changes.name = patch.name;
    if (patch.role !== undefined && patch.role !== staff.role) changes.role = patch.role;
    if (patch.eventIds !== undefined) changes.event_ids = patch.eventIds;
    if (patch.performanceIds !== undefined) changes.performance_ids = patch.performanceIds;
    if (patch.refundLimit !== undefined) changes.refund_limit = patch.refundLimit;
    if (patch.status !== undefined && patch.status !== staff.status) {
      if (patch.status === 'active' && !staff.password_hash)
        throw conflict('not_enrolled', 'This person has not accepted an invitation yet; invite them again');
      changes.status = patch.status;
      changes.disabled_reason = patch.status === 'disabled' ? `disabled by ${actor}` : null;
    }
    if (Object.keys(changes).length === 0) return staffView(ctx, staff);
    await tx.updateTable('staff').set(changes).where('id', '=', staffId).execute();
    // Less access takes effect now: sessions of a disabled account or a changed role end.
    let sessionsEnded = 0;
    if (changes.status === 'disabled' || changes.role !== undefined)
      sessionsEnded = await endAllSessions(tx, 'staff', staffId, changes.status ? 'account disabled' : 'role changed');
    const action =
      changes.status === 'disabled' ? 'disabled' : changes.status === 'active' ? 'enabled' : changes.role !== undefined ? 'role_changed' : 'updated';
    await audit(tx, { actor, action: `accounts.staff.${action}`, subjectType: 'staff', subjectId: staffId, data: { ...changes, sessionsEnded } });
    return staffView(ctx, (await repo.findStaffById(tx, staffId))!);
  });
}

/** A person changes their own password: the current one first; every other session of theirs ends. */
export async function changeOwnPassword(ctx: AppContext, staffId: string, sessionId: string, current: string, next: string): Promise<number> {
  const staff = await repo.findStaffById(ctx.db, staffId);
  if (!staff || !(await verifyPassword(staff.password_hash, current))) throw new AppError('invalid_credentials', 401, 'The current password is not right');
  const verdict = checkPassword(next, { minLength: 8, email: staff.email });
  if (!verdict.ok) throw badRequest('weak_password', verdict.message!, { field: 'body.newPassword', reason: verdict.problem });
  await ctx.db
    .updateTable('staff')
    .set({ password_hash: await hashPassword(next), password_changed_at: new Date() })
    .where('id', '=', staffId)
    .execute();
  const ended = await endAllSessions(ctx.db, 'staff', staffId, 'password changed', sessionId);
  await audit(ctx.db, {
    actor: `staff:${staffId}`,
    action: 'accounts.staff.password_changed',
    subjectType: 'staff',
    subjectId: staffId,
    data: { sessionsEnded: ended },
  });
  return ended;
}

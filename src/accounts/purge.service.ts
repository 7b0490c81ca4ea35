import type { Config } from '../config.js';
import { audit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import { type Db, withRetry } from '../platform/transaction.js';
import { addEventToOpenIncidents } from '../security/incidents.repository.js';
import { inviteOwnerIn } from './owner-invitation.service.js';
import * as repo from './purge.repository.js';
import * as staffRepo from './staff.repository.js';

/**
 * The access purge, in one command and one transaction: every staff session ends, every API key
 * is revoked, every password, TOTP secret, passkey and recovery code is gone, and invitations not
 * yet used stop working. Nobody gets in with anything they had before; each person comes back
 * through a new invitation, which sets a new password and enrols new factors.
 *
 * One owner is kept able to rebuild access: the one named, or the oldest active owner. They get a
 * fresh invitation, answered here (and printed by the command) rather than emailed: after a
 * compromise the mailbox may be in the wrong hands too. The purge is audited once, with counts.
 */
export interface PurgeResult {
  staff: number;
  sessionsEnded: number;
  apiKeysRevoked: number;
  passwordsReset: number;
  totpReset: number;
  passkeysRemoved: number;
  recoveryCodesRemoved: number;
  invitationsCancelled: number;
  keptOwner: { id: string; email: string; invitationUrl: string };
  ms: number;
}

export async function purgeAccess(db: Db, config: Pick<Config, 'baseUrl'>, options: { keepOwner?: string; actor: string }): Promise<PurgeResult> {
  const started = performance.now();
  // Taking the locks can deadlock with a sign-in in flight; PostgreSQL then aborts one side, and this one tries again.
  const result = await withRetry(
    () =>
      db.transaction().execute(async (tx) => {
        await repo.lockAccess(tx);
        let kept: { id: string; email: string } | undefined;
        if (options.keepOwner) {
          const named = await staffRepo.findStaffByEmail(tx, options.keepOwner);
          if (named?.role !== 'owner')
            throw new AppError('not_an_owner', 409, `--keep-owner: ${options.keepOwner} is not an owner on the staff`, { field: 'keepOwner' });
          kept = named;
        } else {
          kept = await repo.oldestActiveOwner(tx);
          if (!kept)
            throw new AppError('no_active_owner', 409, 'No active owner to keep: name one with --keep-owner EMAIL (any owner, even one not enrolled)', {
              field: 'keepOwner',
            });
        }
        const sessionsEnded = await repo.endStaffSessions(tx);
        const apiKeysRevoked = await repo.revokeAllKeys(tx, options.actor);
        const { staff, passwords, totp } = await repo.resetCredentials(tx);
        const passkeysRemoved = await repo.removePasskeys(tx);
        const recoveryCodesRemoved = await repo.removeRecoveryCodes(tx);
        const invitationsCancelled = await repo.cancelInvitations(tx);
        const counts = {
          staff,
          sessionsEnded,
          apiKeysRevoked,
          passwordsReset: passwords,
          totpReset: totp,
          passkeysRemoved,
          recoveryCodesRemoved,
          invitationsCancelled,
        };
        await audit(tx, {
          actor: options.actor,
          action: 'accounts.access.purged',
          subjectType: 'staff',
          subjectId: 'all',
          data: { ...counts, keptOwner: kept.id },
        });
        await addEventToOpenIncidents(tx, ['staff_access'], 'purge_run', { actor: options.actor, ...counts, keptOwner: kept.id });
        const invitation = await inviteOwnerIn(tx, config, { email: kept.email, actor: options.actor });
        return { ...counts, keptOwner: { id: invitation.staffId, email: invitation.email, invitationUrl: invitation.url } };
      }),
    5,
  );
  return { ...result, ms: Math.round(performance.now() - started) };
}

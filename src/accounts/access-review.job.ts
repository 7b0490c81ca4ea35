import type { Config } from '../config.js';
import { enqueueEmail } from '../notifications/outbox.service.js';
import { audit } from '../platform/audit.js';
import type { DormantDisabled } from '../platform/database.types.js';
import { every } from '../platform/jobs.js';
import type { Db } from '../platform/transaction.js';
import { addEventToOpenIncidents } from '../security/incidents.repository.js';
import { renderDormantNotice } from './access-review.email.js';
import * as repo from './access-review.repository.js';
import { revokeApiKey } from './api-keys.service.js';
import { endAllSessions } from './sessions.js';

/**
 * The daily dormant-account job (NIST SP 800-53 AC-2(3); CIS: 45 days). Staff accounts (active, or
 * invited and never enrolled) and API keys with no activity for STAFF_DORMANT_DAYS are disabled,
 * their sessions end, each change is audited with reason `dormant`, and the owners and security
 * officers get an email listing them; the console's access review shows the same list.
 *
 * Every process runs it; the day's row in access_review_runs is the claim, so it runs once a day
 * (UTC) whatever the number of processes. Everything happens in one transaction: a crash leaves
 * the day unclaimed and the next try does the work.
 *
 * The last active owner is never disabled this way: if every active owner is dormant, the most
 * recently active one stays (and the review flags it), so the box office cannot lock itself out.
 */
export interface DormantRun {
  /** False when another process (or an earlier run today) had it. */
  ran: boolean;
  disabled: DormantDisabled[];
  /** An owner left active although dormant, because no other active owner would remain. */
  keptOwner?: string;
}

export async function disableDormantAccess(db: Db, config: Pick<Config, 'staffDormantDays' | 'baseUrl'>): Promise<DormantRun> {
  const days = config.staffDormantDays;
  return db.transaction().execute(async (tx) => {
    const day = await repo.claimToday(tx, days);
    if (!day) return { ran: false, disabled: [] };
    const disabled: DormantDisabled[] = [];
    const actor = 'system';

    let staff = await repo.lockDormantStaff(tx, days);
    let keptOwner: string | undefined;
    const owners = await repo.activeOwners(tx);
    const dormantIds = new Set(staff.map((s) => s.id));
    if (owners.length > 0 && owners.every((o) => dormantIds.has(o.id))) {
      keptOwner = owners[0]!.id;
      staff = staff.filter((s) => s.id !== keptOwner);
    }
    for (const s of staff) {
      await repo.disableStaff(tx, s.id, `dormant: unused for ${days} days`);
      const sessionsEnded = await endAllSessions(tx, 'staff', s.id, 'account dormant');
      const lastUsedAt = s.last_activity_at.toISOString();
      await audit(tx, {
        actor,
        action: 'accounts.staff.disabled',
        subjectType: 'staff',
        subjectId: s.id,
        data: { reason: 'dormant', dormantDays: days, lastActivityAt: lastUsedAt, previousStatus: s.status, sessionsEnded },
      });
      disabled.push({
        type: 'staff',
        id: s.id,
        name: s.name ? `${s.name} <${s.email}>` : s.email,
        role: s.role,
        lastUsedAt: s.status === 'invited' ? null : lastUsedAt,
      });
    }

    for (const k of await repo.lockDormantKeys(tx, days)) {
      await revokeApiKey(tx, actor, k.id, 'dormant', { dormantDays: days, lastUsedAt: k.last_used_at?.toISOString() ?? null });
      disabled.push({ type: 'api_key', id: k.id, name: `${k.name} (tqk_${k.public_id})`, role: null, lastUsedAt: k.last_used_at?.toISOString() ?? null });
    }

    await repo.recordRun(tx, day, disabled);
    if (disabled.length > 0) {
      await addEventToOpenIncidents(tx, ['staff_access'], 'dormant_access_disabled', {
        actor,
        dormantDays: days,
        staff: disabled.filter((d) => d.type === 'staff').map((d) => d.id),
        apiKeys: disabled.filter((d) => d.type === 'api_key').map((d) => d.id),
        ...(keptOwner ? { keptOwner } : {}),
      });
      const email = renderDormantNotice({ disabled, dormantDays: days, reviewUrl: `${config.baseUrl}/console/access-review`, locale: 'en' });
      for (const recipient of await repo.reviewRecipients(tx)) {
        await enqueueEmail(tx, { kind: 'access_review_dormant', recipient, locale: 'en', ...email });
      }
    }
    return { ran: true, disabled, keptOwner };
  });
}

/**
 * Tries every `intervalMs` (default 10 minutes): a cheap read says whether today's run is done;
 * only then does it open the claiming transaction.
 */
export function startDormantAccessJob(
  db: Db,
  config: Pick<Config, 'staffDormantDays' | 'baseUrl'>,
  log: { info(details: object, message: string): void },
  onError: (error: unknown) => void,
  intervalMs = 10 * 60_000,
): { stop(): Promise<void> } {
  return every(
    intervalMs,
    async () => {
      if (await repo.ranToday(db)) return;
      const run = await disableDormantAccess(db, config);
      if (run.ran) log.info({ disabled: run.disabled.length, keptOwner: run.keptOwner }, 'access review: dormant staff accounts and API keys disabled');
    },
    onError,
  );
}

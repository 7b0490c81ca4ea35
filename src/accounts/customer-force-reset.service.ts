import type { Config } from '../config.js';
import { audit } from '../platform/audit.js';
import type { Db } from '../platform/transaction.js';
import * as repo from './customer-accounts.repository.js';
import { sendCustomerEmail } from './customer-mail.js';
import { endAllSessions } from './sessions.js';

/**
 * An operator's forced password reset (after a breach elsewhere, say): each named account is
 * marked so its next sign-in must set a new password, loses every session at once, and gets the
 * reset email in its own language. Idempotent: an account already marked and not yet reset is
 * skipped, so running the same list twice sends nothing twice; once the fan has set a new password,
 * a later run marks the account again. Accounts are locked while they are marked, so two runs at
 * once cannot both send. Works in batches, one transaction each, so a long list does not hold one
 * huge transaction open.
 */
export interface ForceResetReport {
  /** Distinct addresses asked for. */
  requested: number;
  /** Accounts marked by this run (each sent one email). */
  marked: number;
  /** Accounts already marked by an earlier run and not reset since: skipped. */
  alreadyPending: number;
  /** Addresses with no account. */
  unknown: number;
  sessionsEnded: number;
}

const BATCH = 200;

export async function forceCustomerResets(
  deps: { db: Db; config: Config },
  emails: string[],
  actor: string,
  ip: string | null = null,
): Promise<ForceResetReport> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
  const report: ForceResetReport = { requested: wanted.length, marked: 0, alreadyPending: 0, unknown: 0, sessionsEnded: 0 };
  for (let i = 0; i < wanted.length; i += BATCH) {
    const batch = wanted.slice(i, i + BATCH);
    await deps.db.transaction().execute(async (tx) => {
      const found = await repo.lockCustomersByEmail(tx, batch);
      report.unknown += batch.length - found.length;
      const fresh = found.filter((c) => !c.must_reset);
      report.alreadyPending += found.length - fresh.length;
      await repo.markForcedReset(
        tx,
        fresh.map((c) => c.id),
      );
      for (const customer of fresh) {
        const ended = await endAllSessions(tx, 'customer', customer.id, 'forced password reset');
        await sendCustomerEmail(tx, deps.config, customer, 'forced_reset');
        await audit(tx, {
          actor,
          action: 'accounts.customer.reset_forced',
          subjectType: 'customer',
          subjectId: customer.id,
          ip,
          data: { sessionsEnded: ended },
        });
        report.sessionsEnded += ended;
      }
      report.marked += fresh.length;
    });
  }
  await audit(deps.db, { actor, action: 'accounts.customers.reset_forced', subjectType: 'customers', subjectId: 'force-reset', ip, data: { ...report } });
  return report;
}

import { lockCustomersByEmail, markForcedReset } from '../accounts/customer-accounts.repository.js';
import { sendCustomerEmail } from '../accounts/customer-mail.js';
import type { Config } from '../config.js';
import type { IncidentStep } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';
import { renderIncidentNotice } from './incident-notice.js';
import * as repo from './incident-response.repository.js';
import type { Incident } from './incidents.repository.js';

/**
 * What each response step does to a page of people. A page is made ready outside any transaction
 * (the people not recorded yet, the emails rendered), then committed in one: the claim of each
 * person in incident_step_people and the action, done only for the people that claim inserted.
 */

/** A run in progress, as its pages see it. */
export interface RunState {
  run: repo.StepRun;
  incident: Incident;
  /** What this run did, by outcome, for the timeline and the audit. */
  counts: Record<string, number>;
  done: number;
  failed: number;
}

export type Person = { email: string; id?: string; name?: string; locale?: string; first_at?: Date; last_at?: Date };
export type Outcome = { done: number; counts: Record<string, number> };
/** A page made ready outside any transaction (reads, rendering): its people not recorded yet, and the write that handles them. */
export type Prepared = { pending: number; commit(tx: Tx): Promise<Outcome> };
export type PageHandler = (db: Db, state: RunState, page: Person[]) => Promise<Prepared>;

/** The page's people the step has not recorded yet (the claim in the transaction stays the guard). */
async function fresh(db: Db, state: RunState, page: Person[]): Promise<Person[]> {
  const recorded = await repo.recordedAmong(
    db,
    state.run.incident_id,
    state.run.step,
    page.map((p) => p.email),
  );
  return page.filter((p) => !recorded.has(p.email));
}

const emails = (people: Person[]) => people.map((p) => p.email);

export function handlers(config: Config): Record<IncidentStep, PageHandler> {
  const contact = config.alertEmails[0] ?? config.mailFrom;
  return {
    async notify(db, state, page) {
      const people = await fresh(db, state, page);
      const accounts = await repo.withAccounts(db, emails(people));
      const timeline = state.incident.timeline.map((e) => e.what);
      const notices = people.map((p) => {
        const email = renderIncidentNotice({
          name: p.name ?? '',
          locale: p.locale ?? 'en',
          category: state.incident.category,
          firstAt: p.first_at ?? new Date(),
          lastAt: p.last_at ?? new Date(),
          timeline,
          hasAccount: accounts.has(p.email),
          contact,
        });
        return { email: p.email, locale: email.locale, subject: email.subject, text: email.text, html: email.html };
      });
      return {
        pending: people.length,
        async commit(tx) {
          const queued = await repo.claimAndQueueNotices(tx, state.run.incident_id, notices);
          return { done: queued, counts: { queued } };
        },
      };
    },

    async reset(db, state, page) {
      const people = await fresh(db, state, page);
      return {
        pending: people.length,
        async commit(tx) {
          const found = await lockCustomersByEmail(tx, emails(people));
          const byEmail = new Map(found.map((c) => [c.email.toLowerCase(), c]));
          const outcomeOf = (email: string) => {
            const customer = byEmail.get(email);
            return !customer ? 'no_account' : customer.must_reset ? 'already_pending' : 'reset';
          };
          const claimed = await repo.claim(
            tx,
            state.run.incident_id,
            'reset',
            people.map((p) => ({ email: p.email, outcome: outcomeOf(p.email) })),
          );
          // Already pending: marked by an earlier forced reset and emailed then; signing in sends a fresh link.
          const reset = found.filter((c) => !c.must_reset && claimed.has(c.email.toLowerCase()));
          const ids = reset.map((c) => c.id);
          await markForcedReset(tx, ids);
          const sessionsEnded = await repo.endSessionsOf(tx, 'customer', ids, 'incident: forced password reset');
          for (const customer of reset) await sendCustomerEmail(tx, config, customer, 'forced_reset');
          const noAccount = [...claimed].filter((email) => outcomeOf(email) === 'no_account').length;
          return {
            done: claimed.size,
            counts: { accountsReset: reset.length, alreadyPending: claimed.size - reset.length - noAccount, noAccount, sessionsEnded },
          };
        },
      };
    },

    async flag(db, state, page) {
      const people = await fresh(db, state, page);
      return {
        pending: people.length,
        async commit(tx) {
          const { flagged, noAccount } = await repo.claimAndFlag(tx, state.run.incident_id, emails(people));
          return { done: flagged + noAccount, counts: { flagged, noAccount } };
        },
      };
    },

    async revoke_staff(db, state, page) {
      const people = await fresh(db, state, page);
      return {
        pending: people.length,
        async commit(tx) {
          const claimed = await repo.claim(
            tx,
            state.run.incident_id,
            'revoke_staff',
            people.map((p) => ({ email: p.email, outcome: 'sessions_ended' })),
          );
          const ids = people.filter((p) => claimed.has(p.email)).map((p) => p.id!);
          const sessionsEnded = await repo.endSessionsOf(tx, 'staff', ids, 'incident: staff access revoked');
          return { done: claimed.size, counts: { staff: claimed.size, sessionsEnded } };
        },
      };
    },
  };
}

import { performance } from 'node:perf_hooks';
import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { audit } from '../platform/audit.js';
import { addIncidentEvent } from './incidents.repository.js';
import {
  allBuyers,
  buildsServingHash,
  insertScope,
  materialisePeopleScope,
  materialiseScope,
  scopePeople,
  scopeTotals,
  updateScopeCounts,
} from './incident-scopes.repository.js';

/**
 * Who a breach touched, exactly: the criteria combine with AND. A build id or a script hash
 * names the code a checkout page ran (a hash means every registered build that served it); the
 * rest narrow by time, channel, performance or event, and page class.
 */
export interface ScopeCriteria {
  from?: string;
  to?: string;
  buildIds?: string[];
  scriptHashes?: string[];
  performanceIds?: string[];
  eventIds?: string[];
  storefronts?: string[];
  pageClasses?: string[];
  /** Customers whose accounts signed in from these addresses (exact, or CIDR) and/or in this window. */
  signedIn?: { addresses?: string[]; from?: string; to?: string };
  /** Buyers whose orders, and customers whose accounts, these staff (audit actors) acted on in this window. */
  staffActions?: { actors?: string[]; from?: string; to?: string };
}

/** Whether any criterion about checkout attempts is given (the rest select people another way). */
const hasCheckoutCriteria = (c: ScopeCriteria) =>
  Boolean(
    c.from ||
      c.to ||
      c.buildIds?.length ||
      c.scriptHashes?.length ||
      c.performanceIds?.length ||
      c.eventIds?.length ||
      c.storefronts?.length ||
      c.pageClasses?.length,
  );

export interface ScopeResult {
  id: string;
  incidentId: string;
  criteria: ScopeCriteria;
  people: number;
  checkoutAttempts: number;
  shareOfCustomers: number;
  allPeople: number;
  queryMs: number;
  createdAt: string;
  createdBy: string;
}

/**
 * What the people in a scope typed into Taquilla's pages when they bought or tried to: their name
 * and email on the checkout form; card details only inside the payment provider's own form, on
 * its origin, never on ours.
 */
export const DATA_TYPED = ['name', 'email', 'card details, in the payment provider\u2019s form (not on Taquilla\u2019s pages)'] as const;

export async function createScope(db: Db, input: { incidentId: string; criteria: ScopeCriteria; actor: string; ip?: string | null }): Promise<ScopeResult> {
  const started = performance.now();
  return db.transaction().execute(async (tx) => {
    const incident = await tx.selectFrom('incidents').select('id').where('id', '=', input.incidentId).executeTakeFirst();
    if (!incident) throw notFound('incident', input.incidentId);
    const hashBuilds = input.criteria.scriptHashes?.length ? await buildsServingHash(tx, input.criteria.scriptHashes) : [];
    const buildIds = [...(input.criteria.buildIds ?? []), ...hashBuilds];
    // A hash that no registered build served matches nothing, rather than everything.
    const noBuild = (input.criteria.scriptHashes?.length ?? 0) > 0 && buildIds.length === 0;
    const scope = await insertScope(tx, {
      incident_id: input.incidentId,
      criteria: JSON.stringify(input.criteria),
      people: 0,
      checkout_attempts: 0,
      all_people: 0,
      query_ms: 0,
      created_by: input.actor,
    });
    // Sign-ins and staff actions select people too: alone, they are the scope (with whatever
    // checkout attempts those people made); with checkout criteria, they narrow its buyers.
    const byPeople = input.criteria.signedIn || input.criteria.staffActions;
    if (!noBuild && byPeople && !hasCheckoutCriteria(input.criteria)) await materialisePeopleScope(tx, scope.id, input.criteria);
    else if (!noBuild) await materialiseScope(tx, scope.id, { ...input.criteria, buildIds: buildIds.length ? buildIds : undefined });
    const [totals, everyone] = await Promise.all([scopeTotals(tx, scope.id), allBuyers(tx)]);
    const queryMs = Math.round(performance.now() - started);
    await updateScopeCounts(tx, scope.id, { people: totals.people, checkout_attempts: totals.attempts, all_people: everyone, query_ms: queryMs });
    await addIncidentEvent(tx, input.incidentId, 'scope_defined', {
      scopeId: scope.id,
      criteria: input.criteria,
      people: totals.people,
      checkoutAttempts: totals.attempts,
    });
    await audit(tx, {
      actor: input.actor,
      action: 'security.incident.scoped',
      subjectType: 'incident',
      subjectId: input.incidentId,
      ip: input.ip ?? null,
      data: { scopeId: scope.id, people: totals.people },
    });
    return {
      id: scope.id,
      incidentId: input.incidentId,
      criteria: input.criteria,
      people: totals.people,
      checkoutAttempts: totals.attempts,
      shareOfCustomers: everyone ? totals.people / everyone : 0,
      allPeople: everyone,
      queryMs,
      createdAt: scope.created_at.toISOString(),
      createdBy: input.actor,
    };
  });
}

const csvCell = (value: unknown): string => {
  const text = value instanceof Date ? value.toISOString() : String(value ?? '');
  // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The scope's people as CSV rows, a page at a time (a million rows never sit in memory). */
export async function* scopeCsv(db: Db, scopeId: string): AsyncGenerator<string> {
  yield 'email,name,locale,customer_id,checkout_attempts,paid_orders,first_attempt,last_attempt,data_typed\n';
  let after = '';
  for (;;) {
    const page = await scopePeople(db, scopeId, after, 5000);
    if (!page.length) return;
    yield page
      .map(
        (p) =>
          `${[p.email, p.name, p.locale, p.customer_id, p.attempts, p.paid_orders, p.first_at, p.last_at, DATA_TYPED.join('; ')].map(csvCell).join(',')}\n`,
      )
      .join('');
    after = page[page.length - 1]!.email;
  }
}

import { performance } from 'node:perf_hooks';
import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { audit } from '../platform/audit.js';
import { addIncidentEvent } from './incidents.repository.js';
import { sql } from 'kysely';
import {
  allAttempts,
  allBuyers,
  buildsServingHash,
  completeScopeOnce,
  countScope,
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

/** The share's denominator changes slowly: counted at most once a minute per database. */
const everyoneCache = new WeakMap<Db, { count: number; at: number }>();
async function everyone(db: Db, tx: Db): Promise<number> {
  const cached = everyoneCache.get(db);
  if (cached && Date.now() - cached.at < 60_000) return cached.count;
  const count = await allBuyers(tx);
  everyoneCache.set(db, { count, at: Date.now() });
  return count;
}

/** Resolves the criteria to the builds they name (a script hash: every registered build that served it). */
async function resolveBuilds(db: Db, criteria: ScopeCriteria): Promise<{ buildIds?: string[]; matchesNothing: boolean }> {
  const hashBuilds = criteria.scriptHashes?.length ? await buildsServingHash(db, criteria.scriptHashes) : [];
  const buildIds = [...(criteria.buildIds ?? []), ...hashBuilds];
  // A hash that no registered build served matches nothing, rather than everything.
  return { buildIds: buildIds.length ? buildIds : undefined, matchesNothing: (criteria.scriptHashes?.length ?? 0) > 0 && buildIds.length === 0 };
}

/** Sign-ins and staff actions alone choose the people; with checkout criteria they narrow its buyers. */
const choosesPeople = (c: ScopeCriteria) => Boolean((c.signedIn || c.staffActions) && !hasCheckoutCriteria(c));

/**
 * Defines a scope and answers its count at once: the people (distinct buyer emails) and checkout
 * attempts matching, and their share of everyone who ever bought. The list of people is written
 * just after, in the background (`completeScope`); the CSV and the response steps wait for it.
 * A scope chosen by sign-ins or staff actions is small and listed at once.
 */
export async function createScope(
  db: Db,
  input: { incidentId: string; criteria: ScopeCriteria; actor: string; ip?: string | null },
  opts: { log?: (message: string, error?: unknown) => void } = {},
): Promise<ScopeResult> {
  const started = performance.now();
  const result = await db.transaction().execute(async (tx) => {
    const incident = await tx.selectFrom('incidents').select('id').where('id', '=', input.incidentId).executeTakeFirst();
    if (!incident) throw notFound('incident', input.incidentId);
    const builds = await resolveBuilds(tx, input.criteria);
    const listNow = builds.matchesNothing || choosesPeople(input.criteria);
    const scope = await insertScope(tx, {
      incident_id: input.incidentId,
      criteria: JSON.stringify(input.criteria),
      people: 0,
      checkout_attempts: 0,
      all_people: 0,
      query_ms: 0,
      created_by: input.actor,
      ready_at: null,
    });
    let totals = { people: 0, attempts: 0 };
    if (choosesPeople(input.criteria) && !builds.matchesNothing) {
      await materialisePeopleScope(tx, scope.id, input.criteria);
      totals = await scopeTotals(tx, scope.id);
    } else if (!builds.matchesNothing && !hasCheckoutCriteria(input.criteria)) {
      // No criteria: everyone who ever bought or tried to (one order, one attempt record).
      totals = { people: await everyone(db, tx), attempts: await allAttempts(tx) };
    } else if (!builds.matchesNothing) {
      // Enough memory to group a month of attempts by hash rather than on disk.
      await sql`SET LOCAL work_mem = '64MB'`.execute(tx);
      totals = await countScope(tx, { ...input.criteria, buildIds: builds.buildIds });
      // With 64 MB the planner hashes all of orders for the all-buyers count instead of reading its index.
      await sql`SET LOCAL work_mem TO DEFAULT`.execute(tx);
    }
    const all = await everyone(db, tx);
    const queryMs = Math.round(performance.now() - started);
    await updateScopeCounts(tx, scope.id, { people: totals.people, checkout_attempts: totals.attempts, all_people: all, query_ms: queryMs });
    if (listNow) await tx.updateTable('incident_scopes').set({ ready_at: new Date() }).where('id', '=', scope.id).execute();
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
      shareOfCustomers: all ? totals.people / all : 0,
      allPeople: all,
      queryMs,
      createdAt: scope.created_at.toISOString(),
      createdBy: input.actor,
    };
  });
  // The list follows; a failure here is retried by whoever needs the list next.
  completeScope(db, result.id).catch((error) => opts.log?.("the scope's list of people could not be written yet", error));
  return result;
}

/**
 * Writes a scope's list of people if it is not complete yet, exactly once however many callers
 * ask (the background write after `createScope`, the CSV, a response step); answers when it is.
 */
export async function completeScope(db: Db, scopeId: string): Promise<void> {
  await completeScopeOnce(db, scopeId, async (tx) => {
    const row = await tx.selectFrom('incident_scopes').select('criteria').where('id', '=', scopeId).executeTakeFirstOrThrow();
    const criteria = row.criteria as ScopeCriteria;
    const builds = await resolveBuilds(tx, criteria);
    if (builds.matchesNothing) return;
    if (choosesPeople(criteria)) await materialisePeopleScope(tx, scopeId, criteria);
    else await materialiseScope(tx, scopeId, { ...criteria, buildIds: builds.buildIds });
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

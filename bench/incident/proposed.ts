import { sql } from 'kysely';
import { audit } from '../../src/platform/audit.js';
import type { Db } from '../../src/platform/transaction.js';
import { completeScope, type ScopeCriteria } from '../../src/security/incident-scopes.js';
import { allBuyers, buildsServingHash, insertScope, scopeFilter, updateScopeCounts } from '../../src/security/incident-scopes.repository.js';
import { addIncidentEvent } from '../../src/security/incidents.repository.js';

/**
 * The change the results propose to createScope's count (the answer the operator waits for),
 * measured on the same data right after the code as it is. The same steps and statements in the
 * same transaction, and the list written after the answer by the code's own completeScope; only
 * the count differs:
 *
 * 1. People are counted as groups (`count(*)` over `GROUP BY lower(buyer_email)`), not with
 *    count(DISTINCT ...): PostgreSQL 15 always sorts for a DISTINCT aggregate, on disk at the
 *    default work_mem, and never in parallel; grouping may hash, and in parallel.
 * 2. orders is joined only when a criterion is about orders (performances, events): every
 *    checkout record has its order (a foreign key), so the counts are the same without reading
 *    and hashing all 1,000,000 orders.
 * 3. No criteria at all (everyone): the people are all buyers (every order writes its checkout
 *    record, with its email, in the same transaction), already counted for the share, and the
 *    attempts are all checkout records.
 */
const onOrders = (c: ScopeCriteria) => Boolean(c.performanceIds?.length || c.eventIds?.length);
const anyCriteria = (c: ScopeCriteria) => Object.values(c).some((v) => (Array.isArray(v) ? v.length > 0 : Boolean(v)));

export async function countScope(db: Db, c: ScopeCriteria & { buildIds?: string[] }): Promise<{ people: number; attempts: number }> {
  const from = onOrders(c) ? sql`checkout_records c JOIN orders o ON o.id = c.order_id` : sql`checkout_records c`;
  const { rows } = await sql<{ people: string; attempts: string }>`
    SELECT count(*) AS people, coalesce(sum(n), 0) AS attempts
      FROM (SELECT lower(c.buyer_email), count(*) AS n FROM ${from} WHERE ${scopeFilter(c)} GROUP BY 1) AS p`.execute(db);
  return { people: Number(rows[0]?.people ?? 0), attempts: Number(rows[0]?.attempts ?? 0) };
}

async function allAttempts(db: Db): Promise<number> {
  return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM checkout_records`.execute(db)).rows[0]!.n);
}

/** The code's cache of the denominator, the same way: at most once a minute. */
let everyone: { count: number; at: number } | undefined;

export async function proposedScope(db: Db, input: { incidentId: string; criteria: ScopeCriteria; actor: string }) {
  const started = performance.now();
  const result = await db.transaction().execute(async (tx) => {
    await tx.selectFrom('incidents').select('id').where('id', '=', input.incidentId).executeTakeFirstOrThrow();
    const hashBuilds = input.criteria.scriptHashes?.length ? await buildsServingHash(tx, input.criteria.scriptHashes) : [];
    const buildIds = [...(input.criteria.buildIds ?? []), ...hashBuilds];
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
    if (!everyone || Date.now() - everyone.at >= 60_000) everyone = { count: await allBuyers(tx), at: Date.now() };
    const all = everyone.count;
    const totals = anyCriteria(input.criteria)
      ? await countScope(tx, { ...input.criteria, buildIds: buildIds.length ? buildIds : undefined })
      : { people: all, attempts: await allAttempts(tx) };
    const queryMs = Math.round(performance.now() - started);
    await updateScopeCounts(tx, scope.id, { people: totals.people, checkout_attempts: totals.attempts, all_people: all, query_ms: queryMs });
    await addIncidentEvent(tx, input.incidentId, 'scope_defined', { scopeId: scope.id, criteria: input.criteria, people: totals.people });
    await audit(tx, {
      actor: input.actor,
      action: 'security.incident.scoped',
      subjectType: 'incident',
      subjectId: input.incidentId,
      data: { scopeId: scope.id, people: totals.people },
    });
    return { id: scope.id, people: totals.people, checkoutAttempts: totals.attempts, allPeople: all, queryMs };
  });
  completeScope(db, result.id).catch(() => undefined);
  return result;
}

import { sql } from 'kysely';
import type { Db } from '../../src/platform/transaction.js';
import type { ScopeCriteria } from '../../src/security/incident-scopes.js';
import { allBuyers, buildsServingHash, countScope, insertScope, materialiseScope } from '../../src/security/incident-scopes.repository.js';
import { Explainer } from './plugins.js';
import * as proposed from './proposed.js';

class Rollback extends Error {}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the count, the all-buyers count and the list's INSERT ... SELECT
 * exactly as the code builds them for these criteria (or, `proposed`, the proposal's count), in a
 * transaction rolled back.
 */
export async function explain(pool: Db, incidentId: string, criteria: ScopeCriteria, variant: 'code' | 'proposed'): Promise<Record<string, string>> {
  const explainer = new Explainer(variant === 'code' ? ['count', 'allBuyers', 'list'] : ['count']);
  await pool
    .transaction()
    .execute(async (tx) => {
      const hashBuilds = criteria.scriptHashes?.length ? await buildsServingHash(tx, criteria.scriptHashes) : [];
      const buildIds = [...(criteria.buildIds ?? []), ...hashBuilds];
      const scope = await insertScope(tx, {
        incident_id: incidentId,
        criteria: '{}',
        people: 0,
        checkout_attempts: 0,
        all_people: 0,
        query_ms: 0,
        created_by: 'bench',
      });
      const explaining = tx.withPlugin(explainer);
      const c = { ...criteria, buildIds: buildIds.length ? buildIds : undefined };
      if (variant === 'proposed') await proposed.countScope(explaining, c);
      else {
        await countScope(explaining, c);
        await allBuyers(explaining);
        await materialiseScope(explaining, scope.id, c);
      }
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return explainer.plans;
}

/**
 * Whether the pool's most used connection runs these statements on a generic plan: the pool
 * prepares every statement with parameters (platform/database.ts), and after five executions of
 * one text PostgreSQL may switch to a plan made without the parameters' values.
 */
export async function preparedPlans(
  pool: Db,
  like: string,
  show: (statement: string) => string,
): Promise<{ statement: string; generic: number; custom: number }[]> {
  return pool.connection().execute(async (conn) => {
    const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
      SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement ILIKE ${like}`.execute(conn);
    return rows.map((r) => ({
      statement: show(r.statement).replace(/\s+/g, ' '),
      generic: Number(r.generic_plans),
      custom: Number(r.custom_plans),
    }));
  });
}

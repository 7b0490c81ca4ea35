import { sql } from 'kysely';
import type { Db } from '../../src/platform/transaction.js';
import type { ScopeCriteria } from '../../src/security/incident-scopes.js';
import { allAttempts, allBuyers, buildsServingHash, countScope, insertScope, materialiseScope } from '../../src/security/incident-scopes.repository.js';
import { Explainer } from './plugins.js';

class Rollback extends Error {}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the count, the all-buyers count and the list's INSERT ... SELECT
 * exactly as the code builds them for these criteria, in a transaction rolled back. The count is
 * countScope's, as createScope runs it (with its work_mem); with no criteria createScope counts
 * nothing over the attempts but all of them and all buyers, and so does this.
 */
export async function explain(pool: Db, incidentId: string, criteria: ScopeCriteria): Promise<Record<string, string>> {
  const explainer = new Explainer(['count', 'allBuyers', 'list']);
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
      const any = Object.values(criteria).some((v) => (Array.isArray(v) ? v.length > 0 : Boolean(v)));
      // As createScope: the count with 64 MB of work_mem, and all buyers counted after it, in the same transaction.
      if (any) {
        await sql`SET LOCAL work_mem = '64MB'`.execute(tx);
        await countScope(explaining, c);
      } else await allAttempts(explaining);
      await allBuyers(explaining);
      await materialiseScope(explaining, scope.id, c);
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
  // Every connection of the pool at once (each holds its own prepared statements): 20 held together.
  const size = 20;
  let arrived = 0;
  let release = () => {};
  const all = new Promise<void>((r) => {
    release = r;
  });
  const lists = await Promise.all(
    Array.from({ length: size }, () =>
      pool.connection().execute(async (conn) => {
        const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
          SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement ILIKE ${like}`.execute(conn);
        if (++arrived === size) release();
        await all;
        return rows;
      }),
    ),
  );
  return lists
    .flat()
    .map((r) => ({ statement: show(r.statement).replace(/\s+/g, ' '), generic: Number(r.generic_plans), custom: Number(r.custom_plans) }))
    .sort((a, b) => b.custom + b.generic - a.custom - a.generic);
}

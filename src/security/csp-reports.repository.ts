import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';
import type { CspViolation } from './csp-reports.js';

/**
 * Adds counted reports: a new signature is a row, a known one has its count and last sighting
 * moved on. Answers the signatures seen for the first time (across every process).
 */
export async function saveCspReports(db: Db, batch: { signature: string; violation: CspViolation; count: number }[]): Promise<string[]> {
  if (batch.length === 0) return [];
  const rows = await db
    .insertInto('csp_reports')
    .values(
      batch.map(({ signature, violation: v, count }) => ({
        signature,
        page_class: v.pageClass,
        document: v.document,
        directive: v.directive,
        blocked: v.blocked,
        source: v.source,
        sample: v.sample,
        count,
        last_seen: new Date(),
      })),
    )
    .onConflict((oc) =>
      oc.column('signature').doUpdateSet({
        count: sql`csp_reports.count + excluded.count`,
        last_seen: sql`excluded.last_seen`,
      }),
    )
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    .returning(['signature', sql<boolean>`xmax = 0`.as('inserted')])
    .execute();
  return rows.filter((r) => r.inserted).map((r) => r.signature);
}

export function listCspReports(db: Db, limit: number) {
  return db.selectFrom('csp_reports').selectAll().orderBy('last_seen', 'desc').limit(limit).execute();
}

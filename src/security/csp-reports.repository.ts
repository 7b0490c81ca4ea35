import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';
import type { CspViolation } from './csp-reports.js';

/** Adds counted reports: a new signature is a row, a known one has its count and last sighting moved on. */
export async function saveCspReports(db: Db, batch: { signature: string; violation: CspViolation; count: number }[]): Promise<void> {
  if (batch.length === 0) return;
  await db
    .insertInto('csp_reports')
    .values(batch.map(({ signature, violation: v, count }) => ({ signature, ...v, count, last_seen: new Date() })))
    .onConflict((oc) =>
      oc.column('signature').doUpdateSet({
        count: sql`csp_reports.count + excluded.count`,
        last_seen: sql`excluded.last_seen`,
      }),
    )
    .execute();
}

export function listCspReports(db: Db, limit: number) {
  return db.selectFrom('csp_reports').selectAll().orderBy('last_seen', 'desc').limit(limit).execute();
}

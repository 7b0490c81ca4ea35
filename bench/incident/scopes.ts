import { sql } from 'kysely';
import type { Db } from '../../src/platform/transaction.js';
import type { ScopeCriteria } from '../../src/security/incident-scopes.js';
import { scopeFilter } from '../../src/security/incident-scopes.repository.js';
import { chunkHash } from './builds.js';

/** The questions an incident responder asks, sized from the data set itself. */
export interface ScopeCase {
  key: string;
  label: string;
  criteria: ScopeCriteria;
}

const DAY = 86_400_000;
const iso = (end: Date, daysBefore: number) => new Date(end.getTime() - daysBefore * DAY).toISOString();

export async function scopeCases(db: Db, end: Date): Promise<ScopeCase[]> {
  const total = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM checkout_records`.execute(db)).rows[0]!.n);
  // The registered build whose share of the attempts is nearest 5%.
  const builds = await sql<{ build_id: string; n: string }>`
    SELECT c.build_id, count(*) AS n FROM checkout_records c JOIN web_builds b USING (build_id) GROUP BY c.build_id`.execute(db);
  const build = builds.rows.reduce((best, r) => (Math.abs(Number(r.n) / total - 0.05) < Math.abs(Number(best.n) / total - 0.05) ? r : best));
  const popular = await sql<{ performance_id: string }>`
    SELECT performance_id FROM orders GROUP BY performance_id ORDER BY count(*) DESC LIMIT 1`.execute(db);
  const performanceId = popular.rows[0]!.performance_id;
  const typical = await sql<{ performance_id: string; n: string }>`
    SELECT performance_id, count(*) AS n FROM orders GROUP BY performance_id ORDER BY count(*) OFFSET (SELECT count(DISTINCT performance_id) / 2 FROM orders) LIMIT 1`.execute(
    db,
  );
  return [
    {
      key: 'build',
      label: `one build (${build.build_id}, ${((Number(build.n) / total) * 100).toFixed(1)}% of attempts served)`,
      criteria: { buildIds: [build.build_id] },
    },
    // The vendor chunk of builds 12-14 (builds.ts): a compromised dependency shipped in three releases.
    { key: 'hash', label: 'a script hash (the vendor chunk of 3 builds)', criteria: { scriptHashes: [chunkHash('vendor', 3, 12)] } },
    { key: 'window2d', label: '2-day window', criteria: { from: iso(end, 9), to: iso(end, 7) } },
    { key: 'window30d', label: '30-day window', criteria: { from: iso(end, 45), to: iso(end, 15) } },
    {
      key: 'windowWebPayment',
      label: '14-day window + storefront web + page class payment',
      criteria: { from: iso(end, 30), to: iso(end, 16), storefronts: ['web'], pageClasses: ['payment'] },
    },
    { key: 'performance', label: 'one performance (the best-selling: a tenth of all orders)', criteria: { performanceIds: [performanceId] } },
    {
      key: 'performanceTypical',
      label: `one performance (the median: ${Number(typical.rows[0]!.n).toLocaleString('en')} orders)`,
      criteria: { performanceIds: [typical.rows[0]!.performance_id] },
    },
    { key: 'everyone', label: 'everyone (no criteria)', criteria: {} },
  ];
}

/**
 * The reference: counting the attempts the case matches, with the repository's own condition
 * (scopeFilter) and no grouping or writing: what finding the rows costs.
 */
export async function countMatching(db: Db, c: ScopeCriteria & { buildIds?: string[] }): Promise<number> {
  const needsOrders = Boolean(c.performanceIds?.length || c.eventIds?.length);
  const from = needsOrders ? sql`checkout_records c JOIN orders o ON o.id = c.order_id` : sql`checkout_records c`;
  const row = await sql<{ n: string }>`SELECT count(*) AS n FROM ${from} WHERE ${scopeFilter(c)}`.execute(db);
  return Number(row.rows[0]!.n);
}

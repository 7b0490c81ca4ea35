import { sql } from 'kysely';
import type { PerformanceStatus } from '../platform/database.types.js';
import type { Tx } from '../platform/transaction.js';

/**
 * SQL for the sales schedule. Each transition is one statement that claims the due rows with
 * `FOR UPDATE SKIP LOCKED` and changes them: when every process runs it in the same second, a
 * row goes to exactly one of them, and a row the operator is changing right now is left for the
 * next second (by then its status no longer matches, or it still does and is flipped then).
 */

/** How many performances one pass changes per transition; more wait for the next second. */
const BATCH = 100;

/**
 * `scheduled` to `on_sale` once the on-sale time has come, unless the performance has already
 * started or its off-sale time has also passed (sales that would close in the same breath).
 */
export async function openDue(tx: Tx, now: Date): Promise<{ id: string; on_sale_at: Date }[]> {
  const { rows } = await sql<{ id: string; on_sale_at: Date }>`
    UPDATE performances p SET status = 'on_sale'
    FROM (
      SELECT id FROM performances
      WHERE status = 'scheduled' AND on_sale_at <= ${now} AND starts_at > ${now} AND (off_sale_at IS NULL OR off_sale_at > ${now})
      ORDER BY on_sale_at, id
      LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE p.id = due.id AND p.status = 'scheduled'
    RETURNING p.id, p.on_sale_at`.execute(tx);
  return rows;
}

/** `on_sale`, `paused` or `sold_out` to `closed` once the off-sale time has come; returns the status each had. */
export async function closeDue(tx: Tx, now: Date): Promise<{ id: string; from: PerformanceStatus; off_sale_at: Date }[]> {
  const { rows } = await sql<{ id: string; from: PerformanceStatus; off_sale_at: Date }>`
    UPDATE performances p SET status = 'closed'
    FROM (
      SELECT id, status FROM performances
      WHERE status IN ('on_sale', 'paused', 'sold_out') AND off_sale_at <= ${now}
      ORDER BY off_sale_at, id
      LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE p.id = due.id
    RETURNING p.id, due.status AS "from", p.off_sale_at`.execute(tx);
  return rows;
}

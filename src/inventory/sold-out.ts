import { sql } from 'kysely';
import { audit } from '../platform/audit.js';
import type { Db, Tx } from '../platform/transaction.js';

type PerformanceRef = string | ReturnType<typeof sql.ref>;

/** True when no seat of the performance is available and no GA area has a place left (holds aside). */
export function stockGoneSql(performanceId: PerformanceRef) {
  return sql<boolean>`(NOT EXISTS (SELECT 1 FROM performance_seats WHERE performance_id = ${performanceId} AND status = 'available')
    AND NOT EXISTS (SELECT 1 FROM ga_stock WHERE performance_id = ${performanceId} AND taken < capacity))`;
}

/**
 * Nothing in a fan's hold for the performance (a hold ends as converted, released or expired),
 * leaving out `exceptHoldId`: the hold a sale is converting in the same statement.
 */
export function noSaleHoldsSql(performanceId: PerformanceRef, exceptHoldId?: string) {
  return sql<boolean>`NOT EXISTS (SELECT 1 FROM holds WHERE performance_id = ${performanceId} AND status = 'active' AND purpose = 'sale'${
    exceptHoldId === undefined ? sql`` : sql` AND id <> ${exceptHoldId}`
  })`;
}

/**
 * True when the performance has nothing left to sell and nothing in a fan's hold; what staff
 * block is not for sale, so it does not keep a performance on sale.
 */
async function isSoldOut(tx: Tx, performanceId: string): Promise<boolean> {
  const { rows } = await sql<{ gone: boolean }>`SELECT ${stockGoneSql(performanceId)} AND ${noSaleHoldsSql(performanceId)} AS gone`.execute(tx);
  return rows[0]!.gone;
}

/**
 * After staff moved stock (a block, its release, a comp, a counter sale): a performance on sale
 * with nothing left for fans is sold out, and a sold-out one with stock back is on sale again.
 * Blocked stock is not for sale, so it counts as gone (`isSoldOut`). As after a
 * fan's payment, the performance row is locked only by the update that flips it, so staff and
 * fans never queue on it while they hold seat locks.
 */
export async function settleSoldOut(tx: Tx, performanceId: string): Promise<void> {
  const soldOut = await isSoldOut(tx, performanceId);
  const [from, to] = soldOut ? (['on_sale', 'sold_out'] as const) : (['sold_out', 'on_sale'] as const);
  const flipped = await tx.updateTable('performances').set({ status: to }).where('id', '=', performanceId).where('status', '=', from).executeTakeFirst();
  if (flipped.numUpdatedRows === 0n) return;
  await audit(tx, {
    actor: 'system',
    action: soldOut ? 'catalog.performance.sold_out' : 'catalog.performance.back_on_sale',
    subjectType: 'performance',
    subjectId: performanceId,
  });
}

/**
 * Flips performances on sale with nothing left, and nothing in a fan's hold, to sold out, each
 * with its audit entry: one statement, run on its own (not in a sale's transaction) so it sees
 * every sale committed before it. Run after a payment whose own check was kept from flipping by
 * other fans' holds (payment.repository `completeSale`), and by the hold sweeper for every
 * performance, so a sale whose follow-up was lost (the process died between the two) is settled
 * within a sweep. The update locks only the rows it flips. Returns how many flipped.
 */
export async function flipIfSoldOut(db: Db, performanceId?: string): Promise<number> {
  const p = sql.ref('p.id');
  const { rows } = await sql<{ flipped: string }>`
    WITH flipped AS (
      UPDATE performances p SET status = 'sold_out'
      WHERE p.status = 'on_sale' ${performanceId === undefined ? sql`` : sql`AND p.id = ${performanceId}`}
        AND ${stockGoneSql(p)} AND ${noSaleHoldsSql(p)}
      RETURNING p.id
    ), audited AS (
      INSERT INTO audit_log (actor, action, subject_type, subject_id, data)
      SELECT 'system', 'catalog.performance.sold_out', 'performance', id::text, '{}'::jsonb FROM flipped
    )
    SELECT count(*)::text AS flipped FROM flipped`.execute(db);
  return Number(rows[0]!.flipped);
}

import { audit } from '../platform/audit.js';
import type { Tx } from '../platform/transaction.js';
import { isSoldOut } from '../sales/orders.repository.js';

/**
 * After staff moved stock (a block, its release, a comp, a counter sale): a performance on sale
 * with nothing left for fans is sold out, and a sold-out one with stock back is on sale again.
 * Blocked stock is not for sale, so it counts as gone (orders.repository `isSoldOut`). As after a
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

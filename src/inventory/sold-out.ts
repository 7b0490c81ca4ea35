import { audit } from '../platform/audit.js';
import type { Tx } from '../platform/transaction.js';
import { isSoldOut } from '../sales/orders.repository.js';

/**
 * After staff moved stock (a block, its release, a comp, a counter sale): a performance on sale
 * with nothing left for fans is sold out, and a sold-out one with stock back is on sale again.
 * Blocked stock is not for sale, so it counts as gone (orders.repository `isSoldOut`).
 */
export async function settleSoldOut(tx: Tx, performanceId: string): Promise<void> {
  const performance = await tx.selectFrom('performances').select('status').where('id', '=', performanceId).forUpdate().executeTakeFirst();
  if (performance?.status !== 'on_sale' && performance?.status !== 'sold_out') return;
  const soldOut = await isSoldOut(tx, performanceId);
  if (soldOut === (performance.status === 'sold_out')) return;
  const status = soldOut ? 'sold_out' : 'on_sale';
  await tx.updateTable('performances').set({ status }).where('id', '=', performanceId).execute();
  await audit(tx, {
    actor: 'system',
    action: soldOut ? 'catalog.performance.sold_out' : 'catalog.performance.back_on_sale',
    subjectType: 'performance',
    subjectId: performanceId,
  });
}

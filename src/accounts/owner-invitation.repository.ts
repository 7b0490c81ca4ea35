import type { Db, Tx } from '../platform/transaction.js';

/** SQL for restoring an owner from the command line (create-owner, the purge's kept owner). */

/** Makes an account an owner again, able to accept an invitation: a disabled one goes back to `invited`. */
export async function restoreAsOwner(tx: Tx, id: string, status: 'invited' | 'active'): Promise<void> {
  await tx
    .updateTable('staff')
    .set({ role: 'owner', status, disabled_reason: null, event_ids: [], performance_ids: [], refund_limit: null })
    .where('id', '=', id)
    .execute();
}

export async function staffCounts(db: Db | Tx): Promise<{ total: number; active: number }> {
  const row = await db
    .selectFrom('staff')
    .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('id').filterWhere('status', '=', 'active').as('active')])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), active: Number(row.active) };
}

import { sql } from 'kysely';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for the widgets' kill switch: one row per widget an operator has switched off or on again; no row is on. */

export function listWidgetSwitches(db: Db) {
  return db.selectFrom('widget_switches').select(['name', 'disabled', 'reason', 'changed_by', 'changed_at']).execute();
}

/** The switch of one widget, locked until the transaction ends, so two operators' changes queue and each audits what it replaced. */
export function lockWidgetSwitch(tx: Tx, name: string) {
  return tx.selectFrom('widget_switches').select(['disabled', 'reason']).where('name', '=', name).forUpdate().executeTakeFirst();
}

export function saveWidgetSwitch(tx: Tx, row: { name: string; disabled: boolean; reason: string; changedBy: string }) {
  const values = { disabled: row.disabled, reason: row.reason, changed_by: row.changedBy, changed_at: sql<Date>`now()` as never };
  return tx
    .insertInto('widget_switches')
    .values({ name: row.name, ...values })
    .onConflict((oc) => oc.column('name').doUpdateSet(values))
    .returning(['name', 'disabled', 'reason', 'changed_by', 'changed_at'])
    .executeTakeFirstOrThrow();
}

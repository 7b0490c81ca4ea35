import type { Kysely } from 'kysely';
import type { Database } from './database.types.js';

/**
 * Every state change writes one entry with a dotted action code (`sales.order.refunded`), in the
 * same transaction as the change it records.
 */
export async function audit(
  db: Kysely<Database>,
  entry: { actor: string; action: string; subjectType: string; subjectId: string; data?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      data: JSON.stringify(entry.data ?? {}),
    })
    .execute();
}

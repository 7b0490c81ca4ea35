import type { Kysely } from 'kysely';
import type { Database } from './database.types.js';

export interface AuditEntry {
  /** Who: a staff id, a key id, `admin`, or the system job that acted. */
  actor: string;
  /** A dotted code such as `sales.order.refunded`. */
  action: string;
  subjectType: string;
  subjectId: string;
  /** The client address, when the change came over HTTP. */
  ip?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Every state change writes one entry with a dotted action code (`sales.order.refunded`), in the
 * same transaction as the change it records.
 *
 * The entry is inserted unsealed and takes no lock beyond the row itself: checkout audits twice
 * per purchase, and a chain head locked until commit would serialise every checkout. The audit
 * sealer (src/security/audit-chain.sealer.ts) chains committed entries within about a second.
 */
export async function audit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      ip: entry.ip ?? null,
      data: JSON.stringify(entry.data ?? {}),
    })
    .execute();
}

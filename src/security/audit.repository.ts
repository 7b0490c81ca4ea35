import type { Db } from '../platform/transaction.js';

export interface AuditSearch {
  actor?: string;
  /** `sales.order` finds `sales.order.refunded` and `sales.order.paid`. */
  action?: string;
  subjectType?: string;
  subjectId?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const likePrefix = (value: string) => `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Newest first, by id (unsealed rows too: they have no seq yet). */
export async function searchAuditLog(db: Db, q: AuditSearch) {
  let query = db.selectFrom('audit_log').selectAll();
  if (q.actor) query = query.where('actor', '=', q.actor);
  if (q.action) query = query.where('action', 'like', likePrefix(q.action));
  if (q.subjectType) query = query.where('subject_type', '=', q.subjectType);
  if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
  if (q.from) query = query.where('at', '>=', new Date(q.from));
  if (q.to) query = query.where('at', '<', new Date(q.to));
  return query.orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
}

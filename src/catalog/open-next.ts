import type { PerformanceStatus } from '../platform/database.types.js';
import { conflict, notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import * as repo from './catalog.repository.js';
import { changeSalesStatus } from './performances.service.js';

export interface OpenedNext {
  id: string;
  status: PerformanceStatus;
  previous: { id: string; status: PerformanceStatus };
}

/**
 * Opens the first scheduled performance of the same event that starts after `performanceId`: the
 * operator's one action when a show sells out and the fans still waiting should move on to the
 * next date. The opening itself is `changeSalesStatus`, so it is locked and audited
 * (`catalog.performance.opened`) like any other. Two calls at once cannot both open the same
 * performance: the loser gets `invalid_transition`.
 */
export async function openNextPerformance(db: Db, performanceId: string, actor: string): Promise<OpenedNext> {
  const current = await db.selectFrom('performances').select(['id', 'status']).where('id', '=', performanceId).executeTakeFirst();
  if (!current) throw notFound('performance', performanceId);
  const next = await repo.nextScheduledPerformance(db, performanceId);
  if (!next) throw conflict('no_next_performance', 'No scheduled performance of this event starts after this one');
  const opened = await changeSalesStatus(db, next.id, 'open', actor);
  return { id: opened.id, status: opened.status, previous: { id: current.id, status: current.status } };
}

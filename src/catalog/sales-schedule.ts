import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { PerformanceStatus } from '../platform/database.types.js';
import type { Db } from '../platform/transaction.js';
import * as repo from './sales-schedule.repository.js';

/** One performance the schedule opened or closed; `at` is the on-sale or off-sale time that was due. */
export interface ScheduledChange {
  performanceId: string;
  action: 'opened' | 'closed';
  from: PerformanceStatus;
  to: PerformanceStatus;
  at: string;
}

/**
 * Opens the performances whose on-sale time has come and closes those whose off-sale time has,
 * in one transaction with their audit entries. The entries are the operator's own action codes
 * (`catalog.performance.opened`, `.closed`) with actor `system` and `schedule` naming the time that
 * was due, so the log reads the same whoever pressed the button. A performance the operator opened
 * or closed by hand no longer matches (it is not `scheduled`, or already `closed`), so it is never
 * flipped back.
 */
export async function applySalesSchedule(db: Db, now: Date): Promise<ScheduledChange[]> {
  return db.transaction().execute(async (tx) => {
    const opened = await repo.openDue(tx, now);
    const closed = await repo.closeDue(tx, now);
    const changes: ScheduledChange[] = [
      ...opened.map((r) => ({
        performanceId: r.id,
        action: 'opened' as const,
        from: 'scheduled' as const,
        to: 'on_sale' as const,
        at: r.on_sale_at.toISOString(),
      })),
      ...closed.map((r) => ({ performanceId: r.id, action: 'closed' as const, from: r.from, to: 'closed' as const, at: r.off_sale_at.toISOString() })),
    ];
    for (const c of changes) {
      await audit(tx, {
        actor: 'system',
        action: `catalog.performance.${c.action}`,
        subjectType: 'performance',
        subjectId: c.performanceId,
        data: { from: c.from, to: c.to, schedule: c.action === 'opened' ? 'onSaleAt' : 'offSaleAt', at: c.at },
      });
    }
    return changes;
  });
}

export interface ScheduleLog {
  info(message: string, details?: Record<string, unknown>): void;
  error(message: string, error: unknown): void;
}

/**
 * The schedule as every process runs it, once a second. Right after a change, the process that
 * made it does what would otherwise wait for another part's next pass: it drops its cached
 * availability and, for an opening, opens the waiting room (the pre-queue draw) at once; for a
 * closing, it pushes the new status to the room so fans' pages say so. Other processes read the
 * status from PostgreSQL for holds, and within the availability cache's half second for pages.
 */
export function createSalesSchedule(ctx: Pick<AppContext, 'db' | 'availability' | 'waitingRoom'>, log: ScheduleLog) {
  const { db, availability, waitingRoom } = ctx;
  const clock = waitingRoom.clock;

  async function follow(change: ScheduledChange): Promise<void> {
    availability.invalidate(change.performanceId);
    if (change.action === 'opened') await waitingRoom.rooms.load(change.performanceId, 'never');
    else await waitingRoom.rooms.refresh(change.performanceId);
  }

  const self = {
    /** One pass at `now` (the waiting room's clock, which tests move); resolves once rooms have followed. */
    async run(now: number = clock.now()): Promise<ScheduledChange[]> {
      const changes = await applySalesSchedule(db, new Date(now));
      for (const change of changes) {
        log.info(`sales ${change.action} by schedule`, { performanceId: change.performanceId, from: change.from, at: change.at });
        // The status change is committed whatever happens here; if the room cannot follow now
        // (the queue store is away), the admission tick opens it as soon as it can.
        await follow(change).catch((error: unknown) => log.error(`sales schedule: the waiting room of ${change.performanceId} did not follow yet`, error));
      }
      return changes;
    },

    /**
     * Runs a pass just after each whole second of the clock, so a sale set for 9:00 opens at
     * 9:00:00 and every process tries in the same instant (one wins each row). A failed pass goes
     * to `onError` (server.ts counts outages there rather than logging each second of one) and
     * the next second tries again.
     */
    start(onError: (error: unknown) => void): { stop(): Promise<void> } {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let running: Promise<void> | undefined;
      let stopped = false;
      const next = () => {
        if (stopped) return;
        timer = setTimeout(pass, 1000 - (clock.now() % 1000) + AFTER_SECOND_MS);
        timer.unref();
      };
      const pass = () => {
        running = self
          .run()
          .then(() => undefined, onError)
          .finally(() => {
            running = undefined;
            next();
          });
      };
      next();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
        },
      };
    },
  };
  return self;
}

/** A timer may fire a millisecond early; this keeps a pass inside the second it is meant for. */
const AFTER_SECOND_MS = 20;

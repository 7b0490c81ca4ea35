import { audit } from '../platform/audit.js';
import type { WaitingRoomState } from '../platform/database.types.js';
import { queueAdmissions } from '../platform/metrics.js';
import type { Db } from '../platform/transaction.js';
import type { LoadSignal } from './load-signal.js';
import { isQueueUnavailable, type Bucket, type QueueStore } from './queue-store.js';
import { openable, toConfig, type Rooms } from './rooms.js';
import { roomState } from './status.js';
import * as repo from './waiting-room.repository.js';

export type CheckoutFigures = (performanceIds: string[]) => Promise<Map<string, { ticketsLeft: number; activeHolds: number }>>;
/** How long one process may hold a room's admitter lock; a tick takes a few milliseconds. */
export const ADMIT_LOCK_MS = 1500;

/**
 * How many fans to admit this second, within three bounds:
 * - the allowed rate (the operator's per-minute bound scaled by health), as a token bucket that
 *   holds at most one second's worth, so admissions come evenly rather than in bursts;
 * - the operator's per-minute bound over the last 60 seconds, whatever the bucket says;
 * - free checkout slots: `maxInCheckout` minus fans admitted and not yet holding, plus active holds;
 * - tickets left to hold: no more fans admitted and not yet holding than places nobody holds, so a
 *   fan is not taken out of line to find nothing while the last places sit in others' holds (those
 *   that lapse come back, and the next fans are let in for them).
 */
export function admissionBudget(input: {
  now: number;
  bucket: Bucket | undefined;
  allowedPerMinute: number;
  maxPerMinute: number;
  maxInCheckout: number;
  activeInCheckout: number;
  admittedLastMinute: number;
  /** Places on sale that nobody holds (seats available, GA places not taken). */
  ticketsLeft: number;
  /** Fans admitted who have not made a hold yet. */
  notYetHolding: number;
}): { admissions: number; bucket: Bucket } {
  const capacity = Math.max(1, input.allowedPerMinute / 60);
  const last = input.bucket ?? { tokens: capacity, at: input.now };
  const tokens = Math.min(capacity, last.tokens + ((input.now - last.at) / 60_000) * input.allowedPerMinute);
  const room = Math.min(
    tokens,
    input.maxInCheckout - input.activeInCheckout,
    input.maxPerMinute - input.admittedLastMinute,
    input.ticketsLeft - input.notYetHolding,
  );
  return { admissions: Math.max(0, Math.floor(room)), bucket: { tokens, at: input.now } };
}

/** State changes the tick makes when the performance's sales status moves under the room. */
const follows: { when: (row: repo.RoomRow) => boolean; from: WaitingRoomState[]; to: WaitingRoomState; action: string }[] = [
  { when: (r) => r.sales_status === 'sold_out', from: ['open', 'paused'], to: 'sold_out', action: 'waiting_room.sold_out' },
  { when: (r) => r.sales_status === 'on_sale' && r.moved_to === null, from: ['sold_out'], to: 'open', action: 'waiting_room.reopened' },
];

/**
 * The tick, once a second in every process (and called directly by tests with a fake clock):
 * keeps each room's settings in step with PostgreSQL, opens rooms whose on-sale time came, follows
 * sell-outs, refreshes tickets left and checkout load, and moves each open room's serving counter.
 * "Sold out reaches every fan at once" means within one tick.
 */
export function createAdmission(deps: { db: Db; store: QueueStore; rooms: Rooms; load: LoadSignal; moving: Set<string>; log?: (message: string) => void }) {
  const { db, store, rooms, load, moving } = deps;
  const log = deps.log ?? ((message: string) => console.error(message));
  let outage = false;
  const self = {
    /** Where tickets left and active holds come from: PostgreSQL, or a simulation in tests. */
    checkoutFigures: ((ids) => repo.checkoutFigures(db, ids)) as CheckoutFigures,
    /** The rooms the last tick watched that let fans in or hold them in line, for the metrics. */
    live: [] as readonly string[],

    /**
     * Fails closed: while the store is unreachable the tick admits nobody, says so once per outage,
     * and picks up from the same counters when the store is back.
     */
    async tick(now: number): Promise<Map<string, { admitted: number; skipped: number; lapsed: number }>> {
      try {
        const report = await advanceAll(now);
        if (outage) {
          outage = false;
          log('waiting room: queue store reachable again; admissions resume');
        }
        return report;
      } catch (error) {
        if (!isQueueUnavailable(error)) throw error;
        if (!outage) {
          outage = true;
          log('waiting room: queue store unreachable; admissions stopped until it returns');
        }
        return new Map();
      }
    },
  };

  async function advanceAll(now: number): Promise<Map<string, { admitted: number; skipped: number; lapsed: number }>> {
    const report = new Map<string, { admitted: number; skipped: number; lapsed: number }>();
    const rows = await repo.roomsToWatch(db, new Date(now));
    const { factor } = load.read();
    const live = (r: repo.RoomRow) => r.enabled && r.moved_to === null && r.state !== 'closed';
    const liveIds = rows.filter(live).map((r) => r.performance_id);
    self.live = liveIds;
    const figures = await self.checkoutFigures(liveIds);
    for (let row of rows) {
      const id = row.performance_id;
      if (moving.has(id)) continue;
      row = await follow(row, now);
      const config = toConfig(row);
      await store.configure(config);
      if (!live(row)) continue;
      const f = figures.get(id) ?? { ticketsLeft: 0, activeHolds: 0 };
      // Several processes tick the same room: one at a time reads the counters and moves them,
      // and the bucket and the last minute's admissions live in the store, so the bounds hold across them.
      const result = await store.exclusive(id, ADMIT_LOCK_MS, async () => {
        const lapsed = await store.lapse(id, now);
        const before = await store.counters(id, now);
        if (!before) return undefined;
        const allowedPerMinute = config.maxAdmissionsPerMinute * factor;
        const budget = admissionBudget({
          now,
          bucket: before.bucket,
          allowedPerMinute,
          maxPerMinute: config.maxAdmissionsPerMinute,
          maxInCheckout: config.maxInCheckout,
          activeInCheckout: before.pending + before.recentlyStarted + f.activeHolds,
          admittedLastMinute: before.admittedLastMinute,
          ticketsLeft: f.ticketsLeft,
          notYetHolding: before.pending,
        });
        const moved = await store.advance(id, roomState(config) === 'open' ? budget.admissions : 0, now, budget.bucket);
        if (moved.admitted > 0) queueAdmissions.inc({ performance: id }, moved.admitted);
        const after = (await store.counters(id, now))!;
        await store.publish(id, {
          ticketsLeft: f.ticketsLeft,
          admissionsPerMinute: after.admittedLastMinute,
          allowedPerMinute,
          activeInCheckout: after.pending + after.recentlyStarted + f.activeHolds,
          updatedAt: now,
        });
        return { ...moved, lapsed };
      });
      if (result) report.set(id, result);
    }
    return report;
  }

  async function follow(row: repo.RoomRow, now: number): Promise<repo.RoomRow> {
    if (openable(row, now)) {
      await rooms.open(row);
      return (await repo.findRoom(db, row.performance_id)) ?? row;
    }
    const rule = follows.find((f) => f.when(row) && f.from.includes(row.state));
    if (!rule) return row;
    await db.transaction().execute(async (tx) => {
      if (!(await repo.setState(tx, row.performance_id, rule.from, rule.to))) return;
      await audit(tx, {
        actor: 'system',
        action: rule.action,
        subjectType: 'performance',
        subjectId: row.performance_id,
        data: { from: row.state, to: rule.to },
      });
    });
    return { ...row, state: rule.to };
  }

  return self;
}
export type Admission = ReturnType<typeof createAdmission>;

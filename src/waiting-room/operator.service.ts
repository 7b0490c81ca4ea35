import { nextScheduledPerformance } from '../catalog/catalog.repository.js';
import { changeSalesStatus } from '../catalog/performances.service.js';
import { audit } from '../platform/audit.js';
import type { PerformanceStatus, WaitingRoomState } from '../platform/database.types.js';
import { AppError, conflict } from '../platform/errors.js';
import type { Db, Tx } from '../platform/transaction.js';
import type { QueueStore, RoomFigures } from './queue-store.js';
import type { Clock, Rooms } from './rooms.js';
import { roomState } from './status.js';
import * as repo from './waiting-room.repository.js';

export interface RoomPatch {
  enabled?: boolean;
  maxInCheckout?: number;
  maxAdmissionsPerMinute?: number;
  graceSeconds?: number;
  startLimitSeconds?: number;
}
export type RoomAction = 'pause' | 'resume' | 'close';

/** Figures the tick published this recently are used as they are. */
const FRESH_FIGURES_MS = 5_000;
const DEFAULT_BOUNDS = { maxInCheckout: 200, maxAdmissionsPerMinute: 600, graceSeconds: 60, startLimitSeconds: 120 };
const actions: Record<RoomAction, { from: WaitingRoomState[]; to: WaitingRoomState; done: string }> = {
  pause: { from: ['open'], to: 'paused', done: 'paused' },
  resume: { from: ['paused'], to: 'open', done: 'resumed' },
  close: { from: ['pre_queue', 'open', 'paused', 'sold_out'], to: 'closed', done: 'closed' },
};
const noRoom = (id: string) => new AppError('waiting_room_not_found', 404, `Performance ${id} has no waiting room`);

/** The operator's view and controls. Every change is audited as `waiting_room.<what>`. */
export function createOperator({ db, store, rooms, clock, moving }: { db: Db; store: QueueStore; rooms: Rooms; clock: Clock; moving: Set<string> }) {
  /**
   * The tick refreshes tickets left only for rooms it admits from: a room switched off, closed or
   * moved keeps its last figure. The console asks every few seconds, so a stale one is measured.
   */
  async function ticketsLeft(performanceId: string, figures: RoomFigures, now: number): Promise<number> {
    if (now - figures.updatedAt <= FRESH_FIGURES_MS) return figures.ticketsLeft;
    return (await repo.checkoutFigures(db, [performanceId])).get(performanceId)?.ticketsLeft ?? figures.ticketsLeft;
  }

  async function view(performanceId: string) {
    const config = await rooms.ensure(performanceId);
    const now = clock.now();
    const line = config && (await store.line(performanceId));
    const counters = config && (await store.counters(performanceId, now));
    if (!config || !line || !counters) {
      return {
        performanceId,
        enabled: false,
        state: null as WaitingRoomState | null,
        bounds: DEFAULT_BOUNDS,
        joined: 0,
        served: 0,
        waiting: 0,
        activeInCheckout: 0,
        admissionsPerMinute: 0,
        conversion: 0,
        abandoned: 0,
        admitted: 0,
        lapsed: 0,
        ticketsLeft: null as number | null,
        movedTo: null as string | null,
      };
    }
    return {
      performanceId,
      enabled: config.enabled,
      state: roomState(config),
      bounds: {
        maxInCheckout: config.maxInCheckout,
        maxAdmissionsPerMinute: config.maxAdmissionsPerMinute,
        graceSeconds: config.graceMs / 1000,
        startLimitSeconds: config.startLimitMs / 1000,
      },
      joined: counters.joined,
      served: counters.served,
      waiting: counters.joined - counters.served + (line.drawn ? 0 : counters.entrants),
      activeInCheckout: line.figures.activeInCheckout,
      admissionsPerMinute: counters.admittedLastMinute,
      // Share of admitted fans who went on to make a hold.
      conversion: counters.admitted ? Math.round((counters.started / counters.admitted) * 1000) / 1000 : 0,
      abandoned: counters.skipped,
      admitted: counters.admitted,
      lapsed: counters.lapsed,
      ticketsLeft: await ticketsLeft(performanceId, line.figures, now),
      movedTo: config.movedTo,
    };
  }

  /**
   * Where the line goes: the target a move cut short wrote down (a retry finishes that move), or
   * the next scheduled performance, written down under the room's lock before anything opens, so
   * two operators on two nodes pick the same one and a retry after a failure finds it again.
   */
  function moveTarget(performanceId: string): Promise<{ id: string; status: PerformanceStatus }> {
    return underRoomLock(performanceId, async (row, tx) => {
      if (row.moved_to) throw conflict('already_moved', `This line already moved to performance ${row.moved_to}`, { movedTo: row.moved_to });
      if (row.moving_to) {
        const started = await tx.selectFrom('performances').select(['id', 'status']).where('id', '=', row.moving_to).executeTakeFirst();
        if (started && (started.status === 'scheduled' || started.status === 'on_sale')) return started;
      }
      const next = await nextScheduledPerformance(tx, performanceId);
      if (!next) throw conflict('no_next_performance', 'No scheduled performance of this event starts after this one');
      await repo.updateRoom(tx, performanceId, { moving_to: next.id });
      return next;
    });
  }

  /** `work` in a transaction holding the room's row lock; 404 when the performance has no room. */
  function underRoomLock<T>(performanceId: string, work: (row: repo.RoomRow, tx: Tx) => Promise<T>): Promise<T> {
    return db.transaction().execute(async (tx) => {
      const row = await repo.lockRoom(tx, performanceId);
      if (!row) throw noRoom(performanceId);
      return work(row, tx);
    });
  }

  async function change(performanceId: string, work: (row: repo.RoomRow, tx: Tx) => Promise<void>) {
    await underRoomLock(performanceId, work);
    await rooms.load(performanceId, 'never');
    return view(performanceId);
  }

  return {
    view,

    /** Changes bounds or switches the room; creates it if the performance has none. */
    async update(performanceId: string, patch: RoomPatch, actor: string) {
      await rooms.load(performanceId, 'always', patch.enabled);
      return change(performanceId, async (row, tx) => {
        const set = {
          enabled: patch.enabled,
          max_in_checkout: patch.maxInCheckout,
          max_admissions_per_minute: patch.maxAdmissionsPerMinute,
          grace_seconds: patch.graceSeconds,
          start_limit_seconds: patch.startLimitSeconds,
        };
        const changes = Object.fromEntries(Object.entries(set).filter(([key, value]) => value !== undefined && value !== row[key as keyof typeof row]));
        if (Object.keys(changes).length === 0) return;
        await repo.updateRoom(tx, performanceId, changes);
        await audit(tx, { actor, action: 'waiting_room.updated', subjectType: 'performance', subjectId: performanceId, data: changes });
      });
    },

    async act(performanceId: string, action: RoomAction, actor: string) {
      if (!(await rooms.ensure(performanceId))) throw noRoom(performanceId);
      const rule = actions[action];
      return change(performanceId, async (row, tx) => {
        if (!rule.from.includes(row.state))
          throw conflict('invalid_transition', `Cannot ${action} a waiting room that is ${row.state.replace('_', ' ')}`, { state: row.state });
        await repo.updateRoom(tx, performanceId, { state: rule.to });
        await audit(tx, {
          actor,
          action: `waiting_room.${rule.done}`,
          subjectType: 'performance',
          subjectId: performanceId,
          data: { from: row.state, to: rule.to },
        });
      });
    },

    /**
     * Opens the next performance of the event and moves everyone still waiting into its room, in
     * the same order and ahead of anyone who joins it afterwards (its own pre-queue is drawn after
     * them). Fans keep their tickets: old tickets answer from the new room.
     */
    async moveToNext(performanceId: string, actor: string) {
      if (!(await rooms.ensure(performanceId))) throw noRoom(performanceId);
      // Refuses a line that moved already, under the room's lock.
      const target = await moveTarget(performanceId);
      moving.add(performanceId).add(target.id);
      try {
        const fromRow = await repo.findRoom(db, performanceId);
        if (fromRow?.state === 'pre_queue') await rooms.open(fromRow);
        await rooms.load(target.id, 'always', true);
        // A retry after a move cut short finds its target already opened by the first try.
        const opened = target.status === 'scheduled' ? await changeSalesStatus(db, target.id, 'open', actor) : target;
        let toRow = await repo.findRoom(db, opened.id);
        if (toRow && !toRow.enabled) {
          await repo.updateRoom(db, opened.id, { enabled: true });
          toRow = { ...toRow, enabled: true };
        }
        let moved = { moved: 0, shift: 0 };
        const move = async () => {
          moved = await store.moveLine(performanceId, opened.id, clock.now());
        };
        // The room opening (and drawing its own pre-queue) runs the move first, inside, so nobody gets in between.
        if (toRow?.state !== 'pre_queue' || !(await rooms.open({ ...toRow, sales_status: 'on_sale' }, move))) await move();
        await db.transaction().execute(async (tx) => {
          const row = await repo.lockRoom(tx, performanceId);
          await repo.updateRoom(tx, performanceId, { moved_to: opened.id, ...(row && row.state !== 'sold_out' ? { state: 'closed' as const } : {}) });
          await audit(tx, { actor, action: 'waiting_room.moved', subjectType: 'performance', subjectId: performanceId, data: { to: opened.id, ...moved } });
        });
        await rooms.load(performanceId, 'never');
        await rooms.load(opened.id, 'never');
        return { from: performanceId, to: opened.id, moved: moved.moved };
      } finally {
        moving.delete(performanceId);
        moving.delete(target.id);
      }
    },
  };
}

import { audit } from '../platform/audit.js';
import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { commitmentOf, drawOrder, newSalt, seedFor } from './fairness.js';
import type { QueueStore, RoomConfig } from './queue-store.js';
import * as repo from './waiting-room.repository.js';

export interface Clock {
  now(): number;
}
export interface RoomsDeps {
  db: Db;
  store: QueueStore;
  secret: string;
  clock: Clock;
  log: (message: string) => void;
}

export function toConfig(row: repo.RoomRow): RoomConfig {
  return {
    performanceId: row.performance_id,
    enabled: row.enabled,
    state: row.state,
    salesStatus: row.sales_status,
    onSaleAt: row.on_sale_at ? row.on_sale_at.getTime() : null,
    maxInCheckout: row.max_in_checkout,
    maxAdmissionsPerMinute: row.max_admissions_per_minute,
    graceMs: row.grace_seconds * 1000,
    startLimitMs: row.start_limit_seconds * 1000,
    movedTo: row.moved_to,
  };
}

/** A room opens when its performance's sales are open and its on-sale time has come. */
export const openable = (row: repo.RoomRow, now: number) =>
  row.state === 'pre_queue' && row.sales_status === 'on_sale' && (row.on_sale_at === null || row.on_sale_at.getTime() <= now);

/**
 * Rooms in PostgreSQL and their lines in the store. A performance with an on-sale time gets a room,
 * switched on, the first time anyone asks for it (a fan joining, the operator looking); one without
 * gets a room only when the operator creates one, so it sells as before.
 */
export function createRooms({ db, store, secret, clock, log }: RoomsDeps) {
  const loading = new Map<string, Promise<RoomConfig | undefined>>();
  const absentUntil = new Map<string, number>();

  async function load(performanceId: string, create: 'with_on_sale_time' | 'always' | 'never', enabled?: boolean): Promise<RoomConfig | undefined> {
    let row = await repo.findRoom(db, performanceId);
    if (!row && create !== 'never') {
      const performance = await repo.findPerformance(db, performanceId);
      if (!performance) throw notFound('performance', performanceId);
      if (create === 'always' || performance.on_sale_at) {
        const on = enabled ?? performance.on_sale_at !== null;
        const salt = newSalt();
        const commitment = commitmentOf(seedFor(secret, performanceId, salt));
        await db.transaction().execute(async (tx) => {
          if (!(await repo.insertRoom(tx, { performance_id: performanceId, enabled: on, seed_salt: salt, seed_commitment: commitment }))) return;
          await audit(tx, { actor: 'system', action: 'waiting_room.created', subjectType: 'performance', subjectId: performanceId, data: { commitment } });
        });
        row = await repo.findRoom(db, performanceId);
      }
    }
    if (!row) return undefined;
    await store.configure(toConfig(row));
    if (openable(row, clock.now())) await open(row);
    await prime(performanceId);
    return (await store.line(performanceId))?.config;
  }

  /**
   * A line new to the store has no figures until the tick's next pass (and a room switched off
   * never gets any): measure tickets left now, so neither the fans nor the console read
   * "0 tickets left" for a performance with every seat still to sell.
   */
  async function prime(performanceId: string): Promise<void> {
    const line = await store.line(performanceId);
    if (line?.figures.updatedAt !== 0) return;
    const measured = (await repo.checkoutFigures(db, [performanceId])).get(performanceId);
    if (!measured) return;
    await store.publish(performanceId, { ...line.figures, ticketsLeft: measured.ticketsLeft, activeInCheckout: measured.activeHolds, updatedAt: clock.now() });
  }

  /** Opens a room in the pre-queue: reveals the seed and draws the pre-queue, once. `before` runs first, inside. */
  async function open(row: repo.RoomRow, before?: () => Promise<void>): Promise<boolean> {
    const id = row.performance_id;
    const seed = seedFor(secret, id, row.seed_salt);
    if (commitmentOf(seed) !== row.seed_commitment) log(`waiting room ${id}: the seed no longer matches its commitment (was TAQUILLA_SECRET changed?)`);
    const now = clock.now();
    const opened = await db.transaction().execute(async (tx) => {
      if (!(await repo.markOpened(tx, id, seed.toString('hex'), new Date(now)))) return false;
      await before?.();
      const entrants = await store.draw(id, (ids) => drawOrder(seed, ids), now);
      await repo.updateRoom(tx, id, { entrants });
      await audit(tx, { actor: 'system', action: 'waiting_room.opened', subjectType: 'performance', subjectId: id, data: { entrants } });
      return true;
    });
    await refresh(id);
    return opened;
  }

  function once(key: string, work: () => Promise<RoomConfig | undefined>): Promise<RoomConfig | undefined> {
    let pending = loading.get(key);
    if (!pending) {
      pending = work().finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    return pending;
  }

  async function refresh(performanceId: string): Promise<repo.RoomRow | undefined> {
    const row = await repo.findRoom(db, performanceId);
    if (row) await store.configure(toConfig(row));
    return row;
  }

  return {
    load,
    open,
    refresh,
    /** The room's settings, loading (and maybe creating) it once per process; concurrent callers share the load. */
    async ensure(performanceId: string): Promise<RoomConfig | undefined> {
      const known = await store.line(performanceId);
      if (known) return known.config;
      return once(`ensure:${performanceId}`, () => load(performanceId, 'with_on_sale_time'));
    },
    /**
     * For the holds gate and the summary: the room, created on first use for a performance with
     * an on-sale time. A performance without one is remembered for a second, so selling without a
     * room costs one lookup a second, not one a hold.
     */
    async find(performanceId: string): Promise<RoomConfig | undefined> {
      const known = await store.line(performanceId);
      if (known) return known.config;
      if ((absentUntil.get(performanceId) ?? 0) > Date.now()) return undefined;
      // A performance with an on-sale time gets its room here too, so holds are gated from the
      // first one on, not only once somebody has joined the line.
      const config = await once(`find:${performanceId}`, () => load(performanceId, 'with_on_sale_time'));
      if (!config) absentUntil.set(performanceId, Date.now() + 1000);
      return config;
    },
  };
}
export type Rooms = ReturnType<typeof createRooms>;

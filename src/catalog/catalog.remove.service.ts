import { endHold } from '../inventory/holds.service.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { PerformanceStatus } from '../platform/database.types.js';
import { AppError, conflict, notFound, PG, pgCode } from '../platform/errors.js';
import { stockTransaction, withRetry, type Db, type Tx } from '../platform/transaction.js';
import { refundOrder } from '../sales/refunds.service.js';
import * as repo from './catalog.remove.repository.js';

/**
 * Removing what the operator made by mistake, and retiring what was sold:
 * - delete: only while nothing was ever ordered for it and nothing is held (409 naming why);
 * - archive: hidden from the public and the console's default lists, kept for its history; while
 *   nothing is sold (a performance still selling is closed by it), or once its sales are over
 *   (closed or cancelled);
 * - cancel (a performance): sales stop for good, running holds and unpaid orders are released,
 *   and the paid orders are refunded, or listed to refund.
 */

const SELLING: PerformanceStatus[] = ['scheduled', 'on_sale', 'paused', 'sold_out'];

function refuseTrace(what: 'performance' | 'event', trace: repo.Trace, advice: string): void {
  if (trace.orders > 0) {
    throw conflict(
      `${what}_has_orders`,
      `${trace.orders} order${trace.orders === 1 ? ' was' : 's were'} made for this ${what} (${trace.paid} paid): ${advice}`,
      { orders: trace.orders, paid: trace.paid },
    );
  }
  if (trace.activeHolds > 0) {
    throw conflict(
      `${what}_has_holds`,
      `${trace.activeHolds} buyer${trace.activeHolds === 1 ? ' is' : 's are'} holding tickets for this ${what} right now: close its sales and wait for the holds to end, or archive it`,
      { activeHolds: trace.activeHolds },
    );
  }
}

/** Another table (a newer part's) still names the row: a refusal that says which, not a 500. */
async function referenced<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (pgCode(error) === PG.foreignKeyViolation) {
      const table = (error as { table?: string }).table ?? 'another table';
      throw conflict(`${what}_in_use`, `This ${what} is still referred to by ${table.replace(/_/g, ' ')}; archive it instead`, { table });
    }
    throw error;
  }
}

export async function deletePerformance(ctx: AppContext, id: string, actor: string): Promise<void> {
  await referenced('performance', () =>
    ctx.db.transaction().execute(async (tx) => {
      const perf = await repo.lockPerformanceRow(tx, id);
      if (!perf) throw notFound('performance', id);
      refuseTrace('performance', await repo.traceOf(tx, [id]), 'cancel it (POST /api/admin/performances/:id/cancel) or archive it instead');
      await repo.deletePerformances(tx, [id]);
      await audit(tx, {
        actor,
        action: 'catalog.performance.deleted',
        subjectType: 'performance',
        subjectId: id,
        data: { eventId: perf.event_id, status: perf.status },
      });
    }),
  );
  ctx.availability.invalidate(id);
}

export async function deleteEvent(db: Db, id: string, actor: string): Promise<void> {
  await referenced('event', () =>
    db.transaction().execute(async (tx) => {
      const event = await repo.lockEventRow(tx, id);
      if (!event) throw notFound('event', id);
      const performances = await repo.lockPerformancesOf(tx, { eventId: id });
      const ids = performances.map((p) => p.id);
      refuseTrace('event', await repo.traceOf(tx, ids), 'cancel its performances or archive the event instead');
      await repo.deletePerformances(tx, ids);
      await tx.deleteFrom('events').where('id', '=', id).execute();
      await audit(tx, { actor, action: 'catalog.event.deleted', subjectType: 'event', subjectId: id, data: { slug: event.slug, performances: ids } });
    }),
  );
}

export async function deleteVenue(db: Db, id: string, actor: string): Promise<void> {
  await referenced('venue', () =>
    db.transaction().execute(async (tx) => {
      const venue = await repo.lockVenueRow(tx, id);
      if (!venue) throw notFound('venue', id);
      const performances = await repo.lockPerformancesOf(tx, { venueId: id });
      if (performances.length) {
        const trace = await repo.traceOf(
          tx,
          performances.map((p) => p.id),
        );
        throw conflict(
          'venue_in_use',
          `${performances.length} performance${performances.length === 1 ? ' is' : 's are'} at this venue (${trace.paid} paid orders): ` +
            'delete those with no sales first, or archive the venue',
          { performances: performances.length, paid: trace.paid },
        );
      }
      await tx.deleteFrom('venues').where('id', '=', id).execute();
      await audit(tx, { actor, action: 'catalog.venue.deleted', subjectType: 'venue', subjectId: id, data: { name: venue.name } });
    }),
  );
}

/** Archives one performance inside `tx` (locked by the caller); a performance still selling with nothing sold is closed. */
async function archiveOne(tx: Tx, perf: { id: string; status: PerformanceStatus; archived_at: Date | null }, actor: string): Promise<void> {
  if (perf.archived_at) return;
  const trace = await repo.traceOf(tx, [perf.id]);
  if (trace.activeHolds > 0) refuseTrace('performance', { ...trace, orders: 0 }, '');
  if (trace.paid > 0 && SELLING.includes(perf.status)) {
    throw conflict('performance_has_sales', `${trace.paid} paid orders are for this performance: cancel it or close its sales before archiving it`, {
      performanceId: perf.id,
      paid: trace.paid,
    });
  }
  if (SELLING.includes(perf.status)) await tx.updateTable('performances').set({ status: 'closed' }).where('id', '=', perf.id).execute();
  await repo.setArchived(tx, 'performances', perf.id, new Date());
  await audit(tx, {
    actor,
    action: 'catalog.performance.archived',
    subjectType: 'performance',
    subjectId: perf.id,
    data: { status: perf.status, closed: SELLING.includes(perf.status) },
  });
}

export async function archivePerformance(ctx: AppContext, id: string, actor: string) {
  const result = await ctx.db.transaction().execute(async (tx) => {
    const perf = await repo.lockPerformanceRow(tx, id);
    if (!perf) throw notFound('performance', id);
    await archiveOne(tx, perf, actor);
    return tx.selectFrom('performances').select(['id', 'status', 'archived_at']).where('id', '=', id).executeTakeFirstOrThrow();
  });
  ctx.availability.invalidate(id);
  return { id: result.id, status: result.status, archivedAt: result.archived_at?.toISOString() ?? null };
}

/** An event is archived with all its performances, each under the performance's rule. */
export async function archiveEvent(ctx: AppContext, id: string, actor: string) {
  const result = await ctx.db.transaction().execute(async (tx) => {
    const event = await repo.lockEventRow(tx, id);
    if (!event) throw notFound('event', id);
    const performances = await repo.lockPerformancesOf(tx, { eventId: id });
    for (const perf of performances) await archiveOne(tx, perf, actor);
    const at = event.archived_at ?? new Date();
    if (!event.archived_at) {
      await repo.setArchived(tx, 'events', id, at);
      await audit(tx, { actor, action: 'catalog.event.archived', subjectType: 'event', subjectId: id, data: { performances: performances.length } });
    }
    return { id, archivedAt: at.toISOString(), performances: performances.map((p) => p.id) };
  });
  for (const p of result.performances) ctx.availability.invalidate(p);
  return { id: result.id, archivedAt: result.archivedAt };
}

/** A venue is archived once no performance there is selling (each is closed, cancelled or archived). */
export async function archiveVenue(db: Db, id: string, actor: string) {
  return db.transaction().execute(async (tx) => {
    const venue = await repo.lockVenueRow(tx, id);
    if (!venue) throw notFound('venue', id);
    const selling = (await repo.lockPerformancesOf(tx, { venueId: id })).filter((p) => !p.archived_at && SELLING.includes(p.status));
    if (selling.length) {
      throw conflict(
        'venue_in_use',
        `${selling.length} performance${selling.length === 1 ? ' is' : 's are'} still selling at this venue: close, cancel or archive them first`,
        { performances: selling.length },
      );
    }
    const at = venue.archived_at ?? new Date();
    if (!venue.archived_at) {
      await repo.setArchived(tx, 'venues', id, at);
      await audit(tx, { actor, action: 'catalog.venue.archived', subjectType: 'venue', subjectId: id });
    }
    return { id, archivedAt: at.toISOString() };
  });
}

/** Shown again in the lists; a performance archived while selling stays closed (its sales reopen by hand). */
export async function unarchive(db: Db, what: 'venue' | 'event' | 'performance', id: string, actor: string) {
  const table = `${what}s` as const;
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom(table).select(['id', 'archived_at']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound(what, id);
    if (row.archived_at) {
      await repo.setArchived(tx, table, id, null);
      await audit(tx, { actor, action: `catalog.${what}.unarchived`, subjectType: what, subjectId: id });
    }
    return { id, archivedAt: null };
  });
}

export interface CancelOutcome {
  id: string;
  status: 'cancelled';
  releasedHolds: number;
  paidOrders: number;
  refunded: number;
  refundFailures: { orderId: string; code: string; message: string }[];
}

/**
 * Cancels a performance for good: its sales close (no hold or order can be made), every running
 * hold is released (an unpaid order on it is cancelled), and with `refund` every paid order is
 * refunded through its provider, one by one, each in its own transaction; without it the paid
 * orders stay to refund (GET /api/admin/orders?performanceId=&status=paid lists them). Cancelling
 * again with `refund` refunds what is left.
 */
export async function cancelPerformance(ctx: AppContext, id: string, options: { refund: boolean }, actor: string): Promise<CancelOutcome> {
  await ctx.db.transaction().execute(async (tx) => {
    const perf = await repo.lockPerformanceRow(tx, id);
    if (!perf) throw notFound('performance', id);
    if (perf.status === 'cancelled') {
      if (!options.refund) throw conflict('invalid_transition', 'This performance is already cancelled', { status: perf.status });
      return;
    }
    await tx.updateTable('performances').set({ status: 'cancelled' }).where('id', '=', id).execute();
    await audit(tx, {
      actor,
      action: 'catalog.performance.cancelled',
      subjectType: 'performance',
      subjectId: id,
      data: { from: perf.status, refund: options.refund },
    });
  });
  ctx.availability.invalidate(id);
  // Holds made just before the status changed are released here; none can start after it.
  const released = await withRetry(() =>
    stockTransaction(ctx.db, async (tx) => {
      const holds = await repo.activeHolds(tx, id);
      for (const hold of holds) await endHold(tx, hold.id, 'released', actor);
      return holds.length;
    }),
  );
  const paid = await repo.paidOrders(ctx.db, id);
  const failures: CancelOutcome['refundFailures'] = [];
  let refunded = 0;
  if (options.refund) {
    for (const order of paid) {
      try {
        await refundOrder(ctx, order.id, actor);
        refunded++;
      } catch (error) {
        const e = error instanceof AppError ? error : new AppError('refund_failed', 502, 'The payment provider did not refund this order');
        if (failures.length < 100) failures.push({ orderId: order.id, code: e.code, message: e.message });
      }
    }
  }
  ctx.availability.invalidate(id);
  return { id, status: 'cancelled', releasedHolds: released, paidOrders: paid.length - refunded, refunded, refundFailures: failures };
}

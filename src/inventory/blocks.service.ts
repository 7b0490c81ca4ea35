import { findPerformance } from '../catalog/catalog.repository.js';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import type { BlockKind } from '../platform/database.types.js';
import { badRequest, conflict, notFound } from '../platform/errors.js';
import { busyIfContended, stockTransaction, withRetry, type Db, type Tx } from '../platform/transaction.js';
import * as repo from './blocks.repository.js';
import { settleSoldOut } from './sold-out.js';
import { pickQuantity, takeStock, type StockPick } from './staff-stock.js';

/**
 * A block keeps seats or GA places of one performance from sale: house seats, a production kill
 * (a camera position, a mixing desk), accessibility seats kept for those who need them. It is a
 * hold with purpose `block` that never expires, so everything that keeps fans from a held seat
 * (the seat map, availability counts, the sold-out check) keeps them from a blocked one. It ends
 * when staff release it, or turn its seats into comps or counter sales.
 */
export interface BlockRequest extends StockPick {
  kind: BlockKind;
  note?: string;
}

export interface BlockView {
  id: string;
  kind: BlockKind;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
  quantity: number;
  seats: { id: string; label: string; section: string; row: string; number: number; categoryId: string }[];
  ga: { gaAreaId: string; name: string; quantity: number }[];
}

export async function listBlocks(db: Db | Tx, performanceId: string, only?: string[]): Promise<BlockView[]> {
  const rows = (await repo.activeBlocks(db, performanceId)).filter((b) => !only || only.includes(b.id));
  const { seats, ga } = await repo.blockContents(
    db,
    rows.map((b) => b.id),
  );
  return rows.map((b) => ({
    id: b.id,
    kind: b.block_kind!,
    note: b.note,
    createdBy: b.created_by,
    createdAt: b.created_at.toISOString(),
    quantity: b.quantity,
    seats: seats.filter((s) => s.hold_id === b.id).map(({ hold_id: _, ...s }) => s),
    ga: ga.filter((g) => g.hold_id === b.id).map(({ hold_id: _, ...g }) => g),
  }));
}

async function performanceForStaff(db: Db, performanceId: string) {
  const performance = await findPerformance(db, performanceId);
  if (!performance) throw notFound('performance', performanceId);
  if (performance.status === 'cancelled') throw conflict('performance_cancelled', 'This performance is cancelled');
  return performance;
}

/** Blocks the chosen seats and GA places, all or nothing; a seat held, sold or blocked already is a 409 naming it. */
export async function createBlock(ctx: AppContext, performanceId: string, request: BlockRequest, actor: string): Promise<BlockView> {
  await performanceForStaff(ctx.db, performanceId);
  const quantity = pickQuantity(request);
  if (quantity === 0) throw badRequest('invalid_request', 'body needs seatIds or ga', { field: 'body' });
  const block = await withRetry(() =>
    stockTransaction(ctx.db, async (tx) => {
      const hold = await repo.insertStaffHold(tx, {
        performanceId,
        purpose: 'block',
        kind: request.kind,
        note: request.note ?? null,
        createdBy: actor,
        quantity,
        idempotencyKey: null,
        requestHash: null,
      });
      await takeStock(tx, performanceId, hold.id, request, { fromBlocks: false });
      await audit(tx, {
        actor,
        action: 'inventory.block.created',
        subjectType: 'performance',
        subjectId: performanceId,
        data: { blockId: hold.id, kind: request.kind, note: request.note ?? null, seatIds: request.seatIds ?? [], ga: request.ga ?? [] },
      });
      await settleSoldOut(tx, performanceId);
      return (await listBlocks(tx, performanceId, [hold.id]))[0]!;
    }),
  ).catch((error) => {
    throw busyIfContended(error);
  });
  ctx.availability.invalidate(performanceId);
  return block;
}

/**
 * What to release: a whole block (`blockId` alone), chosen seats wherever they are blocked (or
 * only in `blockId`), and GA places of a block (`blockId` with `ga`).
 */
export interface ReleaseRequest {
  blockId?: string;
  seatIds?: string[];
  ga?: { gaAreaId: string; quantity: number }[];
}

/** Puts blocked stock back on sale, all or nothing; a seat that is not blocked is a 409 naming it. */
export async function releaseBlocks(
  ctx: AppContext,
  performanceId: string,
  request: ReleaseRequest,
  actor: string,
): Promise<{ released: { seats: number; ga: number }; blocks: BlockView[] }> {
  await performanceForStaff(ctx.db, performanceId);
  const { blockId, seatIds, ga } = request;
  if (!blockId && !seatIds) throw badRequest('invalid_request', 'body needs blockId or seatIds', { field: 'body' });
  if (ga && !blockId) throw badRequest('invalid_request', 'body.ga needs the blockId the places are blocked in', { field: 'body.blockId' });
  if (seatIds && new Set(seatIds).size !== seatIds.length) throw badRequest('duplicate_seat', 'seatIds names the same seat twice', { field: 'seatIds' });
  const result = await withRetry(() =>
    stockTransaction(ctx.db, async (tx) => {
      const whole = blockId !== undefined && !seatIds && !ga;
      // Seats first, then blocks, then GA buckets: the order every stock writer keeps.
      const seats = whole ? (await repo.lockBlockSeats(tx, blockId)).map((seat_id) => ({ seat_id, hold_id: blockId, label: '' })) : await lockBlocked(tx);
      const blockIds = [...new Set([...seats.map((s) => s.hold_id), ...(blockId ? [blockId] : [])])].sort();
      const locked = new Set((await repo.lockBlocks(tx, performanceId, blockIds)).map((b) => b.id));
      if (blockId && !locked.has(blockId)) throw notFound('block', blockId);
      let seatCount = 0;
      for (const id of blockIds) {
        seatCount += await repo.freeSeats(
          tx,
          performanceId,
          seats.filter((s) => s.hold_id === id).map((s) => s.seat_id),
          id,
        );
      }
      let gaCount = 0;
      const gaLines = whole ? await wholeGa(tx, blockId) : (ga ?? []);
      for (const line of gaLines) gaCount += await releaseGa(tx, performanceId, blockId!, line.gaAreaId, line.quantity);
      for (const id of blockIds) await repo.settleBlock(tx, id);
      await audit(tx, {
        actor,
        action: 'inventory.block.released',
        subjectType: 'performance',
        subjectId: performanceId,
        data: { blockIds, whole, seatIds: seats.map((s) => s.seat_id), ga: gaLines },
      });
      await settleSoldOut(tx, performanceId);
      return { released: { seats: seatCount, ga: gaCount }, blocks: await listBlocks(tx, performanceId) };
    }),
  ).catch((error) => {
    throw busyIfContended(error);
  });
  ctx.availability.invalidate(performanceId);
  return result;

  async function lockBlocked(tx: Tx) {
    if (!seatIds?.length) return [];
    const rows = await repo.lockSeatsWithOwner(tx, performanceId, seatIds);
    const found = new Set(rows.map((r) => r.seat_id));
    const missing = seatIds.filter((id) => !found.has(id));
    if (missing.length)
      throw badRequest('seat_not_for_sale', `Seat ${missing.join(', ')} is not on sale for this performance`, { field: 'seatIds', seatIds: missing });
    const notBlocked = rows.filter((r) => r.purpose !== 'block' || r.status !== 'held' || (blockId !== undefined && r.hold_id !== blockId));
    if (notBlocked.length) {
      throw conflict('seat_not_blocked', `Not ${blockId ? 'in this block' : 'blocked'}: ${notBlocked.map((r) => r.label).join(', ')}`, {
        seatIds: notBlocked.map((r) => r.seat_id),
      });
    }
    return rows.map((r) => ({ seat_id: r.seat_id, hold_id: r.hold_id!, label: r.label }));
  }
}

async function wholeGa(tx: Tx, blockId: string) {
  const rows = await tx
    .selectFrom('hold_ga_items')
    .select(['ga_area_id as gaAreaId', (eb) => eb.fn.sum<number>('quantity').as('quantity')])
    .where('hold_id', '=', blockId)
    .groupBy('ga_area_id')
    .execute();
  return rows.map((r) => ({ gaAreaId: r.gaAreaId, quantity: Number(r.quantity) }));
}

async function releaseGa(tx: Tx, performanceId: string, blockId: string, gaAreaId: string, quantity: number): Promise<number> {
  const items = await repo.gaItems(tx, blockId, gaAreaId);
  const blocked = items.reduce((n, i) => n + i.quantity, 0);
  if (blocked < quantity)
    throw conflict('not_enough_blocked', `This block keeps ${blocked} places of GA area ${gaAreaId}, not ${quantity}`, { gaAreaId, blocked });
  let remaining = quantity;
  for (const item of items) {
    if (remaining === 0) break;
    const give = Math.min(item.quantity, remaining);
    await repo.removeGa(tx, blockId, gaAreaId, item.bucket, give);
    await repo.returnGa(tx, performanceId, gaAreaId, item.bucket, give);
    remaining -= give;
  }
  return quantity;
}

import { badRequest, conflict } from '../platform/errors.js';
import { ContendedError, type Tx } from '../platform/transaction.js';
import * as blocks from './blocks.repository.js';
import * as holds from './holds.repository.js';

/**
 * What staff take for a block, a comp or a counter sale: chosen seats, and GA places of an area,
 * from free stock or (for a comp or a counter sale) out of a named block.
 */
export interface StockPick {
  seatIds?: string[];
  ga?: { gaAreaId: string; quantity: number; blockId?: string }[];
}

/** Which blocks the stock came out of (for the audit entry). */
export type FromBlocks = Record<string, { seatIds: string[]; ga: { gaAreaId: string; quantity: number }[] }>;

export const pickQuantity = (pick: StockPick) => (pick.seatIds?.length ?? 0) + (pick.ga ?? []).reduce((n, g) => n + g.quantity, 0);

type SeatState = 'held' | 'sold' | 'blocked';
const stateOf = (seat: blocks.LockedSeat): SeatState => (seat.status === 'sold' ? 'sold' : seat.purpose === 'block' ? 'blocked' : 'held');

/**
 * Moves the picked stock into `holdId`, all or nothing, in the lock order every stock writer keeps:
 * seats (by id), then the blocks involved (by id), then GA buckets. A seat is taken only while it
 * is available, or, with `fromBlocks`, while it is in a block; anything else is a 409
 * `seats_unavailable` naming each seat and its state. Blocks left empty are released.
 */
export async function takeStock(tx: Tx, performanceId: string, holdId: string, pick: StockPick, options: { fromBlocks: boolean }): Promise<FromBlocks> {
  const seatIds = pick.seatIds ?? [];
  const gaLines = pick.ga ?? [];
  const unique = [...new Set(seatIds)];
  if (unique.length !== seatIds.length) throw badRequest('duplicate_seat', 'seatIds names the same seat twice', { field: 'seatIds' });
  if (new Set(gaLines.map((g) => `${g.gaAreaId}/${g.blockId ?? ''}`)).size !== gaLines.length) {
    throw badRequest('duplicate_ga_area', 'ga names the same GA area (and block) twice', { field: 'ga' });
  }
  if (!options.fromBlocks && gaLines.some((g) => g.blockId)) throw badRequest('invalid_request', 'ga[].blockId is not allowed here', { field: 'ga' });

  const fromBlocks: FromBlocks = {};
  const entry = (blockId: string) => (fromBlocks[blockId] ??= { seatIds: [], ga: [] });

  const rows = unique.length ? await blocks.lockSeatsWithOwner(tx, performanceId, unique) : [];
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.seat_id));
    const missing = unique.filter((id) => !found.has(id));
    throw badRequest('seat_not_for_sale', `Seat ${missing.join(', ')} is not on sale for this performance`, { field: 'seatIds', seatIds: missing });
  }
  const refused = rows.filter((r) => !(r.status === 'available' || (options.fromBlocks && r.status === 'held' && r.purpose === 'block')));
  if (refused.length) {
    const seats = refused.map((r) => ({ id: r.seat_id, label: r.label, state: stateOf(r) }));
    throw conflict('seats_unavailable', `Not available: ${seats.map((s) => `${s.label} (${s.state})`).join(', ')}`, {
      seatIds: seats.map((s) => s.id),
      seats,
    });
  }
  for (const r of rows) if (r.hold_id) entry(r.hold_id).seatIds.push(r.seat_id);

  // The blocks this touches, locked after the seats, so a block's count and release agree with its contents.
  const blockIds = [...new Set([...rows.flatMap((r) => (r.hold_id ? [r.hold_id] : [])), ...gaLines.flatMap((g) => (g.blockId ? [g.blockId] : []))])].sort();
  const locked = new Set((await blocks.lockBlocks(tx, performanceId, blockIds)).map((b) => b.id));
  const gone = blockIds.find((id) => !locked.has(id));
  if (gone) throw conflict('block_not_active', `Block ${gone} is not an active block of this performance`, { blockId: gone });

  await blocks.moveSeats(tx, performanceId, unique, holdId);
  for (const line of gaLines) {
    if (!(await holds.findGaArea(tx, performanceId, line.gaAreaId))) {
      throw badRequest('ga_area_not_for_sale', `GA area ${line.gaAreaId} is not on sale for this performance`, { field: 'ga', gaAreaId: line.gaAreaId });
    }
    if (line.blockId) {
      await takeGaFromBlock(tx, performanceId, holdId, line.blockId, line.gaAreaId, line.quantity);
      entry(line.blockId).ga.push({ gaAreaId: line.gaAreaId, quantity: line.quantity });
    } else {
      await takeFreeGa(tx, performanceId, holdId, line.gaAreaId, line.quantity);
    }
  }
  for (const id of blockIds) await blocks.settleBlock(tx, id);
  return fromBlocks;
}

async function takeGaFromBlock(tx: Tx, performanceId: string, holdId: string, blockId: string, gaAreaId: string, quantity: number): Promise<void> {
  const items = await blocks.gaItems(tx, blockId, gaAreaId);
  const blocked = items.reduce((n, i) => n + i.quantity, 0);
  if (blocked < quantity) {
    throw conflict('not_enough_inventory', `Block ${blockId} keeps ${blocked} places of this GA area, not ${quantity}`, { gaAreaId, blockId, blocked });
  }
  let remaining = quantity;
  for (const item of items) {
    if (remaining === 0) break;
    const take = Math.min(item.quantity, remaining);
    await blocks.removeGa(tx, blockId, gaAreaId, item.bucket, take);
    await blocks.addGa(tx, holdId, performanceId, gaAreaId, item.bucket, take);
    remaining -= take;
  }
}

/** As a fan's hold takes GA places: buckets nobody has locked, the CHECK on each bucket as the last word. */
async function takeFreeGa(tx: Tx, performanceId: string, holdId: string, gaAreaId: string, quantity: number): Promise<void> {
  let remaining = quantity;
  const used: number[] = [];
  while (remaining > 0) {
    const bucket = await holds.lockGaBucket(tx, performanceId, gaAreaId, used);
    if (!bucket) {
      const free = await holds.gaFree(tx, performanceId, gaAreaId);
      if (free < remaining) {
        throw conflict('not_enough_inventory', `Only ${free + quantity - remaining} places of this GA area are free, not ${quantity}`, {
          gaAreaId,
          available: free + quantity - remaining,
        });
      }
      throw new ContendedError();
    }
    const take = Math.min(bucket.free, remaining);
    await tx
      .updateTable('ga_stock')
      .set((eb) => ({ taken: eb('taken', '+', take) }))
      .where('performance_id', '=', performanceId)
      .where('ga_area_id', '=', gaAreaId)
      .where('bucket', '=', bucket.bucket)
      .execute();
    await blocks.addGa(tx, holdId, performanceId, gaAreaId, bucket.bucket, take);
    used.push(bucket.bucket);
    remaining -= take;
  }
}

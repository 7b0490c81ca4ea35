import { findPerformance } from '../catalog/catalog.repository.js';
import { AppError, badRequest, conflict, notFound } from '../platform/errors.js';
import { busyIfContended, ContendedError, stockTransaction, withRetry, type Db, type Tx } from '../platform/transaction.js';
import { audit } from '../platform/audit.js';
import { holdsTotal } from '../platform/metrics.js';
import * as claims from './holds.claim.repository.js';
import * as repo from './holds.repository.js';
import { chooseSeats } from './seat-selection.js';

/** What a buyer asks to hold: chosen seats, the best N of a category, GA places, or seats and GA places together. */
export interface HoldRequest {
  seatIds?: string[];
  best?: { categoryId: string; quantity: number };
  ga?: { gaAreaId: string; quantity: number };
}

export interface HoldView {
  holdId: string;
  performanceId: string;
  status: string;
  expiresAt: string;
  items: { seatId?: string; gaAreaId?: string; categoryId: string; price: number; currency: string; label: string }[];
}

const notEnough = () => conflict('not_enough_inventory', 'Not enough tickets left for this request');

async function claimBest(tx: Tx, performanceId: string, holdId: string, categoryId: string, quantity: number): Promise<void> {
  // A small window past N lets us find N side by side in one row without locking much.
  const window = quantity === 1 ? 1 : Math.min(quantity * 3, quantity + 12);
  const candidates = await repo.lockBestSeats(tx, performanceId, categoryId, window);
  if (candidates.length < quantity) {
    // Either stock is really short, or others hold row locks that may yet be rolled back.
    if ((await repo.countAvailableSeats(tx, performanceId, categoryId)) < quantity) throw notEnough();
    throw new ContendedError();
  }
  await repo.markSeatsHeld(tx, performanceId, chooseSeats(candidates, quantity), holdId);
}

async function claimSeats(tx: Tx, performanceId: string, holdId: string, seatIds: string[]): Promise<void> {
  const unique = [...new Set(seatIds)];
  if (unique.length !== seatIds.length) throw badRequest('duplicate_seat', 'seatIds names the same seat twice', { field: 'seatIds' });
  const rows = await repo.lockSeats(tx, performanceId, unique);
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.seat_id));
    const missing = unique.find((id) => !found.has(id));
    throw badRequest('seat_not_for_sale', `Seat ${missing} is not on sale for this performance`, { field: 'seatIds' });
  }
  const taken = rows.filter((r) => r.status !== 'available').map((r) => r.seat_id);
  if (taken.length) throw conflict('not_enough_inventory', 'Some of these seats are no longer available', { seatIds: taken });
  await repo.markSeatsHeld(tx, performanceId, unique, holdId);
}

async function claimGa(tx: Tx, performanceId: string, holdId: string, gaAreaId: string, quantity: number): Promise<void> {
  if (!(await repo.findGaArea(tx, performanceId, gaAreaId))) {
    throw badRequest('ga_area_not_for_sale', `GA area ${gaAreaId} is not on sale for this performance`, { field: 'gaAreaId' });
  }
  let remaining = quantity;
  const used: number[] = [];
  while (remaining > 0) {
    const bucket = await repo.lockGaBucket(tx, performanceId, gaAreaId, used);
    if (!bucket) {
      if ((await repo.gaFree(tx, performanceId, gaAreaId)) < quantity) throw notEnough();
      throw new ContendedError();
    }
    const take = Math.min(bucket.free, remaining);
    await repo.takeGa(tx, holdId, performanceId, gaAreaId, bucket.bucket, take);
    used.push(bucket.bucket);
    remaining -= take;
  }
}

export interface HoldOptions {
  ttlSeconds: number;
  /** The client's Idempotency-Key, with a hash of the request it came with. */
  idempotency?: { key: string; requestHash: string };
  /** The admission (the queue ticket's id) that made the hold, while a waiting room gates the performance. */
  admissionId?: string;
}

/** One admission already holds an order's worth: raised inside the stock transaction, audited outside it. */
export class AdmissionLimitError extends AppError {
  constructor(
    readonly limit: number,
    readonly holding: number,
    readonly requested: number,
  ) {
    super('admission_limit_reached', 409, `One admission may hold at most ${limit} tickets at once; it holds ${holding} already`, { limit, holding });
  }
}

/**
 * Holds stock for a buyer: chosen seats, the best N in a category (side by side where possible),
 * or N GA places. All or nothing, in one stock transaction, retried while others' locks are in
 * the way; a seat is never held twice and a GA area never passes its capacity. An admission's
 * live holds together stay within one order's worth of tickets.
 */
export async function createHold(db: Db, performanceId: string, request: HoldRequest, options: HoldOptions): Promise<HoldView> {
  const { best, ga, seatIds } = request;
  // One kind of stock, no admission to count under a lock, no seat named twice (its 400 comes after the performance's checks there).
  const kinds = (best ? 1 : 0) + (ga ? 1 : 0) + (seatIds ? 1 : 0);
  if (kinds === 1 && !options.admissionId && (!seatIds || new Set(seatIds).size === seatIds.length)) return claimInOne(db, performanceId, request, options);
  const performance = await findPerformance(db, performanceId);
  if (!performance) throw notFound('performance', performanceId);
  const quantity = (request.seatIds?.length ?? 0) + (request.best?.quantity ?? 0) + (request.ga?.quantity ?? 0);
  checkSale(performance.status, performance.max_tickets_per_order, quantity, request.seatIds && !request.ga ? 'seatIds' : 'quantity');
  if (best) {
    const category = await db
      .selectFrom('price_categories')
      .select('id')
      .where('id', '=', best.categoryId)
      .where('event_id', '=', performance.event_id)
      .executeTakeFirst();
    if (!category) throw badRequest('category_not_found', `Price category ${best.categoryId} is not sold at this performance`, { field: 'categoryId' });
  }
  // Seats before GA places, always: every hold takes its locks in the same order.
  return withRetry(() =>
    stockTransaction(db, async (tx) => {
      const { admissionId } = options;
      if (admissionId) {
        await repo.lockAdmission(tx, admissionId);
        const holding = await repo.admissionHolding(tx, admissionId);
        if (holding + quantity > performance.max_tickets_per_order) throw new AdmissionLimitError(performance.max_tickets_per_order, holding, quantity);
      }
      const hold = await repo.insertHold(tx, {
        performanceId,
        ttlSeconds: options.ttlSeconds,
        quantity,
        admissionId: admissionId ?? null,
        idempotencyKey: options.idempotency?.key ?? null,
        requestHash: options.idempotency?.requestHash ?? null,
      });
      if (seatIds) await claimSeats(tx, performanceId, hold.id, seatIds);
      if (best) await claimBest(tx, performanceId, hold.id, best.categoryId, best.quantity);
      if (ga) await claimGa(tx, performanceId, hold.id, ga.gaAreaId, ga.quantity);
      // The answer is read inside the transaction: no second look-up after commit.
      return holdView({ id: hold.id, performance_id: performanceId, status: 'active', expires_at: hold.expires_at }, await repo.holdItems(tx, hold.id));
    }),
  ).catch((error) => {
    throw busyIfContended(error);
  });
}

/** A hold's refusals by the performance, before any stock: not on sale (409), or more tickets than one order may have (400, naming `field`). */
function checkSale(status: string, maxTicketsPerOrder: number, quantity: number, field: 'seatIds' | 'quantity'): void {
  if (status !== 'on_sale') throw conflict('sale_not_open', `Sales for this performance are ${status.replace('_', ' ')}`, { status });
  if (quantity > maxTicketsPerOrder)
    throw badRequest('ticket_limit_exceeded', `At most ${maxTicketsPerOrder} tickets per order`, { field, limit: maxTicketsPerOrder });
}

/**
 * Chosen seats, the best seats of one category, or places in one GA area, without an admission to
 * count: one statement (holds.claim.repository.ts) that checks the performance and claims the
 * stock, retried while others' locks are in the way (or their lock timeout passed). The same
 * answers, in the same order, as the transaction.
 */
async function claimInOne(db: Db, performanceId: string, request: HoldRequest, options: HoldOptions): Promise<HoldView> {
  const quantity = request.seatIds?.length ?? request.best?.quantity ?? request.ga!.quantity;
  const claim: claims.ClaimRequest = {
    performanceId,
    quantity,
    ttlSeconds: options.ttlSeconds,
    idempotencyKey: options.idempotency?.key ?? null,
    requestHash: options.idempotency?.requestHash ?? null,
  };
  const { best, ga, seatIds } = request;
  return withRetry(async () => {
    let result: claims.Claimed;
    if (seatIds) {
      result = await claims.claimChosenSeats(db, claim, seatIds);
    } else if (best) {
      // A small window past N lets us find N side by side in one row without locking much.
      result = await claims.claimBestSeats(db, claim, best.categoryId, quantity === 1 ? 1 : Math.min(quantity * 3, quantity + 12));
    } else {
      // One bucket with room for all is the usual case; near the end, places come from several.
      result = await claims.claimGaPlaces(db, claim, ga!.gaAreaId, 1);
      const p = result.performance;
      if (!result.hold && quantity > 1 && p?.status === 'on_sale' && p.known && quantity <= p.maxTicketsPerOrder)
        result = await claims.claimGaPlaces(db, claim, ga!.gaAreaId, quantity);
    }
    const { performance, hold } = result;
    if (!performance) throw notFound('performance', performanceId);
    checkSale(performance.status, performance.maxTicketsPerOrder, quantity, seatIds ? 'seatIds' : 'quantity');
    if (seatIds && !hold) {
      const found = new Map((result.found ?? []).map((s) => [s.seat_id, s.status]));
      const missing = seatIds.find((id) => !found.has(id));
      if (missing) throw badRequest('seat_not_for_sale', `Seat ${missing} is not on sale for this performance`, { field: 'seatIds' });
      // Listed by seat id, the order they were locked in.
      const taken = [...found]
        .filter(([, status]) => status !== 'available')
        .map(([id]) => id)
        .sort();
      throw conflict('not_enough_inventory', 'Some of these seats are no longer available', { seatIds: taken });
    }
    if (!performance.known && best)
      throw badRequest('category_not_found', `Price category ${best.categoryId} is not sold at this performance`, { field: 'categoryId' });
    if (!performance.known) throw badRequest('ga_area_not_for_sale', `GA area ${ga!.gaAreaId} is not on sale for this performance`, { field: 'gaAreaId' });
    if (!hold) {
      // Either stock is really short, or others hold row locks that may yet be rolled back.
      const left = best ? await repo.countAvailableSeats(db, performanceId, best.categoryId) : await repo.gaFree(db, performanceId, ga!.gaAreaId);
      if (left < quantity) throw notEnough();
      throw new ContendedError();
    }
    return holdView({ id: hold.id, performance_id: performanceId, status: 'active', expires_at: hold.expires_at }, repo.splitItems(result.items));
  }).catch((error) => {
    throw busyIfContended(error);
  });
}

function holdView(
  hold: { id: string; performance_id: string; status: string; expires_at: Date },
  { seats, ga }: Awaited<ReturnType<typeof repo.holdItems>>,
): HoldView {
  const items: HoldView['items'] = seats.map((s) => ({ seatId: s.seat_id, categoryId: s.category_id, price: s.price, currency: s.currency, label: s.label }));
  for (const g of ga) {
    for (let i = 0; i < g.quantity; i++)
      items.push({ gaAreaId: g.ga_area_id, categoryId: g.category_id, price: g.price, currency: g.currency, label: g.areaName });
  }
  return { holdId: hold.id, performanceId: hold.performance_id, status: hold.status, expiresAt: hold.expires_at.toISOString(), items };
}

/**
 * The hold an Idempotency-Key already made, as it is now; undefined when the key is new. The same
 * key with another request (or for another performance) is refused, and so is a hold an admission
 * made, asked for again without that admission's access token (`admissionId`, expired or not):
 * a key is the client's secret, but a guessed one must not hand an admitted fan's hold to anyone.
 */
export async function replayHold(
  db: Db,
  performanceId: string,
  key: string,
  requestHash: string,
  admissionId: string | undefined,
): Promise<HoldView | undefined> {
  const prior = await repo.findHoldByKey(db, key);
  if (!prior) return undefined;
  if (prior.performance_id !== performanceId || prior.request_hash !== requestHash || (prior.admission_id !== null && prior.admission_id !== admissionId)) {
    throw conflict('idempotency_key_reused', 'This Idempotency-Key was used for a different hold request');
  }
  return getHold(db, prior.id);
}

export async function getHold(db: Db, holdId: string): Promise<HoldView> {
  const hold = await repo.findHold(db, holdId);
  if (!hold) throw notFound('hold', holdId);
  const status = hold.status === 'active' && hold.lapsed ? 'expired' : hold.status;
  return holdView({ ...hold, status }, await repo.holdItems(db, holdId));
}

/** Ends an active hold and returns its stock; a pending order on it ends too. */
export async function endHold(tx: Tx, holdId: string, status: 'released' | 'expired', actor: string): Promise<void> {
  await repo.returnHoldStock(tx, holdId, 'held');
  await tx.updateTable('holds').set({ status }).where('id', '=', holdId).execute();
  await tx
    .updateTable('orders')
    .set({ status: status === 'released' ? 'cancelled' : 'expired', closed_at: new Date() })
    .where('hold_id', '=', holdId)
    .where('status', '=', 'pending_payment')
    .execute();
  await audit(tx, { actor, action: `inventory.hold.${status}`, subjectType: 'hold', subjectId: holdId });
}

/**
 * Releases a hold at the request of whoever holds its token (`actor` names the credential);
 * releasing one that already ended is a no-op.
 */
export async function releaseHold(db: Db, holdId: string, actor: string): Promise<void> {
  const released = await withRetry(() =>
    stockTransaction(db, async (tx) => {
      const hold = await repo.lockHold(tx, holdId);
      if (!hold) throw notFound('hold', holdId);
      if (hold.status === 'converted') throw conflict('hold_converted', 'This hold became a paid order; refund the order instead');
      if (hold.status !== 'active') return false;
      await endHold(tx, holdId, 'released', actor);
      return true;
    }),
  );
  if (released) holdsTotal.inc({ outcome: 'released', reason: '' });
}

/** Ends expired holds, a batch at a time; several processes can run this side by side. */
export async function expireHolds(db: Db, batch = 200): Promise<number> {
  const expired = await stockTransaction(db, async (tx) => {
    const ids = await repo.lockExpiredHolds(tx, batch);
    for (const id of ids) await endHold(tx, id, 'expired', 'system');
    return ids.length;
  });
  if (expired > 0) holdsTotal.inc({ outcome: 'expired', reason: '' }, expired);
  return expired;
}

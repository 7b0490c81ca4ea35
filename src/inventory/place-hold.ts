import { createHash } from 'node:crypto';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { PG, pgCode } from '../platform/errors.js';
import { failureOutcome, holdsTotal } from '../platform/metrics.js';
import { AdmissionLimitError, createHold, replayHold, type HoldRequest, type HoldView } from './holds.service.js';

/** A new hold as its maker sees it: with the token that GET, DELETE and ordering it need. */
export interface PlacedHold extends HoldView {
  holdToken: string;
}

/** The request in one canonical text, hashed: the same Idempotency-Key with another request is refused. */
export function holdRequestHash(performanceId: string, request: HoldRequest): string {
  const canonical = JSON.stringify([performanceId, request.seatIds ?? null, request.best ?? null, request.ga ?? null]);
  return createHash('sha256').update(canonical).digest('base64url');
}

const withToken = (ctx: AppContext, hold: HoldView): PlacedHold => ({ ...hold, holdToken: ctx.holdAccess.tokenFor(hold.holdId) });

const counted = {
  created: holdsTotal.labels('created', ''),
  replayed: holdsTotal.labels('replayed', ''),
};

/**
 * A fan asks for a hold: an Idempotency-Key already used answers the same hold again (so a hold
 * that failed with a 503 can be retried without holding twice); otherwise the waiting room's gate,
 * then the hold, counted against the admission while a room gates the performance. A refusal for
 * holding more than an order's worth is audited: it is what one admitted bot emptying the house
 * looks like.
 */
export async function placeHold(
  ctx: AppContext,
  performanceId: string,
  request: HoldRequest,
  credentials: { accessToken?: string; idempotencyKey?: string },
): Promise<PlacedHold> {
  try {
    return await place(ctx, performanceId, request, credentials);
  } catch (error) {
    const { outcome, reason } = failureOutcome(error);
    holdsTotal.inc({ outcome, reason });
    throw error;
  }
}

/** placeHold, counting what it answers once the hold is committed. */
async function place(
  ctx: AppContext,
  performanceId: string,
  request: HoldRequest,
  credentials: { accessToken?: string; idempotencyKey?: string },
): Promise<PlacedHold> {
  const idempotency = credentials.idempotencyKey ? { key: credentials.idempotencyKey, requestHash: holdRequestHash(performanceId, request) } : undefined;
  // The admission a retry shows, expired or not: the first attempt may have used up its time.
  const shown = ctx.waitingRoom.signer.verifyAccess(credentials.accessToken)?.ticketId;
  if (idempotency) {
    const prior = await replayHold(ctx.db, performanceId, idempotency.key, idempotency.requestHash, shown);
    if (prior) {
      counted.replayed.inc();
      return withToken(ctx, prior);
    }
  }
  const admission = await ctx.waitingRoom.admitHold(performanceId, credentials.accessToken);
  try {
    const hold = await createHold(ctx.db, performanceId, request, { ttlSeconds: ctx.config.holdTtlSeconds, idempotency, admissionId: admission?.ticketId });
    ctx.availability.invalidate(performanceId);
    counted.created.inc();
    return withToken(ctx, hold);
  } catch (error) {
    if (error instanceof AdmissionLimitError && admission) {
      await audit(ctx.db, {
        actor: `admission:${admission.ticketId}`,
        action: 'waiting_room.admission.hold_refused',
        subjectType: 'performance',
        subjectId: performanceId,
        data: { ticketId: admission.ticketId, place: admission.place, holding: error.holding, requested: error.requested, limit: error.limit },
      });
    }
    // Two requests with one key raced; the loser answers with the winner's hold.
    if (idempotency && pgCode(error) === PG.uniqueViolation) {
      const winner = await replayHold(ctx.db, performanceId, idempotency.key, idempotency.requestHash, shown);
      if (winner) {
        counted.replayed.inc();
        return withToken(ctx, winner);
      }
    }
    throw error;
  }
}

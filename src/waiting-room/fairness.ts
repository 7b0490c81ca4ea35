import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The pre-queue draw, provably fair: before opening, the room publishes sha256(seed); at opening
 * every pre-queue ticket id is ranked by HMAC-SHA256(seed, ticketId), lowest first, and the seed
 * is published. Anyone can then check sha256(seed) against the commitment and recompute ranks:
 *
 *   echo -n "$TICKET_ID" | openssl dgst -sha256 -mac HMAC -macopt hexkey:"$SEED"
 *
 * (the key is the seed's 32 bytes, the message the ticket id's 32 hex characters). Refreshing early
 * gains nothing: the join time plays no part in the rank.
 *
 * The seed is not stored until it is revealed: it is HMAC(key derived from the deployment secret,
 * `performanceId:salt`) with a random salt per room, so every process derives the same seed and
 * a database reader learns nothing before opening. Changing TAQUILLA_SECRET between commitment and
 * opening breaks the commitment (the opening logs it; the mismatch is public).
 */
export const ALGORITHM = 'sha256(seed) commitment; rank = HMAC-SHA256(seed, ticketId) ascending';

export const newSalt = (): string => randomBytes(32).toString('hex');

export function seedFor(secret: string, performanceId: string, salt: string): Buffer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'taquilla', 'queue-draw-seed', 32));
  return createHmac('sha256', key).update(`${performanceId}:${salt}`).digest();
}

export const commitmentOf = (seed: Buffer): string => createHash('sha256').update(seed).digest('hex');

export const drawKey = (seed: Buffer, ticketId: string): Buffer => createHmac('sha256', seed).update(ticketId).digest();

/** Pre-queue ticket ids in drawn order: place 1 first. */
export function drawOrder(seed: Buffer, ticketIds: readonly string[]): string[] {
  return ticketIds
    .map((id) => ({ id, key: drawKey(seed, id) }))
    .sort((a, b) => Buffer.compare(a.key, b.key) || (a.id < b.id ? -1 : 1))
    .map((x) => x.id);
}

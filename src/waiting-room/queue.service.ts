import { createHash, randomBytes } from 'node:crypto';
import { AppError, conflict } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import type { EventLanguage } from '../platform/database.types.js';
import { ALGORITHM } from './fairness.js';
import { createPerformanceLabels } from './performance-labels.js';
import { isQueueUnavailable, queueUnavailable, type Poll, type QueueStore, type RoomConfig } from './queue-store.js';
import type { AccessClaims, QueueSigner } from './queue-tokens.js';
import type { Clock, Rooms } from './rooms.js';
import { answer, roomState, type StatusAnswer } from './status.js';
import * as repo from './waiting-room.repository.js';

/** The rooms whose holds need an access token. */
const GATED = new Set(['pre_queue', 'open', 'paused']);

const noRoom = () => new AppError('no_waiting_room', 409, 'This performance sells without a waiting room');
const unavailable = queueUnavailable;
export const invalidTicket = () => new AppError('invalid_queue_ticket', 401, 'The queue ticket is missing, altered or not one of ours');
export const notAdmitted = () =>
  new AppError('not_admitted', 403, 'This performance sells through its waiting room: join the queue and send the access token you get when admitted');

export interface Joined {
  queueTicket: string;
  ticketId: string;
  performanceId: string;
  state: 'pre_queue' | 'waiting' | 'admitted';
}

/** What fans do: join, poll, read the shared figures and the draw's proof, and start a hold. */
export function createQueue({ db, store, rooms, signer, clock }: { db: Db; store: QueueStore; rooms: Rooms; signer: QueueSigner; clock: Clock }) {
  const labels = createPerformanceLabels(db);

  /** The room a fan joins: the performance's, or the one its line was moved to. */
  async function roomFor(performanceId: string): Promise<RoomConfig> {
    let config = await rooms.ensure(performanceId);
    for (let hops = 0; config?.movedTo && hops < 8; hops++) config = await rooms.ensure(config.movedTo);
    if (!config?.enabled) throw noRoom();
    return config;
  }

  /** A fan's answer from the store's read; an admitted fan's carries a freshly signed access token. */
  function statusOf(poll: Poll | undefined, ticketId: string, now: number): StatusAnswer {
    if (!poll) throw unavailable();
    const { answer: result, admission } = answer(poll, now);
    if (admission)
      result.accessToken = signer.access({ performanceId: result.performanceId, ticketId, place: admission.place, expiresAt: admission.expiresAt });
    return result;
  }

  return {
    /**
     * One place per buyer: the same device key gets the same ticket back while it is live.
     * Without a key, the ticket itself is the fan's identity: each join is a new place.
     */
    async join(performanceId: string, queueKey: string | undefined): Promise<Joined> {
      const config = await roomFor(performanceId);
      const state = roomState(config);
      if (state === 'closed' || state === 'sold_out') throw conflict('queue_closed', `The waiting room is ${state.replace('_', ' ')}`, { state });
      const now = clock.now();
      const ticketId = randomBytes(16).toString('hex');
      // Only a digest of the device key is kept; later an account id joins the same map as `a:<id>`.
      const buyerKey = queueKey === undefined ? `t:${ticketId}` : `d:${createHash('sha256').update(queueKey).digest('base64url')}`;
      // The first join of a line loads what its summary names, before the line polls for it.
      labels.warm(config.performanceId);
      const joined = await store.join(config.performanceId, buyerKey, { ticketId, joinedAt: now }, now);
      if (!joined) throw unavailable();
      const { entry } = joined;
      // A new place is waiting (or in the pre-queue) until a tick; reading it would count as the
      // fan's first status poll, which must come from the fan (FIRST_POLL_GRACE_MS).
      const poll = joined.created ? undefined : await store.poll(entry, now);
      const fan = poll ? answer(poll, now).answer.state : entry.pre ? 'pre_queue' : 'waiting';
      return {
        queueTicket: signer.ticket(entry),
        ticketId: entry.ticketId,
        performanceId: entry.performanceId,
        state: fan === 'pre_queue' || fan === 'admitted' ? fan : 'waiting',
      };
    },

    /**
     * The hot path: one HMAC check (cached) and one store read; no SQL. With the memory store it
     * answers without a promise; errors are thrown either way.
     */
    status(authorization: string | undefined): StatusAnswer | Promise<StatusAnswer> {
      const claims = signer.verifyTicket(authorization?.startsWith('Queue ') ? authorization.slice(6) : undefined);
      if (!claims) throw invalidTicket();
      const now = clock.now();
      const polled = store.poll(claims, now);
      return polled instanceof Promise ? polled.then((poll) => statusOf(poll, claims.ticketId, now)) : statusOf(polled, claims.ticketId, now);
    },

    /**
     * The part every fan of a performance shares, from the store, and what the line is for (names
     * cached per performance, see performance-labels.ts); cacheable for a couple of seconds.
     */
    async summary(performanceId: string, language?: EventLanguage) {
      await rooms.find(performanceId);
      const line = await store.line(performanceId);
      const label = line && (await labels.get(performanceId, language));
      if (!line || !label) throw new AppError('waiting_room_not_found', 404, `No waiting room is running for performance ${performanceId}`);
      const { config, figures } = line;
      return {
        performanceId,
        enabled: config.enabled,
        state: roomState(config),
        served: line.served,
        waiting: line.joined - line.served,
        entrants: line.entrants,
        admissionsPerMinute: figures.admissionsPerMinute,
        allowedPerMinute: Math.round(figures.allowedPerMinute),
        ticketsLeft: figures.ticketsLeft,
        opensAt: config.onSaleAt === null ? null : new Date(config.onSaleAt).toISOString(),
        updatedAt: new Date(figures.updatedAt).toISOString(),
        ...label,
      };
    },

    /** The commitment before opening; the seed, when it was drawn and how many were in the draw after. */
    async fairness(performanceId: string) {
      const config = await rooms.ensure(performanceId);
      const row = config && (await repo.findRoom(db, performanceId));
      if (!config || !row) throw new AppError('waiting_room_not_found', 404, `Performance ${performanceId} has no waiting room`);
      const base = { state: roomState(config), commitment: row.seed_commitment, algorithm: ALGORITHM };
      if (!row.seed || !row.opened_at) return base;
      return { ...base, seed: row.seed, drawnAt: row.opened_at.toISOString(), entrants: row.entrants ?? 0 };
    },

    /**
     * The holds gate: while the room is active, a hold needs an unexpired access token for this
     * performance. Using one marks the fan as started, so the start limit no longer applies.
     * Answers the admission the token proves (undefined when the room does not gate holds), so
     * the hold can be counted against it.
     */
    async admitHold(performanceId: string, token: string | undefined): Promise<AccessClaims | undefined> {
      const config = await rooms.find(performanceId).catch(async (error: unknown) => {
        if (!isQueueUnavailable(error)) throw error;
        // The store is down: a performance without an active room sells as before; one with an
        // active room refuses every hold, token or not, until the store is back (fail closed).
        const row = await repo.findRoom(db, performanceId);
        if (row?.enabled && GATED.has(row.state)) throw error;
        return undefined;
      });
      if (!config?.enabled || !GATED.has(config.state)) return undefined;
      const claims = signer.verifyAccess(token);
      const now = clock.now();
      if (!claims || claims.performanceId !== performanceId || claims.expiresAt <= now) throw notAdmitted();
      await store.startHold(performanceId, claims.place, now);
      return claims;
    },
  };
}

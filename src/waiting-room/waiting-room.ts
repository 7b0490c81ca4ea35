import type { Config } from '../config.js';
import { every } from '../platform/jobs.js';
import type { Db } from '../platform/transaction.js';
import { createAdmission } from './admission.js';
import { createLoadSignal } from './load-signal.js';
import { createMemoryStore } from './memory-store.js';
import { createOperator } from './operator.service.js';
import type { QueueStore } from './queue-store.js';
import { createQueueSigner } from './queue-tokens.js';
import { createQueue } from './queue.service.js';
import { createRedisStore } from './redis-store.js';
import { createRooms, type Clock } from './rooms.js';

/**
 * The waiting room, wired once per process: the queue store (in memory, or in Redis when
 * `REDIS_URL` is set so several processes share one line), the
 * signer for queue tickets and access tokens, the rooms, the admission tick and the operator's
 * controls. `clock` is what every part reads the time from, so tests can move it.
 */
export function createWaitingRoom(opts: { config: Config; db: Db; store?: QueueStore; log?: (message: string) => void }) {
  const { config, db } = opts;
  const clock: Clock = { now: () => Date.now() };
  const store = opts.store ?? (config.redisUrl ? createRedisStore({ url: config.redisUrl, prefix: config.redisPrefix }) : createMemoryStore());
  const signer = createQueueSigner(config.secret, config.queueKeyId, config.previousQueueKeyIds);
  const log = opts.log ?? ((message: string) => console.error(message));
  const rooms = createRooms({ db, store, secret: config.secret, clock, log });
  const load = createLoadSignal();
  const moving = new Set<string>();
  const admission = createAdmission({ db, store, rooms, load, moving, log });
  return {
    clock,
    store,
    signer,
    rooms,
    load,
    admission,
    ...createQueue({ db, store, rooms, signer, clock }),
    operator: createOperator({ db, store, rooms, clock, moving }),
    /** One admission tick; `now` defaults to the clock. */
    tick: (now: number = clock.now()) => admission.tick(now),
    /** Ticks every second until stopped. */
    start(onError: (error: unknown) => void): { stop(): Promise<void> } {
      const job = every(1000, () => admission.tick(clock.now()), onError);
      return {
        async stop() {
          await job.stop();
        },
      };
    },
    /** Closes the store's connection (Redis); after the tick has stopped. */
    close: () => store.close(),
  };
}
export type WaitingRoom = ReturnType<typeof createWaitingRoom>;

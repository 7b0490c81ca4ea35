import type { Db } from '../platform/transaction.js';
import type { Mailer } from './mailer.js';
import { deliverOutbox, type DeliveryResult } from './outbox.service.js';

/** The slice of a pino logger the worker uses; the server passes `app.log`. */
export interface WorkerLog {
  info(data: object, message: string): void;
  error(data: object, message: string): void;
}

export interface OutboxWorker {
  /** Stops polling and resolves once a run in flight has finished. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 5 * 60_000;

export function startOutboxWorker(db: Db, mailer: Mailer | undefined, options: { intervalMs?: number; batch?: number; log: WorkerLog }): OutboxWorker {
  const { intervalMs = 1000, batch = 20, log } = options;
  let stopped = false;
  let delay = intervalMs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  // The log gets counts, ids and error codes only: addresses and names stay in the database.
  const report = (result: DeliveryResult) => {
    const { claimed, sent, kept, retrying, failed, errors, unavailable } = result;
    if (claimed === 0) return;
    log.info({ claimed, sent, kept, retrying, failed, unavailable }, 'outbox delivered');
    for (const { id, reason } of errors) log.error({ messageId: id, reason }, 'outbox message not sent');
  };

  const run = async () => {
    try {
      let result: DeliveryResult;
      // A full, clean batch means more are waiting: keep going instead of idling for the interval.
      // Not after errors, or the same failing messages would be retried at once.
      do {
        result = await deliverOutbox(db, mailer, { batch });
        report(result);
      } while (!stopped && result.claimed === batch && result.errors.length === 0 && !result.unavailable);
      // Back off while the mail server is down or everything fails, so an outage is not hammered.
      const troubled = result.unavailable !== undefined || (result.errors.length > 0 && result.sent === 0);
      delay = troubled ? Math.min(Math.max(delay * 2, 5_000), MAX_BACKOFF_MS) : intervalMs;
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
      log.error({ code, name: error instanceof Error ? error.name : typeof error }, 'outbox run failed');
      delay = Math.min(Math.max(delay * 2, 5_000), MAX_BACKOFF_MS);
    }
  };

  // Each run is scheduled only after the previous one ends, so runs never overlap.
  const schedule = (wait: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        schedule(delay);
      });
    }, wait);
    // Polling alone must not keep a process (a CLI command, a test) alive.
    timer.unref();
  };
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

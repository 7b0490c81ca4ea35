import { jobFailures } from './metrics.js';
import { isOutage } from './outages.js';

/**
 * Runs `work` every `intervalMs`, never two runs at once; errors are logged and the loop goes on.
 * `stop()` resolves once an in-flight run has finished.
 */
export function every(intervalMs: number, work: () => Promise<unknown>, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = work()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The `onError` of a background job: a run that failed because the database or the queue store is
 * away is counted, not logged (their state changes are logged once where they are noticed), so an
 * outage does not write an error line every second; any other failure is logged.
 */
export function jobErrors(job: string, log: (error: unknown) => void): (error: unknown) => void {
  return (error) => {
    const outage = isOutage(error);
    jobFailures.inc({ job, cause: outage ? 'outage' : 'error' });
    if (!outage) log(error);
  };
}

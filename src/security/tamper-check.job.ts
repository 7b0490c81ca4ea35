import type { AppContext } from '../platform/context.js';
import { jobErrors } from '../platform/jobs.js';
import { runTamperCheck, type TamperCheckResult } from './tamper-check.js';
import { checkedWithin, tryTamperCheckLock } from './tamper-check.repository.js';

interface JobLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Long enough for the process's listeners to be up and the other processes to have started. */
const FIRST_RUN_MS = 5_000;

/**
 * Runs the tamper check shortly after start and every TAMPER_CHECK_MINUTES (0: only at start).
 * Every process tries; one runs per interval: a transaction-scoped advisory lock lets one check at
 * a time, and the holder skips when a check of its build finished within the interval (by the
 * database's clock). A new build is checked at once: the earlier runs were of another build.
 * `runNow()` checks whatever the last run, still one process at a time.
 */
export function startTamperCheckJob(
  ctx: AppContext,
  log: JobLog,
  options: { firstRunMs?: number } = {},
): { stop(): Promise<void>; runNow(): Promise<TamperCheckResult | undefined> } {
  const minutes = ctx.config.tamperCheckMinutes;
  // 90% of the interval: timers of different processes drift, and one a little early must still skip.
  const claimSeconds = minutes > 0 ? minutes * 60 * 0.9 : 60;
  const onError = jobErrors('tamper_check', (error) => log.error({ err: error }, 'tamper check failed'));
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const claimAndRun = (force: boolean) =>
    ctx.db.transaction().execute(async (tx) => {
      if (!(await tryTamperCheckLock(tx))) return undefined;
      if (!force && (await checkedWithin(tx, ctx.buildId, claimSeconds))) return undefined;
      return runTamperCheck(ctx);
    });

  const run = async (force: boolean) => {
    const result = await claimAndRun(force);
    if (!result) return undefined;
    const details = { checkId: result.id, ms: result.durationMs, findings: result.findings.length, incidentId: result.incidentId };
    if (result.ok) log.info(details, 'tamper check: payment and account pages match the registered build');
    else if (result.incidentId) log.error({ ...details, first: result.findings[0] }, 'tamper check: pages differ from the registered build');
    else log.warn({ ...details, first: result.findings[0] }, 'tamper check could not look at every page');
    return result;
  };

  const tick = () => {
    if (stopped || running) return;
    running = run(false)
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };

  if (!ctx.buildManifest) {
    log.warn({ buildId: ctx.buildId }, 'tamper check off: the front end is not a sealed build (npm run build:web), there is nothing to compare with');
  } else {
    timer = setTimeout(() => {
      tick();
      if (minutes > 0 && !stopped) {
        timer = setInterval(tick, minutes * 60_000);
        timer.unref();
      }
    }, options.firstRunMs ?? FIRST_RUN_MS);
    timer.unref();
  }

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(timer);
      await running;
    },
    runNow: () => run(true),
  };
}

import { AppError, pgCode } from './errors.js';
import { dependencyOutages, dependencyUp } from './metrics.js';

/**
 * Outages are answers, not crashes: which errors mean "the database is away for a moment" (a
 * restart, a failover, no free connection), the refusals clients are told to retry, and the one
 * log line per change of state.
 */

/**
 * Socket errors, and PostgreSQL's admin_shutdown, crash_shutdown, cannot_connect_now (starting
 * up, shutting down, recovering), too_many_connections; class 08 is connection exceptions.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** What pg and pg-pool say when a connection ends or cannot be had; these errors carry no code. */
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Connection ended/;

/** The refusals a client should retry after `Retry-After`; counted, never logged per request. */
export const EXPECTED_REFUSALS: ReadonlySet<string> = new Set(['database_unavailable', 'queue_unavailable', 'busy', 'overloaded']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'database_unavailable';
  const code = pgCode(error);
  if (code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  // A host name with several addresses fails as one AggregateError holding each refusal.
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** A request or job that failed because the database or the queue store is away. */
export function isOutage(error: unknown): boolean {
  return isDatabaseUnavailable(error) || (error instanceof AppError && EXPECTED_REFUSALS.has(error.code));
}

export const databaseUnavailable = () => new AppError('database_unavailable', 503, 'The database is not answering; retry shortly', { retryAfter: 2 });

/** Start-up cannot go on (a dependency never answered, or lacks what Taquilla needs); `server.ts` prints the message, one line, and exits. */
export class StartupError extends Error {}

/** The slice of a pino logger the state changes are written to. */
export interface OutageLog {
  info(data: object, message: string): void;
  error(data: object, message: string): void;
}

export const silentLog: OutageLog = { info() {}, error() {} };

/** What a failure was, for the log: a code and a short message, never a connection string. */
export function describe(error: unknown): string {
  const code = pgCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}

export interface DependencyState {
  readonly up: boolean;
  /** The dependency failed; logged once until it recovers. */
  down(error: unknown): void;
  /** The dependency answered; logged once after an outage. */
  recovered(): void;
}

/** Follows one dependency's reachability: one log line when it goes, one when it is back. */
export function dependencyState(dependency: 'database' | 'queue_store', label: string, log: OutageLog): DependencyState {
  let downSince: number | undefined;
  dependencyUp.set({ dependency }, 1);
  return {
    get up() {
      return downSince === undefined;
    },
    down(error) {
      if (downSince !== undefined) return;
      downSince = Date.now();
      dependencyOutages.inc({ dependency });
      dependencyUp.set({ dependency }, 0);
      log.error({ dependency, reason: describe(error) }, `${label} unreachable; requests that need it answer 503 until it is back`);
    },
    recovered() {
      if (downSince === undefined) return;
      const seconds = Math.round((Date.now() - downSince) / 100) / 10;
      downSince = undefined;
      dependencyUp.set({ dependency }, 1);
      log.info({ dependency, seconds }, `${label} reachable again`);
    },
  };
}

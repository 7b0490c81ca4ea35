/**
 * The front end talks to the server only through the documented HTTP API (/api/openapi.json).
 * Errors come back as ApiError with the server's stable `code`, so pages can explain them.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
    /** The answer itself, for its headers (Retry-After). */
    readonly response?: Response,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Whether sending the request twice does no harm, so a refusal that says "come back later" is
   * retried here. By default true for GET and for requests under an `Idempotency-Key`.
   */
  retry?: boolean;
}

/**
 * Refusals that mean "come back in a moment" (the database or the line away for a restart, too
 * much contention, the shield shedding load). A request that is safe to repeat waits out their
 * `Retry-After` and goes again by itself, for up to RETRY_FOR_MS, while the page shows a calm
 * message (`onRetrying`); only then does the error reach the page.
 */
const RETRYABLE = new Set(['database_unavailable', 'queue_unavailable', 'busy', 'overloaded']);
const RETRY_FOR_MS = 120_000;

const waiting = new Set<object>();
const listeners = new Set<(retrying: boolean) => void>();
function noteRetrying(request: object, on: boolean): void {
  const before = waiting.size > 0;
  if (on) waiting.add(request);
  else waiting.delete(request);
  if (before !== waiting.size > 0) for (const listener of listeners) listener(waiting.size > 0);
}

/** Tells `listener` when requests start and stop waiting to retry; returns the unsubscribe. */
export function onRetrying(listener: (retrying: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The wait a refusal asks for, spread a little so a crowd told "2 s" does not return in one instant. */
function waitFor(response: Response | undefined): number {
  const seconds = Number(response?.headers.get('retry-after'));
  const base = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1000 : 2000;
  return base * (1 + Math.random() * 0.5);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const timer = setTimeout(done, ms);
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason ?? new DOMException('Aborted', 'AbortError'));
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** The build this page was served from; sent with checkout so the server records it. */
export const buildId = (document.querySelector('meta[name="taquilla-build"]') as HTMLMetaElement | null)?.content ?? 'unknown';

export function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const safe =
    options.retry ?? (method === 'GET' || method === 'HEAD' || Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'idempotency-key'));
  return retrying(safe && method, options.signal, () => once<T>(path, method, options));
}

/**
 * Runs `send` again after each "come back in a moment" refusal it throws (as an ApiError), while
 * RETRY_FOR_MS lasts. `method` is false for a request that is not safe to repeat (sent once), else
 * its method: a GET is also repeated after a connection that failed. For requests that do not go
 * through `api`.
 */
export async function retrying<T>(method: string | false, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + RETRY_FOR_MS;
  const request = {};
  try {
    for (;;) {
      try {
        return await send();
      } catch (error) {
        const retryable = error instanceof ApiError && (error.status === 503 ? RETRYABLE.has(error.code) : error.status === 0 && method === 'GET');
        if (method === false || !retryable) throw error;
        const wait = waitFor(error.response);
        if (Date.now() + wait > giveUpAt) throw error;
        noteRetrying(request, true);
        await sleep(wait, signal);
      }
    }
  } finally {
    noteRetrying(request, false);
  }
}

async function once<T>(path: string, method: string, options: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The connection failed');
  }
  if (response.status === 204) return undefined as T;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } }).error;
    // Check-in answers its refusals as results rather than errors.
    if (!error && 'result' in body) return body as T;
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? response.statusText,
      body as Record<string, unknown>,
      response,
    );
  }
  return body as T;
}

/** Money from minor units, in the page's language, with the currency's own decimals (JPY has none, KWD three). */
export function money(minor: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

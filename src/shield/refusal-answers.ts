import type { Refusal } from './shield.js';

/** A refusal's body, serialised without the error handler (no exception, no stack trace). */
export function refusalBody(refusal: Pick<Refusal, 'code' | 'message' | 'retryAfter'>): string {
  return JSON.stringify({ error: { code: refusal.code, message: refusal.message, ...(refusal.retryAfter ? { retryAfter: refusal.retryAfter } : {}) } });
}

/** The parts of a JSON refusal that do not change from one request to the next. */
interface Answer {
  body: Buffer;
  /** Headers after x-request-id, as Fastify's refusal has them (with nosniff, as on /api/ paths). */
  api: string[];
  /** The same without nosniff, as Fastify answers outside /api/. */
  page: string[];
  /** The whole head after the status line and x-request-id, for a connection refused before HTTP, on /api/ and elsewhere. */
  rawApi: string;
  rawPage: string;
}

/** Refusals differ only in code, message and Retry-After: a few hundred answers, built once each. */
const MAX_CACHED = 10_000;
const cache = new Map<string, Answer>();

function answer(refusal: Refusal): Answer {
  const key = `${refusal.reason}|${refusal.retryAfter ?? 0}`;
  let known = cache.get(key);
  if (known) return known;
  const body = Buffer.from(refusalBody(refusal));
  const retry = refusal.retryAfter ? ['retry-after', String(refusal.retryAfter)] : [];
  const page = [...retry, 'cache-control', 'no-store', 'content-type', 'application/json; charset=utf-8', 'content-length', String(body.length)];
  const api = [...page.slice(0, -2), 'x-content-type-options', 'nosniff', ...page.slice(-2)];
  const raw = (headers: string[]) => headers.map((v, i) => (i % 2 ? `${v}\r\n` : `${v}: `)).join('');
  known = { body, api, page, rawApi: raw(api), rawPage: raw(page) };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, known);
  return known;
}

/** The header list for `res.writeHead`: the same headers, in the same order, as Fastify's refusal (sendRefusal). */
export function refusalHeaders(refusal: Refusal, requestId: string, api: boolean): { headers: string[]; body: Buffer } {
  const a = answer(refusal);
  return { headers: ['x-request-id', requestId, ...(api ? a.api : a.page)], body: a.body };
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 429: 'Too Many Requests', 503: 'Service Unavailable' };
let dateSecond = 0;
let dateLine = '';

/** The whole answer, for a connection refused before HTTP is parsed: it closes the connection. A HEAD gets the head alone. */
export function rawRefusal(refusal: Refusal, requestId: string, api: boolean, headOnly = false): Buffer {
  const a = answer(refusal);
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  const head = `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status]}\r\nx-request-id: ${requestId}\r\n${api ? a.rawApi : a.rawPage}${dateLine}connection: close\r\n\r\n`;
  return headOnly ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), a.body]);
}

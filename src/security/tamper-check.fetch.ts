import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compareHeaders } from './tamper-check.csp.js';
import { findingsFor, type TamperFinding } from './tamper-check.findings.js';
import type { CheckedResource } from './tamper-check.repository.js';

/**
 * How the tamper check fetches and records what it fetched: as a browser would, over real HTTP. Skimmers are known to serve
 * clean code to anything that does not look like a browser (Magecart "cloaking"), so requests carry
 * a current browser's user agent, Accept and Sec-Fetch-* headers, and ask for the compressed files
 * browsers get (the server sends pre-compressed .br and .gz, which could differ from the plain file).
 * Bytes are hashed as received, after decompression: what a browser would run.
 */
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const TIMEOUT_MS = 10_000;

export type Destination = 'document' | 'iframe' | 'script' | 'style';

const ACCEPT: Record<Destination, string> = {
  document: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  iframe: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  script: '*/*',
  style: 'text/css,*/*;q=0.1',
};

export interface Fetched {
  status: number;
  headers: Headers;
  /** The decompressed body; undefined when it could not be decompressed. */
  bytes: Buffer | undefined;
  /** The content-encoding it came in ('' for none). */
  encoding: string;
}

/** No answer at all (refused, reset, timed out): the check could not look, which is not a sign of tampering. */
export class Unreachable extends Error {}

export const sha384 = (bytes: Buffer | string) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/** One GET with a browser's headers; redirects are not followed (a page that moves away is itself a finding). */
export function fetchAsBrowser(url: string, destination: Destination): Promise<Fetched> {
  const navigate = destination === 'document' || destination === 'iframe';
  const headers = {
    accept: ACCEPT[destination],
    'accept-encoding': 'br, gzip',
    'accept-language': 'es-ES,es;q=0.9,en;q=0.8',
    'user-agent': USER_AGENT,
    'sec-fetch-dest': destination,
    'sec-fetch-mode': navigate ? 'navigate' : 'cors',
    'sec-fetch-site': destination === 'document' ? 'none' : destination === 'iframe' ? 'cross-site' : 'same-origin',
  };
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise<Fetched>((resolve, reject) => {
    const fail = (error: Error) => reject(new Unreachable(`${url}: ${error.message}`));
    const request = get(url, { headers, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        const received = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) received.append(name, v);
        }
        const encoding = (received.get('content-encoding') ?? '').trim().toLowerCase();
        resolve({ status: response.statusCode ?? 0, headers: received, bytes: decode(Buffer.concat(chunks), encoding), encoding });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    request.on('error', fail);
  });
}

/** The body as a browser would see it; undefined when it does not decompress (a replaced .br or .gz). */
function decode(raw: Buffer, encoding: string): Buffer | undefined {
  try {
    if (encoding === '' || encoding === 'identity') return raw;
    if (encoding === 'br') return brotliDecompressSync(raw);
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(raw);
    return undefined;
  } catch {
    return undefined;
  }
}

/** What one run has found and fetched so far, shared by its page, file and form checks. */
export interface RunState {
  findings: TamperFinding[];
  fetched: CheckedResource[];
}

/**
 * Fetches and records: a page or file that does not answer, or answers 429 or 5xx, is `unreachable`
 * (the check could not look); any other status than 200 is a finding. Answers the response only for 200.
 */
export async function fetchChecked(state: RunState, url: string, label: string, destination: Destination, record: Partial<CheckedResource> = {}) {
  const found = findingsFor(label, state.findings);
  const kind = destination === 'document' || destination === 'iframe' ? 'page' : destination;
  let response: Fetched;
  try {
    response = await fetchAsBrowser(url, destination);
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    found('unreachable', 'an answer', error.message);
    state.fetched.push({ url: label, kind, status: null, sha384: null, ...record });
    return undefined;
  }
  const { status, bytes, encoding } = response;
  const fetched: CheckedResource = { url: label, kind, status, sha384: kind !== 'page' && bytes ? sha384(bytes) : null, encoding, ...record };
  state.fetched.push(fetched);
  if (status === 429 || status >= 500) found('unreachable', '200', `${status}`);
  else if (status !== 200) found('status', '200', `${status}${response.headers.get('location') ? ` to ${response.headers.get('location')}` : ''}`);
  else if (!bytes) found('undecodable', `a body that decompresses (${encoding})`, 'does not decompress');
  return status === 200 && bytes ? { ...response, bytes, found, record: fetched } : undefined;
}

/** One file a page loads, checked against the sha384 its build registered (undefined: not in the build, already a finding). */
export async function checkFile(
  state: RunState,
  url: URL,
  label: string,
  kind: 'script' | 'style',
  expected: string | undefined,
  headers: Record<string, string>,
) {
  const got = await fetchChecked(state, url.href, label, kind);
  if (!got) return;
  compareHeaders(got.headers, headers, got.found);
  const hash = sha384(got.bytes);
  if (expected !== undefined && hash !== expected) got.found('asset_hash_mismatch', expected, hash);
}

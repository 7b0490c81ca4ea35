import http from 'node:http';

/** One JSON answer as a simulated fan's page sees it. */
export interface Answer {
  status: number;
  body: any;
  retryAfter: number | undefined;
  ms: number;
}

export type JsonCall = (
  origin: URL,
  localAddress: string,
  method: string,
  path: string,
  payload?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

/**
 * A fan's request as the pages send it (JSON in and out, from the fan's own source address,
 * through `agent`), shared by the on-sale and crowd benches. A body that is not JSON reads as the
 * error code `not_json`; a network failure or `timeoutMs` without an answer rejects.
 *
 * With `resent`, a request whose kept-alive connection closed before any answer came is sent
 * once more on a fresh one, as a browser does (Chromium resends any request, POST included, when
 * a reused connection fails that way: the server closed it idle and never read the request), and
 * `resent.count` says how often. A second failure rejects. Without it every failure rejects.
 */
export function jsonCaller(agent: http.Agent, timeoutMs: number, resent?: { count: number }): JsonCall {
  const once = onceCaller(agent, timeoutMs);
  if (!resent) return once;
  return async (...args) => {
    try {
      return await once(...args);
    } catch (error) {
      if (!(error as NetworkError).reusedUnanswered) throw error;
      resent.count++;
      return once(...args);
    }
  };
}

/** A network failure, with what is known of it: the connection was kept alive from an earlier request, and how long it took. */
export type NetworkError = Error & { reusedUnanswered?: boolean; reused?: boolean; ms?: number };

function onceCaller(agent: http.Agent, timeoutMs: number): JsonCall {
  return (origin, localAddress, method, path, payload, headers = {}) => {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const began = performance.now();
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = http.request(
        {
          agent,
          host: origin.hostname,
          port: origin.port,
          path,
          method,
          localAddress,
          timeout: timeoutMs,
          headers: {
            accept: 'application/json',
            ...(body === undefined
              ? method === 'POST'
                ? { 'content-length': 0 }
                : {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
            ...headers,
          },
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: any = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              parsed = { error: { code: 'not_json' } };
            }
            const ra = Number(res.headers['retry-after']);
            resolve({ status: res.statusCode ?? 0, body: parsed, retryAfter: Number.isFinite(ra) ? ra : undefined, ms: performance.now() - began });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error: NetworkError & { code?: string }) => {
        // A reset or close on a kept-alive connection before any answer: the server dropped it idle.
        if (!answered && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) error.reusedUnanswered = true;
        error.reused = req.reusedSocket;
        error.ms = performance.now() - began;
        reject(error);
      });
      req.end(body);
    });
  };
}

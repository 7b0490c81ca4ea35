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
 */
export function jsonCaller(agent: http.Agent, timeoutMs: number): JsonCall {
  return (origin, localAddress, method, path, payload, headers = {}) => {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const began = performance.now();
    return new Promise((resolve, reject) => {
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
      req.on('error', reject);
      req.end(body);
    });
  };
}

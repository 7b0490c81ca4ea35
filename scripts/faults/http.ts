import http from 'node:http';

/** One answer: its status, parsed JSON body, and the Retry-After it asked for (seconds). */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: bodies of many routes; each caller reads the fields it needs
  body: any;
  retryAfter?: number;
}

const TIMEOUT_MS = 20_000;

/**
 * One request from `from` (a loopback address of its own per buyer, so the shield sees many
 * clients; Linux answers on the whole 127/8) on a keep-alive agent. Network failures reject.
 */
export function call(agent: http.Agent, base: string, method: string, path: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, base);
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        timeout: TIMEOUT_MS,
        headers: { ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = { error: { code: 'not_json' } };
          }
          const retryAfter = Number(res.headers['retry-after']);
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            retryAfter: Number.isFinite(retryAfter) && res.headers['retry-after'] ? retryAfter : undefined,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export const agentFrom = (localAddress: string) => new http.Agent({ keepAlive: true, maxSockets: 2, localAddress });

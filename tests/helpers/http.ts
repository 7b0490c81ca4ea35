import { request } from 'node:http';

/**
 * One request to a real server from loopback address `from` (Linux answers on the whole 127/8),
 * so each simulated fan is its own client to the shield. Answers the status and the JSON body
 * (empty when the body is not JSON).
 */
export function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, from = '127.0.0.1') {
  const url = new URL(`${base}${path}`);
  const payload = body ? JSON.stringify(body) : undefined;
  return new Promise<{ status: number; json: Record<string, any> }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        localAddress: from,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let json: Record<string, any> = {};
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode!, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

import http from 'node:http';

/**
 * The login bench's client: `node:http` from a chosen loopback source address (the agent keeps a
 * separate keep-alive pool per `localAddress`), every request with the console's Origin, and a
 * cookie jar per browser. The attacker's jar is refilled per attempt from what that attempt was
 * given; a real user's is kept across sign-ins, as a browser does.
 */
export interface Answer {
  status: number;
  body: any;
  retryAfter: number | undefined;
  setCookies: string[];
  ms: number;
}

const TIMEOUT_MS = 20_000;

export function agent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, keepAliveMsecs: 10_000 });
}

/** `base` is the server's URL; its origin goes in the Origin header, as the console sends it. */
export function call(
  via: http.Agent,
  base: URL,
  localAddress: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { payload?: unknown; cookies?: CookieJar; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = opts.payload === undefined ? undefined : JSON.stringify(opts.payload);
  const cookie = opts.cookies?.header();
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent: via,
        host: base.hostname,
        port: base.port,
        path,
        method,
        localAddress,
        timeout: TIMEOUT_MS,
        headers: {
          accept: 'application/json',
          origin: base.origin,
          'user-agent': 'taquilla-login-bench',
          ...(cookie ? { cookie } : {}),
          ...opts.headers,
          ...(body === undefined
            ? method === 'POST'
              ? { 'content-length': 0 }
              : {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
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
          const raw = res.headers['set-cookie'];
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            retryAfter: Number.isFinite(ra) ? ra : undefined,
            setCookies: Array.isArray(raw) ? raw : raw ? [String(raw)] : [],
            ms: performance.now() - began,
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

/** `status code` of an answer, e.g. `429 too_many_attempts`, `200 second_factor`. */
export function outcome(a: Answer): string {
  if (a.status >= 400) return `${a.status} ${a.body?.error?.code ?? '?'}`;
  return `${a.status}${a.body?.state ? ` ${a.body.state}` : ''}`;
}

/** Cookies by name, all under `/api` on one host; an empty value or `Max-Age=0` deletes. */
export class CookieJar {
  private readonly values = new Map<string, string>();

  absorb(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const at = pair!.indexOf('=');
      if (at <= 0) continue;
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (!value || gone) this.values.delete(name);
      else this.values.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  header(): string | undefined {
    return this.values.size ? [...this.values].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }
}

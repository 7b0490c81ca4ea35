import type { FastifyServerOptions } from 'fastify';

/**
 * What no log line may carry, even inside an error: credentials, and the parts of a PostgreSQL
 * error (`detail`: "Key (email)=(…) already exists", `where`, `internalQuery`) or a mail error
 * (`envelope`, `rejected`, the server's `response`) that quote the data: names, addresses, tokens.
 * Shared by the request log and the process log (server.ts).
 */
export const LOG_REDACT = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'headers.authorization',
    'headers.cookie',
    'err.detail',
    'err.where',
    'err.internalQuery',
    'err.envelope',
    'err.rejected',
    'err.rejectedErrors',
    'err.response',
    'err.cause.detail',
    'err.cause.where',
  ],
  remove: true,
};

/**
 * Request logs carry the request id (`reqId`: nginx's, or the app's own; see request-id.ts),
 * method, path without the query string, status and timing only: no IP addresses, headers,
 * query strings or bodies, so no personal data or secrets reach the log.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: LOG_REDACT,
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

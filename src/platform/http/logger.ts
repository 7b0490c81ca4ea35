import type { FastifyServerOptions } from 'fastify';

/**
 * Request logs carry method, route, status and timing only: no IP addresses, headers, query
 * strings or bodies, so no personal data or secrets reach the log.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: ['req.headers.authorization', 'headers.authorization'],
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

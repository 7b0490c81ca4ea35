import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { metrics } from '../metrics.js';
import { bindScrapeSources } from '../metrics.scrape.js';
import { ErrorResponse } from './schemas.js';

/**
 * `GET /metrics` on the app's own port, for an operator credential holding `metrics.read` (an API
 * key made for the scraper, or the break-glass token where it is on: every use audited). With
 * METRICS_PORT a second listener serves the same text without a credential, for a scraper on a
 * private network (metrics-server.ts). Registering it binds the scrape-time figures to this app's context.
 */
export const metricsRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const unbind = bindScrapeSources(ctx);
  app.addHook('onClose', async () => unbind());
  app.get(
    '/metrics',
    {
      config: { permission: 'metrics.read' },
      schema: {
        tags: ['platform'],
        operationId: 'getMetrics',
        summary: 'Read the Prometheus metrics',
        description:
          'The text exposition format, every name starting with `taquilla_`; needs `metrics.read`. Also served without a credential on `METRICS_PORT` when it is set.',
        response: {
          200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: Type.String() } } },
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (_request, reply) => {
      const text = await metrics.metrics();
      return reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').type(metrics.contentType).send(text);
    },
  );
};

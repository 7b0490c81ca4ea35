import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/** OpenAPI generated from the route schemas, served at /api/openapi.json. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Taquilla API', version: '0.1.0', description: 'The box office HTTP API: catalog, holds, checkout, tickets, check-in, operator routes.' },
      components: {
        securitySchemes: {
          admin: { type: 'http', scheme: 'bearer', description: 'TAQUILLA_ADMIN_TOKEN' },
          orderAccess: { type: 'http', scheme: 'bearer', description: 'The accessToken returned when the order was created' },
          holdAccess: { type: 'http', scheme: 'bearer', description: 'The holdToken returned when the hold was made' },
        },
      },
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3.1 generated from the route schemas; must be registered before the routes it describes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Telemap',
        version: '0.1.0',
        description:
          'Telemetron-compatible External API (/api/ext-v1), Exotel-style integrations API (/v2/integrations) and ' +
          "Telemap's own API (/api/v1).",
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          integrationToken: { type: 'http', scheme: 'bearer' },
          deviceToken: { type: 'http', scheme: 'bearer', description: "A device's token (tlmd_…): POST /api/v1/telemetry only" },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'telemap_session', description: 'A dashboard session; state-changing requests also send x-csrf-token' },
        },
      },
    },
  });
}

/** The interactive reference at /docs, served from the installed package: nothing is fetched at run time. */
export async function registerApiReference(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

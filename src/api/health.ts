import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connect.js';
import { isMigrated } from '../db/migrate.js';

/** Liveness answers while the process runs; readiness only while the database is reachable and migrated. */
export function registerHealthRoutes(app: FastifyInstance, database: Database): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      if (await isMigrated(database)) return { status: 'ready' };
      return reply.code(503).send({ status: 'unavailable', reason: 'migrations pending' });
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
}

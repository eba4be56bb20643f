import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { registerCreateApiKey } from './create.js';
import { registerListApiKeys } from './list.js';
import { registerRevokeApiKey } from './revoke.js';
import { registerRollApiKey } from './roll.js';

/** Management of the calling organization's ext-v1 API keys. */
export function registerApiKeyRoutes(app: FastifyInstance, ctx: DomainContext): void {
  registerCreateApiKey(app, ctx);
  registerListApiKeys(app, ctx);
  registerRevokeApiKey(app, ctx);
  registerRollApiKey(app, ctx);
}

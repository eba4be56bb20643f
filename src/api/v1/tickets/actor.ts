// The /api/v1 caller as the author of a ticket change: the signed-in user, the API key, or the integration token.
import type { Actor } from '../../../domain/tickets/actor.js';
import type { V1Principal } from '../auth.js';

export function actorOf(principal: V1Principal): Actor {
  if (principal.via === 'session' && principal.userId) return { type: 'user', id: principal.userId, name: principal.email ?? null };
  if (principal.via === 'api_key') return { type: 'api_key', id: principal.apiKeyId ?? null, name: null };
  return { type: 'integration', id: null, name: null };
}

import { Type, type Static } from '@sinclair/typebox';
import type { ApiKeySummary, CreatedApiKey } from '../../../domain/api-keys/service.js';
import { Timestamp } from '../schemas.js';

const OptionalTimestamp = Type.Union([Timestamp, Type.Null()]);

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key (tlm_ and 8 more), to tell keys apart' }),
    createdAt: Timestamp,
    lastUsedAt: Type.Union([Timestamp, Type.Null()], { description: 'Updated at most once a minute' }),
    expiresAt: OptionalTimestamp,
    revokedAt: Type.Union([Timestamp, Type.Null()], {
      description: 'When the key stops (or stopped) working; in the future during a roll grace period',
    }),
  },
  { description: 'An ext-v1 API key, never the key itself' },
);

export const NewApiKeySchema = Type.Composite(
  [ApiKeySchema, Type.Object({ key: Type.String({ description: 'The full key: shown in this response only' }) })],
  { description: 'A new ext-v1 API key, with the key itself' },
);

export type ApiKeyBody = Static<typeof ApiKeySchema>;

export function presentApiKey(key: ApiKeySummary): ApiKeyBody {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.created_at,
    lastUsedAt: key.last_used_at,
    expiresAt: key.expires_at,
    revokedAt: key.revoked_at,
  };
}

export function presentNewApiKey(key: CreatedApiKey): Static<typeof NewApiKeySchema> {
  return {
    id: key.keyId,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    key: key.apiKey,
  };
}


export const KeyIdParams = Type.Object({ id: Type.String({ description: 'The key id' }) });

export const routeSchemaBase = { tags: ['api-keys'], security: [{ integrationToken: [] }] };

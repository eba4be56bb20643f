import { createApiKey, listApiKeys, revokeApiKey } from '../../domain/api-keys/service.js';
import { isDomainError } from '../../domain/errors.js';
import { CliError, onePositional, optionalString, requiredOrgId, type Command } from '../command.js';

function orgNotFound(org: string) {
  return (error: unknown) => {
    if (isDomainError(error, 'organization_not_found')) throw new CliError(`organization not found: ${org}`);
    throw error;
  };
}

export const keyCreate: Command = {
  name: 'key create',
  summary: 'Create another ext-v1 API key for an organization',
  usage: 'telemap key create --org <organizationId> [--name <label>] [--json]',
  options: { org: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const name = optionalString(args, 'name') ?? 'default';
    const key = await io.withContext((ctx) => createApiKey(ctx, org, name)).catch(orgNotFound(org));
    if (args.values.json) {
      io.out(JSON.stringify({ keyId: key.keyId, apiKey: key.apiKey }));
      return;
    }
    io.out(`Key ${key.keyId} created.`);
    io.out(`API key (shown once, store it now): ${key.apiKey}`);
  },
};

export const keyList: Command = {
  name: 'key list',
  summary: "List an organization's API keys (never the keys themselves)",
  usage: 'telemap key list --org <organizationId> [--json]',
  options: { org: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const keys = await io.withContext((ctx) => listApiKeys(ctx, org)).catch(orgNotFound(org));
    if (args.values.json) {
      io.out(JSON.stringify(keys));
      return;
    }
    if (keys.length === 0) io.out('No keys. Create one with: telemap key create --org ' + org);
    for (const key of keys) {
      const state = key.revoked_at ? `revoked ${key.revoked_at}` : 'active';
      io.out(`${key.id}  ${key.prefix}…  ${key.name}  created ${key.created_at}  last used ${key.last_used_at ?? 'never'}  ${state}`);
    }
  },
};

export const keyRevoke: Command = {
  name: 'key revoke',
  summary: 'Revoke an API key at once',
  usage: 'telemap key revoke <keyId>',
  options: {},
  async run(args, io) {
    const keyId = onePositional(args, this, 'a key id');
    await io
      .withContext((ctx) => revokeApiKey(ctx, keyId))
      .catch((error: unknown) => {
        if (isDomainError(error, 'api_key_not_found')) throw new CliError(`API key not found: ${keyId}`);
        throw error;
      });
    io.out(`Key ${keyId} revoked.`);
  },
};

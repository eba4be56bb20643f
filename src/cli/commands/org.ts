import { isPlausibleEmail, normalizeEmail } from '../../domain/customers/email.js';
import { createOrganizationWithKey } from '../../domain/orgs/service.js';
import { CliError, optionalString, requiredString, type Command } from '../command.js';

export const orgCreate: Command = {
  name: 'org create',
  summary: 'Create an organization and its first ext-v1 API key',
  usage: 'telemap org create --name <name> [--email <email>] [--json]',
  options: { name: { type: 'string' }, email: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const name = requiredString(args, 'name', this);
    const email = optionalString(args, 'email');
    if (email !== undefined && !isPlausibleEmail(normalizeEmail(email))) throw new CliError(`invalid email: ${email}`);
    const created = await io.withContext((ctx) => createOrganizationWithKey(ctx, { name, email }));
    if (args.values.json) {
      io.out(JSON.stringify({ organizationId: created.organizationId, apiKey: created.firstKey.apiKey }));
      return;
    }
    io.out(`Organization ${created.organizationId} created.`);
    io.out(`API key (shown once, store it now): ${created.firstKey.apiKey}`);
  },
};

import { loadConfig } from '../../config.js';
import { isPlausibleEmail, normalizeEmail } from '../../domain/customers/email.js';
import { isDomainError } from '../../domain/errors.js';
import { listAllOrganizations, purgeOrganization, restoreOrganization } from '../../domain/orgs/lifecycle.js';
import { createOrganizationWithKey } from '../../domain/orgs/service.js';
import { setSupportEmail } from '../../domain/tickets/settings.js';
import { CliError, onePositional, optionalString, requiredString, type Command } from '../command.js';
import { passwordFromStdinOrGenerated, printPassword } from './user.js';

export const orgCreate: Command = {
  name: 'org create',
  summary: 'Create an organization and its first ext-v1 API key (and, with --admin-email, its first dashboard admin)',
  usage: 'telemap org create --name <name> [--email <email>] [--admin-email <email> [< password]] [--json]',
  options: {
    name: { type: 'string' },
    email: { type: 'string' },
    'admin-email': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const name = requiredString(args, 'name', this);
    const email = optionalString(args, 'email');
    if (email !== undefined && !isPlausibleEmail(normalizeEmail(email))) throw new CliError(`invalid email: ${email}`);
    const rawAdminEmail = optionalString(args, 'admin-email');
    const adminEmail = rawAdminEmail === undefined ? undefined : normalizeEmail(rawAdminEmail);
    if (adminEmail !== undefined && !isPlausibleEmail(adminEmail)) throw new CliError(`invalid email: ${rawAdminEmail}`);
    const admin = adminEmail === undefined ? undefined : await passwordFromStdinOrGenerated();

    const created = await io
      .withContext((ctx) =>
        createOrganizationWithKey(ctx, { name, email }, 'default', adminEmail !== undefined && admin ? { email: adminEmail, password: admin.password } : undefined),
      )
      .catch((error: unknown) => {
        if (isDomainError(error, 'organization_email_taken')) {
          throw new CliError(`an organization with email ${email} already exists (see: telemap org list)`);
        }
        if (isDomainError(error, 'user_email_taken')) throw new CliError(`a dashboard user with email ${adminEmail} already exists`);
        if (isDomainError(error, 'invalid_input')) throw new CliError(`${error.problem.field} ${error.problem.reason}`);
        throw error;
      });

    if (args.values.json) {
      const line: Record<string, string> = { organizationId: created.organizationId, apiKey: created.firstKey.apiKey };
      if (created.adminUserId) line.adminUserId = created.adminUserId;
      if (created.adminUserId && admin?.generated) line.adminPassword = admin.password;
      io.out(JSON.stringify(line));
      return;
    }
    io.out(`Organization ${created.organizationId} created.`);
    io.out(`API key (shown once, store it now): ${created.firstKey.apiKey}`);
    if (created.adminUserId) {
      io.out(`Dashboard admin ${adminEmail} created.`);
      if (admin?.generated) printPassword(io, admin.password);
    }
  },
};

export const orgList: Command = {
  name: 'org list',
  summary: 'List organizations, deleted ones marked',
  usage: 'telemap org list [--json]',
  options: { json: { type: 'boolean' } },
  async run(args, io) {
    const organizations = await io.withContext((ctx) => listAllOrganizations(ctx));
    if (args.values.json) {
      io.out(
        JSON.stringify(
          organizations.map((o) => ({ id: o.id, name: o.name, email: o.email, createdAt: o.created_at, deletedAt: o.deleted_at })),
        ),
      );
      return;
    }
    if (organizations.length === 0) io.out('No organizations. Create one with: telemap org create --name <name>');
    for (const o of organizations) {
      const deleted = o.deleted_at ? `  deleted ${o.deleted_at}` : '';
      io.out(`${o.id}  ${o.name}  ${o.email ?? '-'}  created ${o.created_at}${deleted}`);
    }
  },
};

export const orgRestore: Command = {
  name: 'org restore',
  summary: 'Restore a deleted organization within the retention window (TELEMAP_ORG_RETENTION_DAYS)',
  usage: 'telemap org restore <organizationId>',
  options: {},
  async run(args, io) {
    const id = onePositional(args, this, 'an organization id');
    const { orgRetentionDays } = loadConfig();
    await io
      .withContext((ctx) => restoreOrganization(ctx, id, orgRetentionDays))
      .catch((error: unknown) => {
        if (isDomainError(error, 'organization_not_found')) throw new CliError(`organization not found: ${id}`);
        if (isDomainError(error, 'organization_not_deleted')) throw new CliError(`organization ${id} is not deleted`);
        if (isDomainError(error, 'organization_retention_expired')) {
          throw new CliError(
            `organization ${id} was deleted at ${error.problem.deletedAt}, more than ${orgRetentionDays} days ago ` +
              '(TELEMAP_ORG_RETENTION_DAYS): it can no longer be restored',
          );
        }
        if (isDomainError(error, 'organization_email_taken')) {
          throw new CliError(`organization ${id} cannot be restored: another organization now uses its email`);
        }
        throw error;
      });
    io.out(`Organization ${id} restored: its tokens and API keys work again.`);
  },
};

export const orgPurge: Command = {
  name: 'org purge',
  summary: 'Delete an organization and all of its data now, for good (needs --yes)',
  usage: 'telemap org purge <organizationId> --yes',
  options: { yes: { type: 'boolean' } },
  async run(args, io) {
    const id = onePositional(args, this, 'an organization id');
    if (!args.values.yes) {
      throw new CliError(`org purge removes organization ${id} and all of its data for good; add --yes to confirm`);
    }
    await io
      .withContext((ctx) => purgeOrganization(ctx, id))
      .catch((error: unknown) => {
        if (isDomainError(error, 'organization_not_found')) throw new CliError(`organization not found: ${id}`);
        throw error;
      });
    io.out(`Organization ${id} and all of its data purged.`);
  },
};

export const orgUpdate: Command = {
  name: 'org update',
  summary: "Change an organization's help desk settings: the support address (Reply-To of replies to customers)",
  usage: 'telemap org update <organizationId> --support-email <email|"">',
  options: { 'support-email': { type: 'string' } },
  async run(args, io) {
    const id = onePositional(args, this, 'an organization id');
    const raw = args.values['support-email'];
    const supportEmail = typeof raw === 'string' ? raw.trim() : undefined;
    if (supportEmail === undefined) throw new CliError('nothing to update: pass --support-email <email> (an empty value clears it)');
    const saved = await io
      .withContext((ctx) => setSupportEmail(ctx, id, supportEmail))
      .catch((error: unknown) => {
        if (isDomainError(error, 'organization_not_found')) throw new CliError(`organization not found: ${id}`);
        if (isDomainError(error, 'invalid_input')) throw new CliError(`invalid email: ${supportEmail}`);
        throw error;
      });
    io.out(saved ? `Support address of ${id} set to ${saved}.` : `Support address of ${id} cleared.`);
  },
};

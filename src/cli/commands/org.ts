import { isPlausibleEmail, normalizeEmail } from '../../domain/customers/email.js';
import { createOrganizationWithKey } from '../../domain/orgs/service.js';
import { CliError, optionalString, requiredString, type Command } from '../command.js';
import { createUserOrFail, passwordFromStdinOrGenerated, printPassword } from './user.js';

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

    const created = await io.withContext(async (ctx) => {
      if (adminEmail !== undefined) {
        // Checked first so that a taken email does not leave an organization without its admin behind; the unique
        // index on users.email still decides if two operators race.
        const taken = await ctx.database.db.selectFrom('users').select('id').where('email', '=', adminEmail).executeTakeFirst();
        if (taken) throw new CliError(`a dashboard user with email ${adminEmail} already exists`);
      }
      const organization = await createOrganizationWithKey(ctx, { name, email });
      const adminUserId =
        adminEmail !== undefined && admin
          ? await createUserOrFail(ctx, organization.organizationId, { email: adminEmail, role: 'admin', password: admin.password })
          : undefined;
      return { ...organization, adminUserId };
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

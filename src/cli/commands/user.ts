import { isPlausibleEmail, normalizeEmail } from '../../domain/customers/email.js';
import { isDomainError } from '../../domain/errors.js';
import { generatePassword } from '../../domain/users/password.js';
import { createUser, isUserRole, passwordReason, USER_ROLES, type UserRole } from '../../domain/users/service.js';
import type { DomainContext } from '../../domain/context.js';
import { resetUserPassword, setUserDisabled } from '../../domain/users/admin.js';
import { listUsers } from '../../domain/users/repository.js';
import { CliError, requiredOrgId, requiredString, type CliIo, type Command, type ParsedArgs } from '../command.js';

/** Everything piped on stdin (without its final line break), or '' when stdin is a terminal or empty. */
async function readPipedStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The password piped on stdin, or a generated one (which the caller prints once). */
export async function passwordFromStdinOrGenerated(): Promise<{ password: string; generated: boolean }> {
  const piped = await readPipedStdin();
  if (piped === '') return { password: generatePassword(), generated: true };
  const reason = passwordReason(piped);
  if (reason) throw new CliError(`the password ${reason}`);
  return { password: piped, generated: false };
}

export function validEmailArg(args: ParsedArgs, name: string, command: Command): string {
  const email = normalizeEmail(requiredString(args, name, command));
  if (!isPlausibleEmail(email)) throw new CliError(`invalid email: ${email}`);
  return email;
}

/** Creates the user, turning domain failures into one-line CLI errors. */
export async function createUserOrFail(
  ctx: DomainContext,
  organizationId: string,
  input: { email: string; role: UserRole; password: string },
): Promise<string> {
  try {
    return await createUser(ctx, organizationId, input);
  } catch (error) {
    if (isDomainError(error, 'organization_not_found')) throw new CliError(`organization not found: ${organizationId}`);
    if (isDomainError(error, 'user_email_taken')) throw new CliError(`a dashboard user with email ${input.email} already exists`);
    if (isDomainError(error, 'invalid_input')) throw new CliError(`${error.problem.field} ${error.problem.reason}`);
    throw error;
  }
}

export function printPassword(io: CliIo, password: string): void {
  io.out(`Password (shown once, store it now): ${password}`);
}

export const userCreate: Command = {
  name: 'user create',
  summary: 'Create a dashboard user (password from stdin, or generated and printed once)',
  usage: 'telemap user create --org <organizationId> --email <email> --role admin|agent [--json] [< password]',
  options: { org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const email = validEmailArg(args, 'email', this);
    const role = requiredString(args, 'role', this);
    if (!isUserRole(role)) throw new CliError(`--role must be one of: ${USER_ROLES.join(', ')}`);
    const { password, generated } = await passwordFromStdinOrGenerated();
    const userId = await io.withContext((ctx) => createUserOrFail(ctx, org, { email, role, password }));
    if (args.values.json) {
      io.out(JSON.stringify(generated ? { userId, password } : { userId }));
      return;
    }
    io.out(`User ${userId} (${role}, ${email}) created.`);
    if (generated) printPassword(io, password);
  },
};

/** The user of the organization with this e-mail, or a one-line error. */
async function userIdByEmail(ctx: DomainContext, organizationId: string, email: string): Promise<string> {
  const row = await ctx.database.db
    .selectFrom('users')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('email', '=', email)
    .executeTakeFirst();
  if (!row) throw new CliError(`no user ${email} in organization ${organizationId}`);
  return row.id;
}

export const userList: Command = {
  name: 'user list',
  summary: "List an organization's dashboard users (role, state)",
  usage: 'telemap user list --org <organizationId> [--json]',
  options: { org: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const users = await io.withContext((ctx) => listUsers(ctx.database.db, org));
    if (args.values.json) {
      io.out(JSON.stringify(users.map((u) => ({ id: u.id, email: u.email, role: u.role, disabledAt: u.disabledAt, invited: !u.hasPassword, createdAt: u.createdAt }))));
      return;
    }
    if (users.length === 0) io.out(`No users. Create one with: telemap user create --org ${org} --email <email> --role admin`);
    for (const u of users) {
      const state = u.disabledAt ? `disabled ${u.disabledAt}` : u.hasPassword ? 'active' : 'invited';
      io.out(`${u.id}  ${u.email}  ${u.role}  ${state}`);
    }
  },
};

export const userResetPassword: Command = {
  name: 'user reset-password',
  summary: "Set a user's password (from stdin, or generated and printed once) and sign them out everywhere",
  usage: 'telemap user reset-password --org <organizationId> --email <email> [--json] [< password]',
  options: { org: { type: 'string' }, email: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const email = validEmailArg(args, 'email', this);
    const { password, generated } = await passwordFromStdinOrGenerated();
    await io.withContext(async (ctx) => resetUserPassword(ctx, org, await userIdByEmail(ctx, org, email), password));
    if (args.values.json) {
      io.out(JSON.stringify(generated ? { email, password } : { email }));
      return;
    }
    // The sign-in lockout lives in each server's memory: a new password does not lift it there (docs/helpdesk.md).
    io.out(`Password of ${email} set; their sessions are signed out.`);
    if (generated) printPassword(io, password);
  },
};

export const userDisable: Command = {
  name: 'user disable',
  summary: 'Disable a user (signed out at once, cannot sign in); --enable undoes it',
  usage: 'telemap user disable --org <organizationId> --email <email> [--enable]',
  options: { org: { type: 'string' }, email: { type: 'string' }, enable: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const email = validEmailArg(args, 'email', this);
    const enable = Boolean(args.values.enable);
    await io.withContext(async (ctx) => setUserDisabled(ctx, org, await userIdByEmail(ctx, org, email), !enable, null));
    io.out(enable ? `User ${email} enabled.` : `User ${email} disabled and signed out.`);
  },
};

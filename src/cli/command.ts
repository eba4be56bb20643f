// The shape shared by every `telemap` subcommand, and the pieces they all use.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { DomainContext } from '../domain/context.js';
import { isUuid } from '../domain/ids.js';

/** A failure the user can fix: printed as one line, exit code 1, no stack trace. */
export class CliError extends Error {}

export interface Command {
  /** e.g. "org create" */
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: CliIo): Promise<void>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface CliIo {
  out(line: string): void;
  /** Opens the configured database (migrated), runs `work`, and closes it whatever happens. */
  withContext<T>(work: (ctx: DomainContext) => Promise<T>): Promise<T>;
}

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see: telemap ${command.name} --help)`);
  }
}

export function requiredString(args: ParsedArgs, name: string, command: Command): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CliError(`--${name} is required (see: telemap ${command.name} --help)`);
  }
  return value.trim();
}

/** An organization id argument (`--org`), lower-cased; a value that is not a UUID cannot name one. */
export function requiredOrgId(args: ParsedArgs, command: Command): string {
  const org = requiredString(args, 'org', command);
  if (!isUuid(org)) throw new CliError(`organization not found: ${org}`);
  return org.toLowerCase();
}

/** The command's one positional argument; `noun` names it in the messages ("an organization id", "a key id"). */
export function onePositional(args: ParsedArgs, command: Command, noun: `a ${string}` | `an ${string}`): string {
  const value = args.positionals[0];
  if (!value) throw new CliError(`${noun} is required (see: telemap ${command.name} --help)`);
  if (args.positionals.length > 1) throw new CliError(`${command.name} takes exactly one ${noun.replace(/^an? /, '')}`);
  return value;
}

export function optionalString(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  async withContext(work) {
    const config = loadConfig();
    // Operator commands (and the migrations they run first) are not requests: no statement timeout bounds them.
    const target = config.database.kind === 'postgres' ? { ...config.database, statementTimeoutMs: 0 } : config.database;
    const database = connectDatabase(target, { ...config.sqlite, poolSize: 2, checkpointThread: false });
    try {
      await migrateToLatest(database);
      return await work({ database, clock: systemClock });
    } finally {
      await database.close();
    }
  },
};

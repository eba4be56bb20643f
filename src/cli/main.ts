// `telemap`: the operator's command line. Each subcommand lives in commands/; this file only dispatches.
import { ConfigError } from '../config.js';
import { categoryAdd, categoryList } from './commands/category.js';
import { deviceToken } from './commands/device.js';
import { keyCreate, keyList, keyRevoke } from './commands/key.js';
import { mcpServe } from './commands/mcp.js';
import { orderLink } from './commands/order.js';
import { orgCreate, orgList, orgPurge, orgRestore, orgUpdate } from './commands/org.js';
import { userCreate, userDisable, userList, userResetPassword } from './commands/user.js';
import { CliError, parseCommandArgs, processIo, type CliIo, type Command } from './command.js';

export const COMMANDS: readonly Command[] = [
  orgCreate,
  orgList,
  orgUpdate,
  orgRestore,
  orgPurge,
  keyCreate,
  keyList,
  keyRevoke,
  categoryAdd,
  categoryList,
  orderLink,
  userCreate,
  userList,
  userResetPassword,
  userDisable,
  deviceToken,
  mcpServe,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: telemap <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command uses DATABASE_URL (default: sqlite://data/telemap.db). Add --help to any command for its options.',
  ].join('\n');
}

function helpFor(command: Command): string {
  const options = Object.keys(command.options).map((o) => `--${o}`);
  return [`Usage: ${command.usage}`, '', command.summary, ...(options.length ? ['', `Options: ${options.join(', ')}, --help`] : [])].join('\n');
}

/** Returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === '--help' || group === '-h' || group === 'help') {
    io.out(overview());
    return group ? 0 : 1;
  }
  // A command of one word (`telemap mcp --org …`) takes every argument after its name.
  const single = COMMANDS.find((c) => c.name === group);
  if (single) return runCommand(single, argv.slice(1), io);
  const groupCommands = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  if (groupCommands.length === 0) {
    console.error(`telemap: unknown command "${group}" (see: telemap --help)`);
    return 1;
  }
  const command = groupCommands.find((c) => c.name === `${group} ${action}`);
  if (!command) {
    if (action === '--help' || action === '-h' || action === undefined) {
      io.out(groupCommands.map(helpFor).join('\n\n'));
      return action ? 0 : 1;
    }
    console.error(`telemap: unknown command "${group} ${action}" (see: telemap ${group} --help)`);
    return 1;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command, rest: string[], io: CliIo): Promise<number> {
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.out(helpFor(command));
      return 0;
    }
    await command.run(args, io);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`telemap: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      console.error(`telemap: ${error.message}`);
      return 2;
    }
    console.error(`telemap: ${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

// `npm run bench -- --count N`: instructions instead of time. On a shared virtual machine the server's CPU time per
// request moved by up to 2x between runs of the same code, which hides any change smaller than that. Under
// valgrind's callgrind the number of instructions a server executes per request moves far less: two runs one after
// the other differed by 1.2% at most on four scenarios, and the same code over an evening by up to 13%, mostly
// from V8 compiling in a background thread at whatever point valgrind lets it. Compare runs made side by side.
//
// Each server (Telemap and the floor) runs under callgrind with counting off. Around a scenario's measured requests
// counting is zeroed and switched on, then the counts are dumped and switched off; only the main thread is read
// (`--separate-threads`), since background threads (SQLite's checkpointer, V8's compilers) do work that grows with
// a run's length, not with its requests. What is counted is user-space instructions: the kernel's share (socket
// writes, file locks) is not, and neither is time lost to cache misses.
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * valgrind finds a process it serves by user and host name, read from the environment; without them (as in a bare
 * container) callgrind_control cannot reach the process at all.
 */
export const VALGRIND_ENV = { USER: process.env.USER || 'telemap-bench', HOST: process.env.HOST || hostname() };

/** The command that runs `argv` (node's arguments) under callgrind, writing its dumps under `dir`. */
export function underCallgrind(dir: string, name: string, argv: string[]): { command: string; args: string[] } {
  return {
    command: 'valgrind',
    args: [
      '--tool=callgrind',
      '--quiet',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(dir, name)}.out`,
      process.execPath,
      ...argv,
    ],
  };
}

export function valgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Counts the instructions one process (started with underCallgrind) executes on its main thread while `run` runs. */
export function countInstructions(dir: string, name: string, pid: number, run: () => void): number {
  const control = (...args: string[]) =>
    execFileSync('callgrind_control', [...args, String(pid)], { env: { ...process.env, ...VALGRIND_ENV }, stdio: 'ignore' });
  const before = new Set(readdirSync(dir));
  control('--zero');
  control('--instr=on');
  run();
  // Dumped before switching off: switching instrumentation off first leaves the dump empty.
  control('--dump');
  control('--instr=off');
  // One file per thread for each dump: <name>.out.<dump number>-<thread number>. Thread 01 is the main thread.
  const dumped = readdirSync(dir).filter((file) => !before.has(file) && file.startsWith(`${name}.out.`) && file.endsWith('-01'));
  if (dumped.length !== 1) throw new Error(`expected one new main-thread dump of ${name}, found ${dumped.length}`);
  const summary = /^summary:\s+(\d+)/m.exec(readFileSync(join(dir, dumped[0]!), 'utf8'));
  if (!summary) throw new Error(`no summary line in ${dumped[0]}`);
  return Number(summary[1]);
}

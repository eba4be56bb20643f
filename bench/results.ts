// Where the benchmark's modes write their runs (bench/results/, ignored by git but for the reference runs), and the
// description of the machine each run records.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export const RESULTS = join(ROOT, 'bench', 'results');

/** A file name's form of a time: no colons or dots. */
export const fileTime = (at: string) => at.replace(/[:.]/g, '-');

export function machine(): { cpus: number; cpu: string | undefined; node: string } {
  return { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };
}

/** Writes `result` as bench/results/<fileName> and says so. */
export function writeResult(fileName: string, result: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, fileName);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`written to ${file}`);
  return file;
}

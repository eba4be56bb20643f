import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The package's real bin (compiled dist/, which `npm test` builds first): what an operator runs, and three times
// cheaper to start than the TypeScript sources through tsx.
const CLI_BIN = fileURLToPath(new URL('../../bin/telemap.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `telemap …` as its own process against `databaseUrl`, optionally feeding stdin. */
export function runTelemap(args: string[], databaseUrl: string, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

// `--compare-ref <git-ref>`: another commit's code, checked out beside this one for the compared server. A git
// worktree of the commit in a temporary directory, with that commit's own dependencies (`npm ci` from its lockfile)
// and its own dist/; removed at the end, also when the run fails or is interrupted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export interface Checkout {
  /** The ref as given. */
  ref: string;
  commit: string;
  dir: string;
  /** Removes the worktree and its directory; safe to call more than once. */
  remove(): void;
}

/**
 * What the compared server's seeding runs of the commit (bench/seed-checkout.ts): a database the commit's own
 * migrations made, since Kysely's Migrator refuses a database holding migrations it does not know.
 */
const SEEDING_NEEDS = [
  { path: 'bench/seed.ts', declaration: 'export async function seed(' },
  { path: 'src/db/connect.ts', declaration: 'export function connectDatabase(' },
  { path: 'src/config.ts', declaration: 'export function loadConfig(' },
];

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The commit `ref` names, checked for what the benchmark needs of it before anything is installed. */
export function resolveRef(ref: string): string {
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new Error(`--compare-ref: no commit named "${ref}" in this repository`);
  }
  for (const need of SEEDING_NEEDS) {
    let text: string;
    try {
      text = git('show', `${commit}:${need.path}`);
    } catch {
      throw new Error(`--compare-ref ${ref}: that commit has no ${need.path}, which seeding its database needs`);
    }
    if (!text.includes(need.declaration)) {
      throw new Error(`--compare-ref ${ref}: that commit's ${need.path} lacks \`${need.declaration}…\`, which seeding its database needs`);
    }
  }
  return commit;
}

export function checkOutRef(ref: string): Checkout {
  const commit = resolveRef(ref);
  const dir = mkdtempSync(join(tmpdir(), 'telemap-bench-ref-'));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    try {
      git('worktree', 'remove', '--force', dir);
    } catch {
      // Not (or no longer) a worktree: the directory goes anyway, and git forgets it below.
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      git('worktree', 'prune');
    } catch {
      // Nothing left to prune.
    }
  };
  // Ctrl-C reaches the servers and npm too; what is left here is the worktree.
  const interrupted = (signal: NodeJS.Signals) => {
    remove();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', remove);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    console.log(`checking out ${ref} (${commit.slice(0, 10)}) into ${dir} …`);
    git('worktree', 'add', '--detach', dir, commit);
    console.log(`installing its dependencies (npm ci) and building it …`);
    const npm = (...args: string[]) => execFileSync('npm', args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    npm('ci', '--no-audit', '--no-fund', '--loglevel=error');
    // `npm ci` builds through the `prepare` script where the commit has one.
    if (!existsSync(join(dir, 'dist', 'main.js'))) npm('run', '-s', 'build');
    return { ref, commit, dir, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

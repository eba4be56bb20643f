// `--compare-ref` refuses a ref it cannot use before it checks anything out or installs anything (two minutes of
// `npm ci` spent on a commit whose database cannot be seeded would be wasted). No server or database here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { resolveRef } from '../../bench/ref-checkout.js';

describe('bench --compare-ref', () => {
  it('resolves a ref to its commit when the commit has what seeding its database needs', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    assert.equal(resolveRef('HEAD'), head);
  });

  it('refuses a ref that names no commit, saying which', () => {
    assert.throws(() => resolveRef('no-such-branch-for-bench'), {
      message: '--compare-ref: no commit named "no-such-branch-for-bench" in this repository',
    });
  });
});

/**
 * A clean `npm ci` runs no dependency install script and warns about none: every package with one is named in
 * package.json's `allowScripts`. None is needed: esbuild finds its binary through its platform package, and nx's
 * postinstall step is an optional check.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoPath, run } from './repo';

describe('dependency install scripts', () => {
  it('npm lists no package whose install script is not covered by allowScripts', () => {
    const listed = run('npm', ['install-scripts', 'ls']);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^No packages with unreviewed install scripts\./);
  });

  it('every entry is a denial, and names a package the lock file says has an install script', () => {
    const { allowScripts } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    const lock = JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = new Set(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)));
    for (const [name, allowed] of Object.entries(allowScripts)) {
      assert.equal(allowed, false, `${name} is allowed to run an install script`);
      assert.ok(withScripts.has(name), `${name} has no install script in the lock file (stale entry)`);
    }
  });
});

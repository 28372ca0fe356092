/**
 * The missing-tool policy, with a PATH made for the test (a folder holding an executable `dig` script and
 * nothing else): present → run; absent → skip with the install command; absent under CI → fail.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findTool, inCi, requireTool, skipWithout } from './system-tools';
import { isolateTempDir, makeTempDir } from './temp-dirs';

isolateTempDir();

describe('system tools policy', () => {
  const bin = makeTempDir('faultline-bin-');
  writeFileSync(path.join(bin, 'dig'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(bin, 'dig'), 0o755);
  writeFileSync(path.join(bin, 'shellcheck'), 'not executable\n');
  const env = { PATH: bin, FAULTLINE_TOOLS_BIN: bin };

  it('finds an executable on PATH, not a file that is not executable', () => {
    assert.equal(findTool('dig', env), path.join(bin, 'dig'));
    assert.equal(findTool('shellcheck', env), undefined);
  });

  it("finds the tools scripts/dev/install-*.sh build (k6, helm) in the project's tool cache before PATH", () => {
    const [cache, onPath] = [makeTempDir('faultline-tools-'), makeTempDir('faultline-path-')];
    for (const dir of [cache, onPath]) {
      writeFileSync(path.join(dir, 'helm'), '#!/bin/sh\nexit 0\n');
      chmodSync(path.join(dir, 'helm'), 0o755);
    }
    assert.equal(findTool('helm', { PATH: onPath, FAULTLINE_TOOLS_BIN: cache }), path.join(cache, 'helm'));
    assert.equal(findTool('helm', { PATH: onPath, FAULTLINE_TOOLS_BIN: bin }), path.join(onPath, 'helm'));
  });

  it('skips with one line naming the missing tools and their install commands', () => {
    assert.equal(skipWithout('dig', env), false);
    assert.equal(skipWithout(['dig', 'shellcheck', 'promtool'], env),
      'skipped: shellcheck is not installed (install: apt-get install shellcheck); promtool is not installed (install: apt-get install prometheus)');
    assert.match(String(skipWithout('k6', { PATH: '', FAULTLINE_TOOLS_BIN: bin })), /k6 is not installed \(install: bash scripts\/dev\/install-k6\.sh\)/);
    assert.equal(skipWithout('helm', { PATH: '', FAULTLINE_TOOLS_BIN: bin }), 'skipped: helm is not installed (install: bash scripts/dev/install-helm.sh)');
  });

  it('under CI never skips: requireTool fails the test with the same message', () => {
    const ci = { ...env, CI: 'true' };
    assert.equal(inCi(ci), true);
    assert.equal(inCi({ CI: 'false' }), false);
    assert.equal(skipWithout('promtool', ci), false);
    assert.throws(() => requireTool('promtool', ci), /^Error: promtool is not installed \(install: apt-get install prometheus\): CI must install it$/);
    assert.equal(requireTool('dig', ci), path.join(bin, 'dig'));
  });
});

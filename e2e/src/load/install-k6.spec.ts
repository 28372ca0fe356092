// scripts/dev/install-k6.sh, without building anything: it is strict and shellcheck-clean, reuses the pinned
// k6 when the tool folder has it, and says in one line what to do without Go. It installs where the load
// runner looks first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { requireTool, skipWithout } from '@faultline/test-support';
import { WORKSPACE_ROOT } from '../targets/local/paths';
import { toolsBin } from '@faultline/test-support';
import { findK6 } from './k6-binary';

const SCRIPT = path.join(WORKSPACE_ROOT, 'scripts', 'dev', 'install-k6.sh');

describe('scripts/dev/install-k6.sh', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-install-k6-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  // A PATH without go: only the few tools the script itself uses.
  const tools = path.join(tmp, 'path');
  mkdirSync(tools);
  for (const tool of ['cat', 'basename', 'dirname', 'mkdir']) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, path.join(tools, tool));
  }
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync('/bin/bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 20_000, env: { HOME: tmp, PATH: tools, ...env } });
  const pinned = /^K6_VERSION=(v[\d.]+)$/m.exec(readFileSync(SCRIPT, 'utf8'))?.[1];

  it('is strict, pins a k6 version and answers --help', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    assert.match(text, /^set -euo pipefail$/m);
    assert.match(text, /go install "\$\{K6_MODULE\}@\$\{K6_VERSION\}"/);
    assert.ok(pinned, 'K6_VERSION=vX.Y.Z');
    const help = run(['--help'], {});
    assert.equal(help.status, 0);
    assert.match(help.stdout, new RegExp(`go install go\\.k6\\.io/k6@${pinned}`));
  });

  it('passes shellcheck', { skip: skipWithout('shellcheck') }, () => {
    const result = spawnSync(requireTool('shellcheck'), ['--external-sources', SCRIPT], { encoding: 'utf8', cwd: WORKSPACE_ROOT });
    assert.equal(result.status, 0, result.stdout);
  });

  it('installs where npm run test:load looks first', () => {
    const env = { FAULTLINE_TOOLS_BIN: path.join(tmp, 'tools') };
    assert.equal(run(['--print-path'], env).stdout.trim(), path.join(toolsBin(env), 'k6'));
    assert.equal(run(['--print-path'], { XDG_CACHE_HOME: path.join(tmp, 'cache') }).stdout.trim(), path.join(tmp, 'cache', 'faultline', 'bin', 'k6'));
  });

  it('reuses the pinned k6 when it is there, without Go', () => {
    const bin = path.join(tmp, 'present');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'k6'), `#!/bin/sh\necho "k6 ${pinned} (go1.26.0, linux/amd64)"\n`);
    chmodSync(path.join(bin, 'k6'), 0o755);
    const result = run([], { FAULTLINE_TOOLS_BIN: bin });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), `k6 ${pinned} is installed: ${path.join(bin, 'k6')}`);
    assert.equal(findK6({ FAULTLINE_TOOLS_BIN: bin, PATH: '' }), path.join(bin, 'k6'));
  });

  it('without Go and without the pinned k6: one line saying what to do, exit 1', () => {
    const bin = path.join(tmp, 'other-version');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'k6'), '#!/bin/sh\necho "k6 v0.1.0 (go1.20, linux/amd64)"\n');
    chmodSync(path.join(bin, 'k6'), 0o755);
    const result = run([], { FAULTLINE_TOOLS_BIN: bin });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error: Go is missing: install it \(Debian: apt-get install golang-go\), then rerun .*install-k6\.sh\n$/);
  });
});

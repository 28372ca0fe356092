/**
 * One pinned helm for the chart tests, scripts/cluster, the offline kit and kind.yml: scripts/dev/install-helm.sh
 * builds the version of the kit's helm row (kind/offline/components.tsv, the one place it is written), the kit's
 * helm recipe runs that script, and the kind workflow installs the same version. The script is checked without
 * building anything: strict, --help, where it installs, reusing the pinned helm, one line without Go.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { toolsBin } from '@faultline/test-support';
import { assertShellcheckClean, repoPath } from './repo';

const SCRIPT = repoPath('scripts', 'dev', 'install-helm.sh');
/** The kit's helm row: `helm  go:helm.sh/helm/v3/cmd/helm@vX.Y.Z  helm  -  -`. */
const row = readFileSync(repoPath('kind', 'offline', 'components.tsv'), 'utf8')
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .find(([name]) => name === 'helm');
const source = row?.[1].replace(/^go:/, '') ?? '';
const pinned = source.split('@')[1];

describe('one pinned helm', () => {
  it("the offline kit's helm row pins a release of helm's module, built by install-helm.sh", () => {
    assert.match(source, /^helm\.sh\/helm\/v3\/cmd\/helm@v3\.\d+\.\d+$/);
    assert.equal(row?.[2], 'helm', 'the kit builds helm with its helm recipe');
    const recipes = readFileSync(repoPath('kind', 'offline', 'recipes.sh'), 'utf8');
    const recipe = /^recipe_helm\(\) \{\n([\s\S]*?)^\}/m.exec(recipes)?.[1] ?? '';
    assert.match(recipe, /scripts\/dev\/install-helm\.sh/);
  });

  it('kind.yml installs the same version, and ci.yml builds it before the tests', () => {
    const kind = parse(readFileSync(repoPath('.github', 'workflows', 'kind.yml'), 'utf8')) as { env: Record<string, string> };
    assert.equal(kind.env.HELM_VERSION, pinned);
    assert.match(readFileSync(repoPath('.github', 'workflows', 'ci.yml'), 'utf8'), /^\s+bash scripts\/dev\/install-helm\.sh$/m);
  });

  it('no helm comes from npm any more', () => {
    const manifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    assert.ok(!Object.keys(manifest.devDependencies).some((name) => name.startsWith('helm')), Object.keys(manifest.devDependencies).join(' '));
  });
});

describe('scripts/dev/install-helm.sh', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-install-helm-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  // A PATH without go: only the few tools the script itself uses.
  const tools = path.join(tmp, 'path');
  mkdirSync(tools);
  for (const tool of ['cat', 'basename', 'dirname', 'mkdir', 'awk']) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, path.join(tools, tool));
  }
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync('/bin/bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 20_000, env: { HOME: tmp, PATH: tools, ...env } });
  const fakeHelm = (dir: string, version: string) => {
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'helm'), `#!/bin/sh\n[ "$1" = version ] && printf '%s' "${version}"\n`);
    chmodSync(path.join(dir, 'helm'), 0o755);
  };

  it('is strict and answers --help with the go install it runs', () => {
    assert.match(readFileSync(SCRIPT, 'utf8'), /^set -euo pipefail$/m);
    const help = run(['--help'], {});
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: install-helm\.sh \[--print-path\]$/m);
    assert.ok(help.stdout.includes(`go install ${source}`), help.stdout);
  });

  it('passes shellcheck', (t) => assertShellcheckClean(t, [SCRIPT]));

  it('installs where the chart tests and scripts/cluster look first', () => {
    const env = { FAULTLINE_TOOLS_BIN: path.join(tmp, 'tools') };
    assert.equal(run(['--print-path'], env).stdout.trim(), path.join(toolsBin(env), 'helm'));
    assert.equal(run(['--print-path'], { XDG_CACHE_HOME: path.join(tmp, 'cache') }).stdout.trim(), path.join(tmp, 'cache', 'faultline', 'bin', 'helm'));
  });

  it('reuses the pinned helm when it is there, without Go', () => {
    const bin = path.join(tmp, 'present');
    fakeHelm(bin, pinned);
    const result = run([], { FAULTLINE_TOOLS_BIN: bin });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), `helm ${pinned} is installed: ${path.join(bin, 'helm')}`);
  });

  it('without Go and without the pinned helm (another version there): one line saying what to do, exit 1', () => {
    const bin = path.join(tmp, 'other-version');
    fakeHelm(bin, 'v3.10.1');
    const result = run([], { FAULTLINE_TOOLS_BIN: bin });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error: Go is missing: install it \(Debian: apt-get install golang-go\), then rerun .*install-helm\.sh\n$/);
  });
});

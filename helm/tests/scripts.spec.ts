/**
 * The cluster scripts, checked without a cluster: they parse (bash -n), pass shellcheck (when installed),
 * run with strict mode, answer --help, and stop with a clear message when kind, kubectl or docker is missing.
 * Creating clusters, building images and installing are left to a machine with Docker (the kind workflow).
 */
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { assertShellcheckClean, filesUnder, repoPath, run } from './repo';

const SCRIPTS_DIR = repoPath('scripts', 'cluster');
const scripts = filesUnder(SCRIPTS_DIR, '.sh').sort();
const entryPoints = scripts.filter((s) => path.basename(s) !== 'lib.sh');

/** A PATH holding every command of /usr/bin and /bin except the cluster tools: "a machine without them". */
function pathWithout(tools: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-path-'));
  for (const source of ['/usr/bin', '/bin']) {
    if (!existsSync(source)) continue;
    for (const name of readdirSync(source)) {
      if (tools.includes(name)) continue;
      try {
        symlinkSync(path.join(source, name), path.join(dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // /bin and /usr/bin may be one folder
      }
    }
  }
  return dir;
}
const bareBin = pathWithout(['kind', 'kubectl', 'docker', 'helm', 'curl']);
after(() => rmSync(bareBin, { recursive: true, force: true }));

describe('cluster scripts', () => {
  it('cover creating, loading images, installing, helm test, DNS break/fix and tear-down', () => {
    const names = scripts.map((s) => path.basename(s));
    for (const wanted of ['create-cluster.sh', 'build-images.sh', 'install.sh', 'helm-test.sh', 'dns-fault.sh', 'coredns-forward.sh', 'delete-cluster.sh', 'up.sh', 'lib.sh']) {
      assert.ok(names.includes(wanted), wanted);
    }
  });

  for (const script of scripts) {
    const name = path.relative(repoPath(), script);
    it(`${name}: parses (bash -n)`, () => {
      const result = run('bash', ['-n', script]);
      assert.equal(result.status, 0, result.stderr);
    });
  }

  it('pass shellcheck', (t) => assertShellcheckClean(t, scripts));

  for (const script of entryPoints) {
    const name = path.basename(script);
    it(`${name}: is executable, strict (set -euo pipefail) and answers --help`, () => {
      accessSync(script, constants.X_OK);
      const text = readFileSync(script, 'utf8');
      assert.match(text, /^#!\/usr\/bin\/env bash\n/);
      assert.match(text, /^set -euo pipefail$/m);
      const help = run(script, ['--help'], { env: { ...process.env, PATH: bareBin } });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /^Usage: /m);
    });
  }

  it('stop with one clear message per missing tool before doing anything', () => {
    const env = { ...process.env, PATH: bareBin, FAULTLINE_TOOLS_BIN: bareBin };
    const create = run(repoPath('scripts/cluster/create-cluster.sh'), [], { env });
    assert.equal(create.status, 127);
    for (const tool of ['docker', 'kind', 'kubectl']) {
      assert.match(create.stderr, new RegExp(`^error: ${tool} is not installed or not on PATH; get it from https://`, 'm'));
    }
    assert.match(create.stderr, /^error: helm is not installed or not on PATH; get it from bash scripts\/dev\/install-helm\.sh /m);
    const load = run(repoPath('scripts/cluster/build-images.sh'), [], { env });
    assert.equal(load.status, 127);
    assert.match(load.stderr, /error: docker is not installed/);
    const dns = run(repoPath('scripts/cluster/dns-fault.sh'), ['break'], { env });
    assert.equal(dns.status, 127);
    assert.match(dns.stderr, /error: kubectl is not installed/);
    assert.match(dns.stderr, /error: curl is not installed/);
  });

  it("use the pinned helm of the project's tool cache before one on PATH", () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'faultline-tools-'));
    try {
      writeFileSync(path.join(cache, 'helm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const script = `source "${repoPath('scripts/cluster/lib.sh')}"; helm_bin`;
      const found = run('bash', ['-c', script], { env: { ...process.env, FAULTLINE_TOOLS_BIN: cache } });
      assert.equal(found.stdout.trim(), path.join(cache, 'helm'), found.stderr);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('refuse bad arguments with the usage', () => {
    const env = { ...process.env, PATH: bareBin };
    const bad = run(repoPath('scripts/cluster/dns-fault.sh'), ['break', '--action', 'explode'], { env });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--action must be drop, servfail, nxdomain, refused or delay/);
    const unknown = run(repoPath('scripts/cluster/create-cluster.sh'), ['--config', 'nope'], { env });
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /no kind config .*kind\/nope\.yaml/);
  });

  it('build an image for every app of the repository', () => {
    const help = run(repoPath('scripts/cluster/build-images.sh'), ['--help'], { env: { ...process.env, PATH: bareBin } });
    const apps = readdirSync(repoPath('apps')).filter((a) => existsSync(repoPath('apps', a, 'src', 'main.ts')));
    for (const app of apps) assert.match(help.stdout, new RegExp(`\\b${app}\\b`));
  });

  it('coredns-forward.sh: adds the forward block and query logging in the main block, once (kubectl faked: no cluster here)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-corefile-'));
    try {
      const kindCorefile = '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    forward . /etc/resolv.conf\n    cache 30\n}\n';
      writeFileSync(path.join(dir, 'Corefile'), kindCorefile);
      // A kubectl that serves the Corefile in dir/Corefile and stores what `create configmap --from-file` is given.
      writeFileSync(
        path.join(dir, 'kubectl'),
        `#!/bin/bash\ncase "$*" in\n  *"get configmap coredns"*) cat "${dir}/Corefile" ;;\n  *"create configmap"*) for a in "$@"; do [[ "$a" == --from-file=Corefile=* ]] && cp "\${a#--from-file=Corefile=}" "${dir}/Corefile"; done ;;\n  *"apply"*|*"rollout"*) cat >/dev/null 2>&1 || true ;;\n  *) exit 1 ;;\nesac\nexit 0\n`,
        { mode: 0o755 },
      );
      const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
      const first = run(repoPath('scripts/cluster/coredns-forward.sh'), ['--ip', '10.96.0.53'], { env });
      assert.equal(first.status, 0, first.stderr);
      const patched = readFileSync(path.join(dir, 'Corefile'), 'utf8');
      assert.ok(patched.startsWith('.:53 {\n    log # faultline\n    errors\n'), patched);
      assert.match(patched, /# faultline begin\nmyexternalserver\.com:53 \{\n {4}errors\n {4}log\n {4}prometheus :9153\n {4}forward \. 10\.96\.0\.53:53\n\}\n# faultline end/);
      const again = run(repoPath('scripts/cluster/coredns-forward.sh'), ['--ip', '10.96.0.53'], { env });
      assert.match(again.stderr, /already forwards as wanted/);
      const removed = run(repoPath('scripts/cluster/coredns-forward.sh'), ['--remove'], { env: { ...env, FAULTLINE_NAMESPACE: 'none' } });
      assert.equal(removed.status, 0, removed.stderr);
      assert.equal(readFileSync(path.join(dir, 'Corefile'), 'utf8'), kindCorefile);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('use the same CoreDNS stanza as the chart and the address kind/values.yaml pins', () => {
    const forward = readFileSync(repoPath('scripts/cluster/coredns-forward.sh'), 'utf8');
    const helpers = readFileSync(repoPath('helm/faultline/templates/_helpers.tpl'), 'utf8');
    for (const line of ['errors', 'log', 'prometheus :9153']) {
      assert.ok(forward.includes(`\\n    ${line}\\n`) && helpers.includes(`    ${line}\n`), line);
    }
    const lib = readFileSync(repoPath('scripts/cluster/lib.sh'), 'utf8');
    const pinned = readFileSync(repoPath('kind/values.yaml'), 'utf8').match(/clusterIP: ([\d.]+)/)?.[1];
    assert.ok(pinned);
    assert.ok(lib.includes(`DNS_SERVER_IP:=${pinned}`));
  });
});

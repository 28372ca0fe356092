// `--target kind` with the real kubectl and no cluster (none can exist on this machine): the CLI stops at
// once with a clear message and a non-zero exit code. The kubeconfig points kubectl at a closed loopback
// port, so the result does not depend on whatever kubeconfig the machine has.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Scenario } from '../../scenarios/model';
import { runScenario } from '../../scenarios/runner';
import { unusedLoopbackPort } from '@faultline/test-support';
import { WORKSPACE_ROOT } from '../local/paths';

describe('--target kind without a cluster', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-kubeconfig-'));
  const children: number[] = [];
  after(() => {
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already ended
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails fast: "no Kubernetes API reachable: create one with scripts/cluster/up.sh", exit code 1', async () => {
    const kubeconfig = path.join(dir, 'config');
    const port = await unusedLoopbackPort();
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: nowhere, cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]
users: [{ name: nobody, user: { token: none } }]
contexts: [{ name: nowhere, context: { cluster: nowhere, user: nobody } }]
current-context: nowhere
`,
    );
    const child = spawn(process.execPath, [path.join(WORKSPACE_ROOT, 'e2e/bin/faultline.cjs'), 'scenario', 'run', 'tcp-wrong-target-port', '--target', 'kind'], {
      env: { ...process.env, KUBECONFIG: kubeconfig, KUBE_CONTEXT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid) children.push(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Bounded: kubectl's --request-timeout is 5 s; a run that hangs is killed and fails the test.
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    assert.equal(code, 1, `exit code (stdout: ${stdout}, stderr: ${stderr})`);
    assert.match(stderr, /^faultline: no Kubernetes API reachable: create one with scripts\/cluster\/up\.sh \(kubectl .*get --raw \/readyz --request-timeout=5s: /);
    assert.match(stderr, new RegExp(`127\\.0\\.0\\.1:${port}`), 'the message says which API server was tried');
    assert.doesNotMatch(stdout, /▶/, 'no scenario started');
  });

  it('a scenario whose targets exclude kind is reported as needing its target, without creating one', async () => {
    const localOnly: Scenario = {
      id: 'local-only',
      seed: '000',
      title: 'runs on the local target only',
      breaks: '-',
      symptom: '-',
      fix: '-',
      targets: ['local'],
      lab: () => ({ deployments: [], services: [] }),
      steps: [],
    };
    let created = 0;
    const result = await runScenario(localOnly, {
      targetName: 'kind',
      createTarget: () => {
        created += 1;
        throw new Error('not expected');
      },
    });
    assert.equal(result.status, 'needs-target');
    assert.equal(result.reason, 'needs the local target');
    assert.equal(created, 0);
  });
});

// Which cluster parts a scenario (or a step) needs that the cluster lacks, read through a fake kubectl (no cluster
// can be reached from the unit tests; npm run test:kind runs the same against a real one), and how the runner
// reports such a scenario: not run, naming the part, without installing a lab; a kubectl that fails is an error;
// a step that needs a part the cluster lacks is not run here while the others run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Scenario } from '../../scenarios/model';
import { runScenario } from '../../scenarios/runner';
import { FakeCommandRunner, type RecordedCommand } from './fake-command-runner';
import { KindTarget } from './kind-target';

/** A cluster as kubectl shows it: with or without the ingress-nginx controller, kube-proxy or Cilium's socket LB. */
function cluster(parts: { ingress: boolean; socketLb: boolean }) {
  return (c: RecordedCommand) => {
    const line = c.args.join(' ');
    if (line.includes('get service ingress-nginx-controller')) return parts.ingress ? 'service/ingress-nginx-controller\n' : '';
    if (line.includes('get configmap cilium-config')) {
      return parts.socketLb
        ? { data: { 'kube-proxy-replacement': 'true', 'bpf-lb-sock': 'true' } }
        : { code: 1, stdout: '', stderr: 'Error from server (NotFound): configmaps "cilium-config" not found\n' };
    }
    if (line.includes('get daemonset kube-proxy')) return parts.socketLb ? '' : 'daemonset.apps/kube-proxy\n';
    return undefined;
  };
}

const needsBoth: Scenario = {
  id: 'needs-ingress-and-socket-lb',
  seed: '003',
  title: 'needs ingress-nginx and Cilium socket LB',
  breaks: '-',
  symptom: '-',
  fix: '-',
  targets: ['kind'],
  requires: ['ingress-nginx', 'cilium-socket-lb'],
  lab: () => ({ deployments: [], services: [] }),
  steps: [],
};

describe('KindTarget.missingParts (fake kubectl)', () => {
  it('names each missing part and how to get it', async () => {
    const target = new KindTarget({ runner: new FakeCommandRunner(cluster({ ingress: false, socketLb: false })) });
    const missing = await target.missingParts(['ingress-nginx', 'cilium-socket-lb']);
    assert.equal(missing.length, 2);
    assert.match(missing[0], /^ingress-nginx \(no ingress-nginx-controller Service in namespace ingress-nginx: scripts\/cluster\/create-cluster\.sh --ingress\)$/);
    assert.match(missing[1], /^Cilium's socket LB \(this cluster translates Services with kube-proxy: .*cilium-kube-proxy-free/);
  });

  it('finds nothing missing on a Cilium kube-proxy-free cluster with ingress-nginx', async () => {
    const target = new KindTarget({ runner: new FakeCommandRunner(cluster({ ingress: true, socketLb: true })) });
    assert.deepEqual(await target.missingParts(['ingress-nginx', 'cilium-socket-lb']), []);
  });

  it('kube-proxy: missing on the kube-proxy-free cluster, naming kind/cluster.yaml; present on a kube-proxy cluster', async () => {
    const free = new KindTarget({ runner: new FakeCommandRunner(cluster({ ingress: false, socketLb: true })) });
    assert.deepEqual(await free.missingParts(['kube-proxy']), [
      "kube-proxy (this cluster translates Services with Cilium's socket LB: kind/cluster.yaml (scripts/cluster/create-cluster.sh), or kind/cilium-kube-proxy-partial.yaml (--config cilium-kube-proxy-partial))",
    ]);
    const kubeProxy = new KindTarget({ runner: new FakeCommandRunner(cluster({ ingress: false, socketLb: false })) });
    assert.deepEqual(await kubeProxy.missingParts(['kube-proxy']), []);
  });

  it('cilium-policy: missing without Cilium agents, naming where they were looked for; present with one', async () => {
    const agents = (names: string) => new FakeCommandRunner((c) => (c.args.join(' ').includes('get pods -l k8s-app=cilium -o name') ? names : undefined));
    assert.deepEqual(await new KindTarget({ runner: agents('') }).missingParts(['cilium-policy']), [
      'Cilium enforcing NetworkPolicies (no k8s-app=cilium pod in namespace kube-system: a kit cluster, npm run test:kind or kind/offline/README.md)',
    ]);
    assert.deepEqual(await new KindTarget({ runner: agents('pod/cilium-x2k9d\n') }).missingParts(['cilium-policy']), []);
  });

  it('a kubectl failure is an error quoting kubectl, not a missing part', async () => {
    const ingressForbidden = failing('get service ingress-nginx-controller', FORBIDDEN);
    await assert.rejects(new KindTarget({ runner: ingressForbidden }).missingParts(['ingress-nginx']), /get service ingress-nginx-controller .*exit code 1: Error from server \(Forbidden\)/);
    const ciliumForbidden = failing('get configmap cilium-config', FORBIDDEN);
    await assert.rejects(new KindTarget({ runner: ciliumForbidden }).missingParts(['cilium-socket-lb']), /get configmap cilium-config .*exit code 1: Error from server \(Forbidden\)/);
    const timedOut = failing('get daemonset kube-proxy', TIMEOUT);
    await assert.rejects(new KindTarget({ runner: timedOut }).missingParts(['cilium-socket-lb']), /get daemonset kube-proxy .*i\/o timeout/);
  });
});

/** kubectl's answers when the user may not read a resource, or the API server is not reachable. */
const FORBIDDEN = { code: 1, stdout: '', stderr: 'Error from server (Forbidden): services "ingress-nginx-controller" is forbidden: User "dev" cannot get resource "services"\n' };
const TIMEOUT = { code: 1, stdout: '', stderr: 'Unable to connect to the server: dial tcp 172.18.0.3:6443: i/o timeout\n' };

/** A cluster with both parts whose kubectl fails for the command containing `command`. */
function failing(command: string, result: typeof FORBIDDEN): FakeCommandRunner {
  const parts = cluster({ ingress: true, socketLb: true });
  return new FakeCommandRunner((c) => (c.args.join(' ').includes(command) ? result : parts(c)));
}

describe('runScenario with a cluster that lacks a part', () => {
  it('reports the scenario as not run, naming the part, and installs nothing', async () => {
    const runner = new FakeCommandRunner(cluster({ ingress: false, socketLb: true }));
    const result = await runScenario(needsBoth, { targetName: 'kind', createTarget: () => new KindTarget({ runner }) });
    assert.equal(result.status, 'not-run');
    assert.match(result.reason ?? '', /^not run here: needs ingress-nginx \(/);
    assert.deepEqual(result.steps, []);
    assert.ok(!runner.calls.some((c) => c.tool === 'helm'), 'no helm command: the lab was not installed');
  });

  it('fails the scenario with kubectl\'s error when the parts cannot be read, and installs nothing', async () => {
    const runner = failing('get service ingress-nginx-controller', FORBIDDEN);
    const result = await runScenario(needsBoth, { targetName: 'kind', createTarget: () => new KindTarget({ runner }) });
    assert.equal(result.status, 'failed');
    assert.match(result.reason ?? '', /^lab: kubectl .*get service ingress-nginx-controller .*Forbidden/);
    assert.deepEqual(result.steps.map((s) => `${s.phase} ${s.title} ${s.status}`), ['lab check the cluster parts failed']);
    assert.ok(!runner.calls.some((c) => c.tool === 'helm'), 'no helm command: the lab was not installed');
  });
});

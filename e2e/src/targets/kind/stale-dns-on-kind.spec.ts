// stale-dns-server run through the kind target on the two clusters it is written for, with a fake kubectl and helm
// (`npm test` runs without a cluster; `npm run test:kind` runs the scenario on real Cilium and nginx): a local HTTP server plays the chart's nginx behind the fake
// port-forward, answering 500 from a CoreDNS restart under the socket LB without socket termination until
// `nginx -s reload`, and logging as nginx does; the agents' monitors are fake streams. What is checked is which steps
// run on which cluster, the commands, and the evidence labels, not Cilium's behaviour.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isolateTempDir } from '@faultline/test-support';
import { runScenario, type ScenarioResult } from '../../scenarios/runner';
import { staleDnsServer } from '../../scenarios/stale-dns-server';
import { FakeCommandRunner, type RecordedCommand, type Reply } from './fake-command-runner';
import { KindTarget } from './kind-target';
import { clusterReplies, pod } from './kube-fixtures';

isolateTempDir();

const KUBE_DNS = { kind: 'Service', metadata: { name: 'kube-dns' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] } };
const stamp = () => new Date().toISOString().replace('Z', '000000Z');
const nginxTime = () => new Date().toISOString().replace('T', ' ').replace(/-/g, '/').slice(0, 19);

/** One fake cluster: its Service translation, CoreDNS pods, Cilium's config, and the nginx pod the server plays. */
class FakeCluster {
  generation = 0;
  terminate = 'false';
  broken = false;
  readonly logs: string[] = [];
  server: http.Server | undefined;
  port = 0;

  constructor(readonly socketLb: boolean) {}

  private log(text: string) {
    this.logs.push(`[pod/auth-proxy-5b7c9d8f6-q2w3e/auth-proxy] ${stamp()} ${text}`);
  }

  async listen(): Promise<void> {
    this.server = http.createServer((_req, res) => {
      if (this.broken) {
        this.log(`${nginxTime()} [error] 7#7: *41 external-server.faultline.svc.cluster.local could not be resolved (110: Operation timed out), client: 127.0.0.1, server: , request: "GET / HTTP/1.1", subrequest: "/_external-auth", host: "127.0.0.1"`);
        this.log(`${nginxTime()} [error] 7#7: *41 auth request unexpected status: 502 while sending to client, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", host: "127.0.0.1"`);
      }
      res.writeHead(this.broken ? 500 : 200, { 'content-type': 'text/html' });
      res.end(this.broken ? '<html><center><h1>500 Internal Server Error</h1></center></html>' : '<html>store-front</html>');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server?.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private corednsPods() {
    const ips = [`10.244.1.${10 + this.generation}`, `10.244.2.${10 + this.generation}`];
    return { kind: 'List', items: ips.map((ip, i) => ({ ...pod(`coredns-${this.generation}-${i}`, 'coredns', ip, 53), metadata: { name: `coredns-${this.generation}-${i}`, labels: { 'k8s-app': 'kube-dns' } } })) };
  }

  reply = (c: RecordedCommand): Reply | undefined => {
    const line = c.args.join(' ');
    if (line.includes('get configmap cilium-config')) {
      const data = this.socketLb
        ? { 'kube-proxy-replacement': 'true', 'bpf-lb-sock': 'true', 'bpf-lb-sock-terminate-pod-connections': this.terminate }
        : { 'kube-proxy-replacement': 'false', 'bpf-lb-sock': 'false' };
      return { data };
    }
    if (line.includes('get daemonset kube-proxy')) return this.socketLb ? '' : 'daemonset.apps/kube-proxy\n';
    if (line.includes('get service kube-dns')) return KUBE_DNS;
    if (line.includes('get pods -l k8s-app=kube-dns')) return this.corednsPods();
    if (line.includes('get pods -l app=auth-proxy')) return { kind: 'List', items: [pod('auth-proxy-5b7c9d8f6-q2w3e', 'auth-proxy', '10.244.1.5', 8080)] };
    if (line.includes('get pods -l k8s-app=cilium')) return { kind: 'List', items: ['cilium-4xk2p', 'cilium-8q7zt'].map((name) => ({ metadata: { name }, status: { phase: 'Running' } })) };
    if (line.includes('rollout restart deployment coredns')) {
      this.generation += 1;
      this.broken = this.socketLb && this.terminate !== 'true';
      return 'deployment.apps/coredns restarted\n';
    }
    if (line.includes('rollout') || line.includes('wait --for=delete')) return '';
    if (line.includes('patch configmap cilium-config')) {
      this.terminate = JSON.parse(c.args[c.args.indexOf('-p') + 1]).data['bpf-lb-sock-terminate-pod-connections'];
      return 'configmap/cilium-config patched\n';
    }
    if (line.includes('exec deploy/auth-proxy -- nginx -s reload')) {
      this.broken = false;
      this.log(`${nginxTime()} [notice] 1#1: signal 1 (SIGHUP) received from 52, reconfiguring`);
      return '';
    }
    if (line.includes('logs -l app=auth-proxy')) return `${this.logs.join('\n')}\n`;
    return undefined;
  };
}

async function runOn(cluster: FakeCluster): Promise<{ result: ScenarioResult; runner: FakeCommandRunner }> {
  const runner = new FakeCommandRunner(clusterReplies(cluster.reply), (resource) => (resource === 'svc/auth-proxy' ? cluster.port : 40_000), (stream) => {
    stream.write('Press Ctrl-C to quit');
    // The agent on the nginx pod's node prints the drop of its query to the old CoreDNS pod (when the socket stays there).
    setTimeout(() => cluster.broken && stream.write(`xx drop (Stale or unroutable IP) flow 0x29e44ff to endpoint 0, ifindex 5, file bpf_lxc.c:1281, , identity 10977->unknown: 10.244.1.5:46958 -> 10.244.1.10:53 udp`), 300);
  });
  const result = await runScenario(staleDnsServer, { targetName: 'kind', createTarget: () => new KindTarget({ runner }) });
  return { result, runner };
}

const summary = (result: ScenarioResult) => result.steps.map((s) => `${s.status} ${s.phase} ${s.title}`);

describe('stale-dns-server on kind clusters (fake kubectl and helm, a local server as nginx)', () => {
  const clusters = { free: new FakeCluster(true), kubeProxy: new FakeCluster(false) };
  before(() => Promise.all(Object.values(clusters).map((c) => c.listen())));
  after(() => Promise.all(Object.values(clusters).map((c) => c.close())));

  it('kube-proxy-free: the socket-LB break, symptom, fix and the socket-termination step run; the kube-proxy step is not run here', { timeout: 60_000 }, async () => {
    const { result, runner } = await runOn(clusters.free);
    assert.equal(result.status, 'passed', `${result.reason}\n${JSON.stringify(result.steps, null, 1)}`);
    assert.deepEqual(summary(result).map((s) => s.split(' ').slice(0, 2).join(' ')), [
      'passed lab',
      'passed setup',
      'passed break',
      'passed symptom',
      'passed fix',
      'passed after',
      'passed after',
      'skipped after',
      'passed lab',
    ]);
    const kubeProxy = result.steps.find((s) => s.title.startsWith('with kube-proxy'));
    assert.match(kubeProxy?.error ?? '', /^not run here: needs kube-proxy \(this cluster translates Services with Cilium's socket LB: kind\/cluster\.yaml/);
    assert.match(result.reason ?? '', /^passed with what this cluster can show; steps not run here need kube-proxy/);

    const symptom = result.steps.find((s) => s.phase === 'symptom');
    const nginx = symptom?.evidence.find((e) => e.source.startsWith('kubectl -n faultline logs -l app=auth-proxy'));
    assert.match(nginx?.source ?? '', /\(nginx configured like ingress-nginx auth-url\)$/);
    assert.match(nginx?.text ?? '', /could not be resolved \(110: Operation timed out\)[\s\S]*auth request unexpected status: 502/);
    const drops = symptom?.evidence.find((e) => e.source.includes('cilium-dbg monitor --type drop'));
    assert.equal(drops?.source, 'kubectl -n kube-system exec <pod> -c cilium-agent -- cilium-dbg monitor --type drop, every agent (k8s-app=cilium)');
    assert.match(drops?.text ?? '', /^cilium-\w+: xx drop \(Stale or unroutable IP\) .* -> 10\.244\.1\.10:53 udp$/m);
    assert.match(drops?.text ?? '', /CoreDNS pod addresses before the restart: 10\.244\.1\.10, 10\.244\.2\.10/);

    const termination = result.steps.find((s) => s.title.includes('socket termination'));
    assert.match(termination?.evidence.map((e) => e.text).join('\n') ?? '', /no drop events from 2 agents in \d+ s/);
    const lines = runner.lines();
    const on = lines.indexOf(`kubectl -n kube-system patch configmap cilium-config --type merge -p '{"data":{"bpf-lb-sock-terminate-pod-connections":"true"}}'`);
    const off = lines.indexOf(`kubectl -n kube-system patch configmap cilium-config --type merge -p '{"data":{"bpf-lb-sock-terminate-pod-connections":"false"}}'`);
    assert.ok(on > 0 && off > on, 'termination on, then back off');
    assert.equal(lines.filter((l) => l === 'kubectl -n kube-system rollout restart daemonset/cilium').length, 2, 'the agents restarted after each change');
    assert.equal(clusters.free.terminate, 'false', 'left as found');
    assert.ok(runner.streams.length >= 2 && runner.streams.every((s) => s.stopped), 'every agent monitor stopped');
  });

  it('kube-proxy: the comparison runs for real (10 × 200, a CoreDNS restart, 10 × 200 without a reload); the socket-LB steps are not run here', { timeout: 60_000 }, async () => {
    const { result, runner } = await runOn(clusters.kubeProxy);
    assert.equal(result.status, 'passed', `${result.reason}\n${JSON.stringify(result.steps, null, 1)}`);
    for (const step of result.steps.filter((s) => s.phase !== 'lab' && !s.title.startsWith('with kube-proxy'))) {
      assert.equal(step.status, 'skipped', step.title);
      assert.match(step.error ?? '', /^not run here: needs Cilium's socket LB \(this cluster translates Services with kube-proxy: kind\/cilium-kube-proxy-free\.yaml/);
    }
    const contrast = result.steps.find((s) => s.title.startsWith('with kube-proxy'));
    assert.equal(contrast?.status, 'passed');
    const text = contrast?.evidence.map((e) => `[${e.source}] ${e.text}`).join('\n') ?? '';
    assert.match(text, /with per-packet Service translation, before the cluster DNS restart[\s\S]*before: 10\.244\.1\.10, 10\.244\.2\.10\nafter: {2}10\.244\.1\.11, 10\.244\.2\.11/);
    assert.equal((text.match(/Status Code: 200/g) ?? []).length, 20);
    assert.ok(!runner.lines().some((l) => l.includes('nginx -s reload') || l.includes('patch configmap')), 'no reload, no Cilium change');
  });
});

// The kind target's cluster DNS control through a fake kubectl: no Kubernetes API, Cilium or CoreDNS can
// exist on this machine, so these tests assert the exact commands and the reading of the kube-dns Service,
// CoreDNS pods, Cilium's ConfigMap and CoreDNS log lines, written in the shapes the API and CoreDNS print.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeCommandRunner, type RecordedCommand, type Reply } from './fake-command-runner';
import { KindTarget } from './kind-target';
import { serviceModeOf } from './kind-cluster-dns';
import { pod } from './kube-fixtures';

const KUBE_DNS = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: {
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
    ],
  },
};

/** Cilium 1.16's cilium-config as kind/cilium/kube-proxy-free.values.yaml leaves it (trimmed). */
const CILIUM_KUBE_PROXY_FREE = { kind: 'ConfigMap', data: { 'kube-proxy-replacement': 'true', 'bpf-lb-sock': 'true', 'bpf-lb-sock-terminate-pod-connections': 'false' } };
const CILIUM_PARTIAL = { kind: 'ConfigMap', data: { 'kube-proxy-replacement': 'false', 'bpf-lb-sock': 'false', 'enable-node-port': 'true' } };
const NOT_FOUND = { code: 1, stdout: '', stderr: 'Error from server (NotFound): configmaps "cilium-config" not found\n' };

/** CoreDNS pods as `kubectl -n kube-system get pods -l k8s-app=kube-dns -o json` lists them (labels trimmed). */
const corednsPods = (...names: [string, string][]) => ({
  kind: 'List',
  items: names.map(([name, ip]) => ({ ...pod(name, 'coredns', ip, 53), metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } as { name: string; deletionTimestamp?: string } })),
});

function kubectl(state: { cilium: Reply; kubeProxy: boolean; pods: () => object; logs?: string }) {
  return (c: RecordedCommand): Reply | undefined => {
    const line = c.args.join(' ');
    if (line.includes('get configmap cilium-config')) return state.cilium;
    if (line.includes('get daemonset kube-proxy')) return state.kubeProxy ? 'daemonset.apps/kube-proxy\n' : '';
    if (line.includes('get service kube-dns')) return KUBE_DNS;
    if (line.includes('get pods -l k8s-app=kube-dns')) return state.pods();
    if (line.includes('logs -l k8s-app=kube-dns')) return state.logs ?? '';
    if (line.includes('rollout') || line.includes('nginx -s reload')) return '';
    return undefined;
  };
}

describe('KindTarget.clusterDns (fake kubectl: no cluster exists here)', () => {
  it('service(): the kube-dns ClusterIP, the running CoreDNS pods, and the mode read from Cilium (socket LB on a kube-proxy-free cluster)', async () => {
    const runner = new FakeCommandRunner(kubectl({ cilium: CILIUM_KUBE_PROXY_FREE, kubeProxy: false, pods: () => corednsPods(['coredns-668d6bf9bc-4kq7x', '10.244.0.3'], ['coredns-668d6bf9bc-9zt2m', '10.244.0.4']) }));
    const target = new KindTarget({ runner, context: 'kind-faultline-bpf' });
    const info = await target.clusterDns.service();
    assert.deepEqual(info, { address: '10.96.0.10:53', mode: 'socket-lb', endpoints: ['10.244.0.3:53', '10.244.0.4:53'] });
    assert.deepEqual(runner.lines(), [
      'kubectl --context kind-faultline-bpf -n kube-system get service kube-dns -o json',
      'kubectl --context kind-faultline-bpf -n kube-system get pods -l k8s-app=kube-dns -o json',
      'kubectl --context kind-faultline-bpf -n kube-system get configmap cilium-config -o json',
      'kubectl --context kind-faultline-bpf -n kube-system get daemonset kube-proxy --ignore-not-found -o name',
    ]);
    await target.clusterDns.setServiceMode('socket-lb');
    await assert.rejects(
      target.clusterDns.setServiceMode('kube-proxy'),
      /translated in socket-lb mode and that is fixed when the cluster is created: kube-proxy needs a cluster from kind\/cilium-kube-proxy-partial\.yaml \(scripts\/cluster\/create-cluster\.sh --config cilium-kube-proxy-partial --ingress\)/,
    );
    assert.equal(runner.lines().filter((l) => l.includes('cilium-config')).length, 1, 'the mode is read once');
  });

  it('setServiceMode(socket-lb) on a kube-proxy cluster fails naming the kube-proxy-free config', async () => {
    const runner = new FakeCommandRunner(kubectl({ cilium: CILIUM_PARTIAL, kubeProxy: true, pods: () => corednsPods() }));
    const target = new KindTarget({ runner });
    await assert.rejects(target.clusterDns.setServiceMode('socket-lb'), /socket-lb needs a cluster from kind\/cilium-kube-proxy-free\.yaml \(scripts\/cluster\/create-cluster\.sh --config cilium-kube-proxy-free --ingress\)/);
    await target.clusterDns.setServiceMode('kube-proxy');
  });

  it('serviceModeOf: Cilium with socket LB, kube-proxy (with Cilium hybrid or without Cilium), or unknown', () => {
    assert.equal(serviceModeOf(CILIUM_KUBE_PROXY_FREE, false), 'socket-lb');
    assert.equal(serviceModeOf({ data: { 'kube-proxy-replacement': 'strict', 'bpf-lb-sock': 'true' } }, false), 'socket-lb');
    assert.equal(serviceModeOf(CILIUM_PARTIAL, true), 'kube-proxy');
    assert.equal(serviceModeOf(undefined, true), 'kube-proxy', 'kind/cluster.yaml: kindnet and kube-proxy');
    assert.equal(serviceModeOf({ data: { 'kube-proxy-replacement': 'true', 'bpf-lb-sock': 'false' } }, false), undefined);
  });

  it('a cluster with neither kube-proxy nor Cilium socket LB is an error saying so', async () => {
    const runner = new FakeCommandRunner(kubectl({ cilium: NOT_FOUND, kubeProxy: false, pods: () => corednsPods() }));
    await assert.rejects(new KindTarget({ runner }).clusterDns.setServiceMode('socket-lb'), /cannot tell how this cluster translates Service addresses/);
  });

  it('rolloutRestart(): rollout restart + rollout status of coredns, the pod IPs before and after (terminating pods left out)', async () => {
    let restarted = false;
    const runner = new FakeCommandRunner((c) => {
      if (c.args.includes('restart')) restarted = true;
      return kubectl({
        cilium: CILIUM_KUBE_PROXY_FREE,
        kubeProxy: false,
        pods: () => {
          if (!restarted) return corednsPods(['coredns-668d6bf9bc-4kq7x', '10.244.0.3'], ['coredns-668d6bf9bc-9zt2m', '10.244.0.4']);
          const old = corednsPods(['coredns-668d6bf9bc-4kq7x', '10.244.0.3']).items[0];
          old.metadata.deletionTimestamp = '2025-03-01T10:01:00Z';
          return { kind: 'List', items: [old, ...corednsPods(['coredns-7d4b8c9f6-h2k8m', '10.244.1.17'], ['coredns-7d4b8c9f6-p9x3z', '10.244.2.21']).items] };
        },
      })(c);
    });
    const target = new KindTarget({ runner });
    assert.deepEqual(await target.clusterDns.rolloutRestart(), { before: ['10.244.0.3', '10.244.0.4'], after: ['10.244.1.17', '10.244.2.21'] });
    assert.deepEqual(runner.lines(), [
      'kubectl -n kube-system get pods -l k8s-app=kube-dns -o json',
      'kubectl -n kube-system rollout restart deployment coredns',
      'kubectl -n kube-system rollout status deployment coredns --timeout=180s',
      'kubectl -n kube-system get pods -l k8s-app=kube-dns -o json',
    ]);
  });

  it('podQueries(): CoreDNS log lines per CoreDNS pod; drops() is empty (it takes cilium monitor on a node)', async () => {
    const logs = [
      '[pod/coredns-7d4b8c9f6-h2k8m/coredns] 2025-03-01T10:02:00.100000000Z [INFO] 10.244.1.30:40211 - 511 "A IN external-server.faultline.svc.cluster.local. udp 61 false 512" NOERROR qr,aa,rd 118 0.000211s',
      '[pod/coredns-7d4b8c9f6-p9x3z/coredns] 2025-03-01T10:02:01.000000000Z [INFO] plugin/reload: Running configuration SHA512 = 591c',
      '',
    ].join('\n');
    const runner = new FakeCommandRunner(
      kubectl({ cilium: CILIUM_KUBE_PROXY_FREE, kubeProxy: false, logs, pods: () => corednsPods(['coredns-7d4b8c9f6-h2k8m', '10.244.1.17'], ['coredns-7d4b8c9f6-p9x3z', '10.244.2.21']) }),
    );
    const target = new KindTarget({ runner });
    const perPod = await target.clusterDns.podQueries();
    assert.match(runner.lines()[1], /^kubectl -n kube-system logs -l k8s-app=kube-dns --prefix --timestamps --tail=-1 --since-time=\S+Z$/);
    assert.deepEqual(
      perPod.map((p) => [p.pod, p.ip, p.queries.map((q) => `${q.src} ${q.name} ${q.rcode}`)]),
      [
        ['coredns-7d4b8c9f6-h2k8m', '10.244.1.17', ['10.244.1.30:40211 external-server.faultline.svc.cluster.local. NOERROR']],
        ['coredns-7d4b8c9f6-p9x3z', '10.244.2.21', []],
      ],
    );
    assert.deepEqual(await target.clusterDns.drops(), []);
  });

  it("signalPods('auth-proxy', SIGHUP): nginx -s reload in the ingress-nginx controller; anything else is refused, naming why", async () => {
    const runner = new FakeCommandRunner(kubectl({ cilium: CILIUM_KUBE_PROXY_FREE, kubeProxy: false, pods: () => corednsPods() }));
    const target = new KindTarget({ runner, context: 'kind-faultline-bpf' });
    assert.deepEqual(await target.clusterDns.signalPods('auth-proxy', 'SIGHUP'), ['deploy/ingress-nginx-controller']);
    assert.deepEqual(runner.lines(), ['kubectl --context kind-faultline-bpf -n ingress-nginx exec deploy/ingress-nginx-controller -- nginx -s reload']);
    await assert.rejects(target.clusterDns.signalPods('retry-backend', 'SIGTERM'), /SIGTERM to retry-backend: not supported by the kind target \(only SIGHUP to auth-proxy/);
  });
});

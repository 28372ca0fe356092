// The kind target's cluster DNS control through a fake kubectl: no Kubernetes API, Cilium or CoreDNS can
// exist on this machine, so these tests assert the exact commands and the reading of the kube-dns Service,
// CoreDNS pods, Cilium's ConfigMap, CoreDNS log lines and the agents' drop monitors, written in the shapes the API,
// CoreDNS and cilium-dbg print.
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

/** Cilium's cilium-config as kind/cilium/kube-proxy-free.values.yaml leaves it (trimmed). */
const CILIUM_KUBE_PROXY_FREE = { kind: 'ConfigMap', data: { 'kube-proxy-replacement': 'true', 'bpf-lb-sock': 'true', 'bpf-lb-sock-terminate-pod-connections': 'false' } };
const CILIUM_PARTIAL = { kind: 'ConfigMap', data: { 'kube-proxy-replacement': 'false', 'bpf-lb-sock': 'false', 'enable-node-port': 'true' } };
const NOT_FOUND = { code: 1, stdout: '', stderr: 'Error from server (NotFound): configmaps "cilium-config" not found\n' };

/** CoreDNS pods as `kubectl -n kube-system get pods -l k8s-app=kube-dns -o json` lists them (labels trimmed). */
const corednsPods = (...names: [string, string][]) => ({
  kind: 'List',
  items: names.map(([name, ip]) => ({ ...pod(name, 'coredns', ip, 53), metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } as { name: string; deletionTimestamp?: string } })),
});

/** The Cilium agents as `kubectl -n kube-system get pods -l k8s-app=cilium -o json` lists them (trimmed). */
const ciliumAgents = (...names: string[]) => ({ kind: 'List', items: names.map((name) => ({ metadata: { name, labels: { 'k8s-app': 'cilium' } }, status: { phase: 'Running' } })) });

function kubectl(state: { cilium: Reply; kubeProxy: boolean; pods: () => object; logs?: string; agents?: object }) {
  return (c: RecordedCommand): Reply | undefined => {
    const line = c.args.join(' ');
    if (line.includes('get configmap cilium-config')) return state.cilium;
    if (line.includes('get pods -l k8s-app=cilium')) return state.agents ?? ciliumAgents();
    if (line.includes('get daemonset kube-proxy')) return state.kubeProxy ? 'daemonset.apps/kube-proxy\n' : '';
    if (line.includes('get service kube-dns')) return KUBE_DNS;
    if (line.includes('get pods -l k8s-app=kube-dns')) return state.pods();
    if (line.includes('logs -l k8s-app=kube-dns')) return state.logs ?? '';
    if (line.includes('rollout') || line.includes('wait --for=delete') || line.includes('nginx -s reload') || line.includes('patch configmap cilium-config')) return '';
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
      /translated in socket-lb mode and that is fixed when the cluster is created: kube-proxy needs a cluster from kind\/cluster\.yaml \(scripts\/cluster\/create-cluster\.sh\), or kind\/cilium-kube-proxy-partial\.yaml/,
    );
    assert.equal(runner.lines().filter((l) => l.includes('cilium-config')).length, 1, 'the mode is read once');
  });

  it('setServiceMode(socket-lb) on a kube-proxy cluster fails naming the kube-proxy-free config', async () => {
    const runner = new FakeCommandRunner(kubectl({ cilium: CILIUM_PARTIAL, kubeProxy: true, pods: () => corednsPods() }));
    const target = new KindTarget({ runner });
    await assert.rejects(target.clusterDns.setServiceMode('socket-lb'), /socket-lb needs a cluster from kind\/cilium-kube-proxy-free\.yaml \(scripts\/cluster\/create-cluster\.sh --config cilium-kube-proxy-free\)/);
    await target.clusterDns.setServiceMode('kube-proxy');
  });

  it('serviceModeOf: Cilium with socket LB, kube-proxy (with Cilium hybrid or without Cilium), or unknown', () => {
    assert.equal(serviceModeOf(CILIUM_KUBE_PROXY_FREE, false), 'socket-lb');
    assert.equal(serviceModeOf({ data: { 'kube-proxy-replacement': 'strict', 'bpf-lb-sock': 'true' } }, false), 'socket-lb');
    assert.equal(serviceModeOf(CILIUM_PARTIAL, true), 'kube-proxy');
    assert.equal(serviceModeOf({ data: { 'kube-proxy-replacement': 'false', 'bpf-lb-sock': 'false' } }, true), 'kube-proxy', 'kind/cluster.yaml: Cilium as the CNI, kube-proxy');
    assert.equal(serviceModeOf(undefined, true), 'kube-proxy', 'kube-proxy without Cilium');
    assert.equal(serviceModeOf({ data: { 'kube-proxy-replacement': 'true', 'bpf-lb-sock': 'false' } }, false), undefined);
  });

  it('a cluster with neither kube-proxy nor Cilium socket LB is an error saying so', async () => {
    const runner = new FakeCommandRunner(kubectl({ cilium: NOT_FOUND, kubeProxy: false, pods: () => corednsPods() }));
    await assert.rejects(new KindTarget({ runner }).clusterDns.setServiceMode('socket-lb'), /cannot tell how this cluster translates Service addresses/);
  });

  it('rolloutRestart(): the agents\' drop watch first, then rollout restart + rollout status of coredns, a wait until the old pods are gone, the pod IPs before and after (terminating pods left out)', async () => {
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
      'kubectl -n kube-system get pods -l k8s-app=cilium -o json',
      'kubectl -n kube-system get pods -l k8s-app=kube-dns -o json',
      'kubectl -n kube-system rollout restart deployment coredns',
      'kubectl -n kube-system rollout status deployment coredns --timeout=180s',
      'kubectl -n kube-system wait --for=delete pod/coredns-668d6bf9bc-4kq7x pod/coredns-668d6bf9bc-9zt2m --timeout=120s',
      'kubectl -n kube-system get pods -l k8s-app=kube-dns -o json',
    ]);
  });

  it('podQueries(): CoreDNS log lines per CoreDNS pod; drops() is empty before any watch', async () => {
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

  it("signalPods('auth-proxy', SIGHUP): nginx -s reload in the chart's auth-proxy pod, in the lab's namespace; anything else is refused, naming why", async () => {
    const runner = new FakeCommandRunner(kubectl({ cilium: CILIUM_KUBE_PROXY_FREE, kubeProxy: false, pods: () => corednsPods() }));
    const target = new KindTarget({ runner, context: 'kind-faultline-bpf', namespace: 'lab-3' });
    assert.deepEqual(await target.clusterDns.signalPods('auth-proxy', 'SIGHUP'), ['deploy/auth-proxy']);
    assert.deepEqual(runner.lines(), ['kubectl --context kind-faultline-bpf -n lab-3 exec deploy/auth-proxy -- nginx -s reload']);
    assert.equal(target.clusterDns.sources.signalPods('auth-proxy', 'SIGHUP'), 'kubectl -n lab-3 exec deploy/auth-proxy -- nginx -s reload');
    await assert.rejects(target.clusterDns.signalPods('retry-backend', 'SIGTERM'), /SIGTERM to retry-backend: not supported by the kind target \(only SIGHUP to auth-proxy: nginx -s reload\)/);
  });

  it("drops(): every agent's monitor started before the restart; the DNS drops it printed, raw lines kept; stop() ends the monitors", async () => {
    const runner = new FakeCommandRunner(
      kubectl({ cilium: CILIUM_KUBE_PROXY_FREE, kubeProxy: false, pods: () => corednsPods(['coredns-668d6bf9bc-4kq7x', '10.244.2.3']), agents: ciliumAgents('cilium-4xk2p', 'cilium-8q7zt', 'cilium-m2n9d') }),
      undefined,
      (stream) => ['Listening for events on 2 CPUs with 64x4096 of shared memory', 'Press Ctrl-C to quit'].forEach((line) => stream.write(line)),
    );
    const target = new KindTarget({ runner });
    const since = Date.now();
    await target.clusterDns.rolloutRestart();
    assert.deepEqual(
      runner.streams.map((s) => s.args.join(' ')),
      ['cilium-4xk2p', 'cilium-8q7zt', 'cilium-m2n9d'].map((pod) => `-n kube-system exec ${pod} -c cilium-agent -- cilium-dbg monitor --type drop`),
    );
    assert.deepEqual(await target.clusterDns.drops(since), []);
    assert.match(target.clusterDns.dropsWatched(since), /^3 agents in \d+ s$/);
    const stale = 'xx drop (Stale or unroutable IP) flow 0x29e44ff to endpoint 0, ifindex 5, file bpf_lxc.c:1281, , identity 10977->unknown: 10.244.1.5:46958 -> 10.244.2.3:53 udp';
    runner.streams[1].write(stale);
    runner.streams[2].write('xx drop (Unsupported L3 protocol) flow 0x0 to endpoint 0, ifindex 9, file bpf_lxc.c:2212, , identity 37216->unknown: fe80::c85a:63ff:fe03:5b66 -> ff02::2 RouterSolicitation');
    const drops = await target.clusterDns.drops(since);
    assert.deepEqual(drops.map(({ client, endpoint, reason, line, watcher }) => ({ client, endpoint, reason, line, watcher })), [
      { client: '10.244.1.5:46958', endpoint: '10.244.2.3:53', reason: 'Stale or unroutable IP', line: stale, watcher: 'cilium-8q7zt' },
    ]);
    assert.equal(target.clusterDns.sources.drops(), 'kubectl -n kube-system exec <pod> -c cilium-agent -- cilium-dbg monitor --type drop, every agent (k8s-app=cilium)');
    await target.stop().catch(() => undefined);
    assert.ok(runner.streams.every((s) => s.stopped), 'every monitor is stopped by the target');
  });

  it("setSocketTermination(): patches cilium-config, restarts the agents and waits; stop() puts the value found back", async () => {
    const config = { data: { ...CILIUM_KUBE_PROXY_FREE.data } as Record<string, string> };
    const runner = new FakeCommandRunner((c) => {
      const line = c.args.join(' ');
      if (line.includes('patch configmap cilium-config')) {
        config.data['bpf-lb-sock-terminate-pod-connections'] = JSON.parse(c.args[c.args.indexOf('-p') + 1]).data['bpf-lb-sock-terminate-pod-connections'];
        return 'configmap/cilium-config patched\n';
      }
      return kubectl({ cilium: config, kubeProxy: false, pods: () => corednsPods() })(c);
    });
    const target = new KindTarget({ runner });
    await target.clusterDns.setSocketTermination(true);
    assert.deepEqual(runner.lines(), [
      'kubectl -n kube-system get configmap cilium-config -o json',
      `kubectl -n kube-system patch configmap cilium-config --type merge -p '{"data":{"bpf-lb-sock-terminate-pod-connections":"true"}}'`,
      'kubectl -n kube-system rollout restart daemonset/cilium',
      'kubectl -n kube-system rollout status daemonset/cilium --timeout=300s',
    ]);
    assert.equal(
      target.clusterDns.sources.socketTermination?.(true),
      'kubectl -n kube-system patch configmap cilium-config (bpf-lb-sock-terminate-pod-connections: "true"); kubectl -n kube-system rollout restart daemonset/cilium; kubectl -n kube-system rollout status daemonset/cilium',
    );
    runner.calls.length = 0;
    // A step that failed before setting it back: the target's stop() does.
    await target.stop().catch(() => undefined);
    assert.ok(runner.lines().includes(`kubectl -n kube-system patch configmap cilium-config --type merge -p '{"data":{"bpf-lb-sock-terminate-pod-connections":"false"}}'`), runner.lines().join('\n'));
    assert.equal(config.data['bpf-lb-sock-terminate-pod-connections'], 'false');
    runner.calls.length = 0;
    await target.clusterDns.setSocketTermination(false);
    assert.deepEqual(runner.lines(), ['kubectl -n kube-system get configmap cilium-config -o json'], 'already off: no restart');
  });
});

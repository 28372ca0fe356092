/** kind cluster configs: the default, seed 001's layout, seed 003's two Cilium clusters and the three-broker one, each with Cilium as its CNI. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoPath } from './repo';

interface KindConfig {
  kind: string;
  apiVersion: string;
  networking?: { disableDefaultCNI?: boolean; kubeProxyMode?: string; serviceSubnet?: string };
  nodes: { role: string }[];
}
const load = (name: string) => parse(readFileSync(repoPath('kind', name), 'utf8')) as KindConfig;
const roles = (c: KindConfig) => c.nodes.map((n) => n.role);

describe('kind configs', () => {
  for (const file of ['cluster.yaml', 'multi-node.yaml', 'ha-broker.yaml', 'cilium-kube-proxy-free.yaml', 'cilium-kube-proxy-partial.yaml']) {
    it(`${file} is a kind v1alpha4 Cluster with the Service range kind/values.yaml relies on`, () => {
      const config = load(file);
      assert.equal(config.kind, 'Cluster');
      assert.equal(config.apiVersion, 'kind.x-k8s.io/v1alpha4');
      assert.equal(config.networking?.serviceSubnet, '10.96.0.0/16');
      assert.ok(roles(config).includes('control-plane'));
    });
  }

  it('multi-node.yaml has seed 001 layout: 3 control-plane nodes and 3 workers', () => {
    const r = roles(load('multi-node.yaml'));
    assert.equal(r.filter((x) => x === 'control-plane').length, 3);
    assert.equal(r.filter((x) => x === 'worker').length, 3);
  });

  it('ha-broker.yaml has a worker per broker of rabbitmq.replicas: 3 (one control plane, 3 workers)', () => {
    const r = roles(load('ha-broker.yaml'));
    assert.deepEqual(r, ['control-plane', 'worker', 'worker', 'worker']);
  });

  it('every layout leaves the CNI to Cilium, with the values create-cluster.sh gives it; kube-proxy is off only in the kube-proxy free one', () => {
    const valuesOf = (layout: string) => parse(readFileSync(repoPath('kind/cilium', `${layout}.values.yaml`), 'utf8'));
    for (const [file, layout] of [['cluster.yaml', 'kube-proxy'], ['multi-node.yaml', 'kube-proxy'], ['ha-broker.yaml', 'kube-proxy'], ['cilium-kube-proxy-free.yaml', 'kube-proxy-free'], ['cilium-kube-proxy-partial.yaml', 'kube-proxy-partial']]) {
      assert.equal(load(file).networking?.disableDefaultCNI, true, file);
      assert.equal(valuesOf(layout).ipam.mode, 'kubernetes', layout);
    }
    assert.equal(load('cilium-kube-proxy-free.yaml').networking?.kubeProxyMode, 'none');
    assert.equal(load('cilium-kube-proxy-partial.yaml').networking?.kubeProxyMode, 'iptables');
    assert.equal(load('cluster.yaml').networking?.kubeProxyMode, undefined);
    assert.equal(valuesOf('kube-proxy-free').kubeProxyReplacement, true);
    assert.equal(valuesOf('kube-proxy-free').socketLB.enabled, true);
    // The seed's clusters: sockets to a deleted backend stay open (Cilium 1.20's default closes them).
    assert.equal(valuesOf('kube-proxy-free').socketLB.terminatePodConnections, false);
    for (const layout of ['kube-proxy', 'kube-proxy-partial']) {
      assert.equal(valuesOf(layout).kubeProxyReplacement, false, layout);
      assert.equal(valuesOf(layout).socketLB.enabled, false, layout);
    }
    const script = readFileSync(repoPath('scripts/cluster/create-cluster.sh'), 'utf8');
    assert.match(script, /kind\/cilium\/\$\{cilium_layout\}\.values\.yaml/);
  });

  it("the offline kit's Cilium values run the kit's image, without the operator, and never ask for CAP_SYS_RESOURCE", () => {
    const values = parse(readFileSync(repoPath('kind/offline/cilium.values.yaml'), 'utf8'));
    assert.equal(values.image.pullPolicy, 'Never');
    assert.equal(values.image.useDigest, false);
    assert.equal(values.operator.enabled, false);
    const components = readFileSync(repoPath('kind/offline/components.tsv'), 'utf8');
    assert.match(components, new RegExp(`\\s${values.image.repository.replace(/\./g, '\\.')}:${values.image.tag}$`, 'm'));
    for (const list of Object.values(values.securityContext.capabilities) as string[][]) {
      assert.ok(list.length > 0 && !list.includes('SYS_RESOURCE'), list.join(' '));
    }
  });

  it('the DNS address pinned for kind lies in the kind Service range, away from kube-dns (10.96.0.10)', () => {
    const ip = (parse(readFileSync(repoPath('kind/values.yaml'), 'utf8')) as { apps: Record<string, { service: { clusterIP: string } }> }).apps['dns-server'].service.clusterIP;
    assert.match(ip, /^10\.96\.0\.\d+$/);
    assert.notEqual(ip, '10.96.0.10');
  });
});

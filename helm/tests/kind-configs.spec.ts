/** kind cluster configs: the default, seed 001's layout and seed 003's two Cilium clusters. */
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
  for (const file of ['cluster.yaml', 'multi-node.yaml', 'cilium-kube-proxy-free.yaml', 'cilium-kube-proxy-partial.yaml']) {
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

  it('the Cilium clusters have no default CNI; kube-proxy is off only in the kube-proxy free one', () => {
    const free = load('cilium-kube-proxy-free.yaml');
    const partial = load('cilium-kube-proxy-partial.yaml');
    assert.equal(free.networking?.disableDefaultCNI, true);
    assert.equal(partial.networking?.disableDefaultCNI, true);
    assert.equal(free.networking?.kubeProxyMode, 'none');
    assert.equal(partial.networking?.kubeProxyMode, 'iptables');
    const freeValues = parse(readFileSync(repoPath('kind/cilium/kube-proxy-free.values.yaml'), 'utf8'));
    const partialValues = parse(readFileSync(repoPath('kind/cilium/kube-proxy-partial.values.yaml'), 'utf8'));
    assert.equal(freeValues.kubeProxyReplacement, true);
    assert.equal(freeValues.socketLB.enabled, true);
    assert.equal(partialValues.kubeProxyReplacement, false);
    assert.equal(partialValues.socketLB.enabled, false);
  });

  it('the DNS address pinned for kind lies in the kind Service range, away from kube-dns (10.96.0.10)', () => {
    const ip = (parse(readFileSync(repoPath('kind/values.yaml'), 'utf8')) as { apps: Record<string, { service: { clusterIP: string } }> }).apps['dns-server'].service.clusterIP;
    assert.match(ip, /^10\.96\.0\.\d+$/);
    assert.notEqual(ip, '10.96.0.10');
  });
});

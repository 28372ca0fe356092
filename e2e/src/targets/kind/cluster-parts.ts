/**
 * Which parts a scenario (or one of its steps) needs this cluster lacks (kind target): the ingress-nginx
 * controller that scripts/cluster/create-cluster.sh --ingress installs, Cilium's socket LB (the
 * cilium-kube-proxy-free layout) and kube-proxy (kind/cluster.yaml, cilium-kube-proxy-partial). Read with kubectl;
 * each missing part is one line saying what to create. A kubectl failure (forbidden, timeout, wrong context) is
 * not a missing part: it throws, and the scenario fails with it.
 */
import type { DnsServiceMode } from '../cluster-dns-control';
import type { ClusterPart } from '../target';
import type { CommandRunner } from './command-runner';
import { CLUSTER_FOR_MODE, type KindClusterDns } from './kind-cluster-dns';

export interface ClusterPartsOptions {
  runner: CommandRunner;
  kubectl: (args: readonly string[], namespace?: string) => string[];
  clusterDns: KindClusterDns;
  ingressNamespace?: string;
}

/** The parts that are a Service translation, and how each reads in a "needs ..." line. */
const TRANSLATION: Partial<Record<ClusterPart, DnsServiceMode>> = { 'cilium-socket-lb': 'socket-lb', 'kube-proxy': 'kube-proxy' };
const MODE_NAME: Record<DnsServiceMode, string> = { 'socket-lb': "Cilium's socket LB", 'kube-proxy': 'kube-proxy' };

export async function missingClusterParts(parts: readonly ClusterPart[], options: ClusterPartsOptions): Promise<string[]> {
  const missing: string[] = [];
  for (const part of new Set(parts)) {
    const wanted = TRANSLATION[part];
    if (wanted) {
      const mode = await options.clusterDns.detectMode();
      if (mode !== wanted) {
        missing.push(`${MODE_NAME[wanted]} (this cluster translates Services with ${mode ? MODE_NAME[mode] : 'an unknown mode'}: ${CLUSTER_FOR_MODE[wanted]})`);
      }
      continue;
    }
    const namespace = options.ingressNamespace ?? 'ingress-nginx';
    const args = options.kubectl(['get', 'service', 'ingress-nginx-controller', '--ignore-not-found', '-o', 'name'], namespace);
    const found = await options.runner.run('kubectl', args);
    if (!found.stdout.trim()) {
      missing.push(`ingress-nginx (no ingress-nginx-controller Service in namespace ${namespace}: scripts/cluster/create-cluster.sh --ingress)`);
    }
  }
  return missing;
}

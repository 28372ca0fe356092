/**
 * Which parts a scenario needs this cluster lacks (kind target): the ingress-nginx controller that
 * scripts/cluster/create-cluster.sh --ingress installs, and Cilium's socket LB (the cilium-kube-proxy-free
 * layout). Read with kubectl; each missing part is one line saying what to create. A kubectl failure
 * (forbidden, timeout, wrong context) is not a missing part: it throws, and the scenario fails with it.
 */
import type { ClusterPart } from '../target';
import type { CommandRunner } from './command-runner';
import { CLUSTER_FOR_MODE, type KindClusterDns } from './kind-cluster-dns';

export interface ClusterPartsOptions {
  runner: CommandRunner;
  kubectl: (args: readonly string[], namespace?: string) => string[];
  clusterDns: KindClusterDns;
  ingressNamespace?: string;
}

export async function missingClusterParts(parts: readonly ClusterPart[], options: ClusterPartsOptions): Promise<string[]> {
  const missing: string[] = [];
  for (const part of new Set(parts)) {
    if (part === 'ingress-nginx') {
      const namespace = options.ingressNamespace ?? 'ingress-nginx';
      const args = options.kubectl(['get', 'service', 'ingress-nginx-controller', '--ignore-not-found', '-o', 'name'], namespace);
      const found = await options.runner.run('kubectl', args);
      if (!found.stdout.trim()) {
        missing.push(`ingress-nginx (no ingress-nginx-controller Service in namespace ${namespace}: scripts/cluster/create-cluster.sh --ingress)`);
      }
    } else {
      const mode = await options.clusterDns.detectMode();
      if (mode !== 'socket-lb') missing.push(`Cilium's socket LB (this cluster translates Services with ${mode ?? 'an unknown mode'}: ${CLUSTER_FOR_MODE['socket-lb']})`);
    }
  }
  return missing;
}

/**
 * Which parts a scenario (or one of its steps) needs this cluster lacks (kind target): the ingress-nginx
 * controller that scripts/cluster/create-cluster.sh --ingress installs, Cilium's socket LB (the
 * cilium-kube-proxy-free layout), kube-proxy (kind/cluster.yaml, cilium-kube-proxy-partial) and Flagger with its
 * Gateway (scripts/cluster/install-flagger.sh), and Cilium's agents that enforce NetworkPolicies. Read with kubectl;
 * each missing part is one line saying what to create. A kubectl failure (forbidden, timeout, wrong context) is
 * not a missing part: it throws, and the scenario fails with it.
 */
import type { DnsServiceMode } from '../cluster-dns-control';
import type { ClusterPart } from '../target';
import type { CommandRunner } from './command-runner';
import { CILIUM_AGENT_SELECTOR } from './cilium-drops';
import { FLAGGER_DEPLOYMENT, FLAGGER_NAMESPACE, GATEWAY, ROUTER_NAMESPACE } from './flagger-canary';
import { CLUSTER_FOR_MODE, type KindClusterDns } from './kind-cluster-dns';

export interface ClusterPartsOptions {
  runner: CommandRunner;
  kubectl: (args: readonly string[], namespace?: string) => string[];
  clusterDns: KindClusterDns;
  ingressNamespace?: string;
  /** Where Cilium's agents run (kube-system). */
  ciliumNamespace?: string;
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
    if (part === 'cilium-policy') {
      const namespace = options.ciliumNamespace ?? 'kube-system';
      const agents = await options.runner.run('kubectl', options.kubectl(['get', 'pods', '-l', CILIUM_AGENT_SELECTOR, '-o', 'name'], namespace));
      if (!agents.stdout.trim()) missing.push(`Cilium enforcing NetworkPolicies (no ${CILIUM_AGENT_SELECTOR} pod in namespace ${namespace}: a kit cluster, npm run test:kind or kind/offline/README.md)`);
      continue;
    }
    if (part === 'flagger') {
      const lacks = await missingFlagger(options);
      if (lacks) missing.push(lacks);
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

/** What of Flagger's setup is absent, or undefined; a Gateway API that is not installed counts as absent. */
async function missingFlagger(options: ClusterPartsOptions): Promise<string | undefined> {
  const how = 'scripts/cluster/install-flagger.sh';
  const flagger = await options.runner.run('kubectl', options.kubectl(['get', 'deployment', FLAGGER_DEPLOYMENT, '--ignore-not-found', '-o', 'name'], FLAGGER_NAMESPACE));
  if (!flagger.stdout.trim()) return `Flagger (no Deployment ${FLAGGER_DEPLOYMENT} in namespace ${FLAGGER_NAMESPACE}: ${how})`;
  const gateway = await options.runner.run('kubectl', options.kubectl(['get', 'gateway', GATEWAY, '--ignore-not-found', '-o', 'name'], ROUTER_NAMESPACE), { allowFailure: true });
  if (gateway.code !== 0 && /doesn't have a resource type/.test(gateway.stderr)) return `the Gateway API (its CRDs are not installed: ${how})`;
  if (gateway.code !== 0) throw new Error(`kubectl get gateway ${GATEWAY} -n ${ROUTER_NAMESPACE}: ${gateway.stderr.trim()}`);
  if (!gateway.stdout.trim()) return `a Gateway for Flagger's routes (no Gateway ${GATEWAY} in namespace ${ROUTER_NAMESPACE}: ${how})`;
  return undefined;
}

/**
 * The local target's evidence sources (see ../evidence-sources.ts): the lab plays the cluster's parts
 * itself, so each label names the stand-in that produced the text, never the real tool it stands in for.
 * The parts of the lab that are the real thing name themselves elsewhere: Prometheus (Debian's) in the
 * scraped texts' `# source:` line, `ig` in its own trace evidence.
 */
import type { ClusterDnsSources, EvidenceSources, IngressSources } from '../evidence-sources';
import type { DnsRole } from '../target';

export const LAB_SUPERVISOR = 'the lab supervisor (kubelet stand-in)';
export const LAB_CLUSTER_DNS = 'the lab DNS (CoreDNS stand-in)';
export const LAB_INGRESS = 'the ingress-nginx stand-in';

export const localSources: EvidenceSources = {
  logs: (deployment) => `${deployment}'s log, as ${LAB_SUPERVISOR} captured it`,
  pods: (deployment) => (deployment ? `${LAB_SUPERVISOR}: pods of ${deployment}` : LAB_SUPERVISOR),
  services: () => "the lab's Services (kube-proxy stand-in)",
  setEnv: (deployment) => `${LAB_SUPERVISOR}: ${deployment} restarted with the new environment`,
  dnsQueries: (role: DnsRole) => (role === 'cluster' ? `${LAB_CLUSTER_DNS} query log` : 'the upstream DNS (faultline dns-server) query log'),
  serviceRequests: (service) => `the harness's requests to Service ${service} (kube-proxy stand-in)`,
  podRequest: (url) => `the harness's pod-like request to ${url} (resolved through the lab DNS with the pod's search list)`,
};

export const localClusterDnsSources: ClusterDnsSources = {
  service: () => 'the kube-dns Service stand-in',
  rolloutRestart: () => `${LAB_CLUSTER_DNS}: pods moved to new addresses`,
  drops: () => "the kube-dns stand-in's drop log",
  podQueries: () => `${LAB_CLUSTER_DNS} pods' query logs`,
  signalPods: (deployment, signal) => `${LAB_SUPERVISOR}: ${signal} to ${deployment}'s processes`,
};

export const localIngressSources: IngressSources = {
  ingress: (host) => `${LAB_INGRESS}: the Ingress pair for ${host}`,
  requests: () => `the harness's requests through ${LAB_INGRESS}`,
};

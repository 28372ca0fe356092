/**
 * The kind target's evidence sources (see ../evidence-sources.ts): the kubectl command it ran, with its
 * namespace and selector, or the lab's own API it read through a port-forward.
 */
import type { ClusterDnsSources, EvidenceSources, IngressSources } from '../evidence-sources';
import type { DnsRole } from '../target';
import { CILIUM_AGENT_CONTAINER, CILIUM_AGENT_SELECTOR, DROP_MONITOR } from './cilium-drops';
import { CILIUM_CONFIG, CILIUM_DAEMONSET, SOCKET_TERMINATION_KEY } from './cilium-socket-termination';
import { COREDNS_SELECTOR } from './log-lines';
import { PROBE_POD } from './pod-curl';

export interface KindSourceNames {
  namespace: string;
  release: string;
  /** Where CoreDNS and Cilium run (kube-system). */
  dnsNamespace?: string;
  /** The label selector of a lab Deployment's pods (the chart's). */
  selector: (deployment: string) => string;
  /** The Deployment resource a lab Deployment is in the chart. */
  resource: (deployment: string) => string;
  /** What answers as a lab Deployment or Service when it is not the app of that name (auth-proxy: nginx); undefined otherwise. */
  playedBy: (name: string) => string | undefined;
}

const dnsNs = (names: Pick<KindSourceNames, 'dnsNamespace'>) => names.dnsNamespace ?? 'kube-system';
const played = (names: Pick<KindSourceNames, 'playedBy'>, name: string) => {
  const by = names.playedBy(name);
  return by ? ` (${by})` : '';
};

export function kindSources(names: KindSourceNames): EvidenceSources {
  const ns = `-n ${names.namespace}`;
  return {
    logs: (deployment) => `kubectl ${ns} logs -l ${names.selector(deployment)}${played(names, deployment)}`,
    pods: (deployment) => `kubectl ${ns} get pods -l ${deployment ? names.selector(deployment) : `app.kubernetes.io/instance=${names.release}`}`,
    services: () => `kubectl ${ns} get services,endpointslices`,
    setEnv: (deployment) => `kubectl ${ns} set env deployment/${names.resource(deployment)}`,
    dnsQueries: (role: DnsRole) =>
      role === 'cluster' ? `kubectl -n ${dnsNs(names)} logs -l ${COREDNS_SELECTOR} (CoreDNS log plugin)` : 'the upstream DNS (faultline dns-server) query log, GET /queries',
    serviceRequests: (service) => `the harness's requests to ${service}${played(names, service)} through kubectl ${ns} port-forward svc/${service}`,
    podRequest: (url) => `kubectl ${ns} exec ${PROBE_POD} -- curl ${url}`,
  };
}

export function kindClusterDnsSources(names: { dnsNamespace?: string; labNamespace: string }): ClusterDnsSources {
  const ns = `-n ${dnsNs(names)}`;
  return {
    service: () => `kubectl ${ns} get service kube-dns; kubectl ${ns} get pods -l ${COREDNS_SELECTOR}`,
    rolloutRestart: () => `kubectl ${ns} rollout restart deployment coredns; kubectl ${ns} get pods -l ${COREDNS_SELECTOR}`,
    drops: () => `kubectl ${ns} exec <pod> -c ${CILIUM_AGENT_CONTAINER} -- ${DROP_MONITOR.join(' ')}, every agent (${CILIUM_AGENT_SELECTOR})`,
    podQueries: () => `kubectl ${ns} logs -l ${COREDNS_SELECTOR} (CoreDNS log plugin), by pod`,
    signalPods: (deployment) => `kubectl -n ${names.labNamespace} exec deploy/${deployment} -- nginx -s reload`,
    socketTermination: (on) =>
      `kubectl ${ns} patch configmap ${CILIUM_CONFIG} (${SOCKET_TERMINATION_KEY}: "${on}"); kubectl ${ns} rollout restart daemonset/${CILIUM_DAEMONSET}; kubectl ${ns} rollout status daemonset/${CILIUM_DAEMONSET}`,
  };
}

export function kindIngressSources(names: { namespace: string; controllerNamespace?: string; controllerService?: string }): IngressSources {
  return {
    ingress: (host) => `kubectl -n ${names.namespace} get ingress -o json (the pair for ${host})`,
    requests: () => `the harness's requests through ingress-nginx (kubectl -n ${names.controllerNamespace ?? 'ingress-nginx'} port-forward svc/${names.controllerService ?? 'ingress-nginx-controller'})`,
  };
}

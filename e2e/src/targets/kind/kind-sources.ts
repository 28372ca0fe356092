/**
 * The kind target's evidence sources (see ../evidence-sources.ts): the kubectl command it ran, with its
 * namespace and selector, or the lab's own API it read through a port-forward.
 */
import type { ClusterDnsSources, EvidenceSources, IngressSources } from '../evidence-sources';
import type { DnsRole } from '../target';
import { COREDNS_SELECTOR } from './log-lines';
import { PROBE_POD } from './pod-curl';

export interface KindSourceNames {
  namespace: string;
  release: string;
  /** Where CoreDNS runs (kube-system). */
  dnsNamespace?: string;
  /** Where the ingress-nginx controller runs (ingress-nginx). */
  controllerNamespace?: string;
  controllerDeployment?: string;
  /** The label selector of a lab Deployment's pods (the chart's). */
  selector: (deployment: string) => string;
  /** The Deployment resource a lab Deployment is in the chart. */
  resource: (deployment: string) => string;
  /** The Host header of the Ingress by which ingress-nginx reaches `service`; undefined for a port-forwarded Service. */
  ingressHost: (service: string) => string | undefined;
  controllerService?: string;
}

const dnsNs = (names: Pick<KindSourceNames, 'dnsNamespace'>) => names.dnsNamespace ?? 'kube-system';

export function kindSources(names: KindSourceNames): EvidenceSources {
  const ns = `-n ${names.namespace}`;
  return {
    logs: (deployment) => `kubectl ${ns} logs -l ${names.selector(deployment)}`,
    pods: (deployment) => `kubectl ${ns} get pods -l ${deployment ? names.selector(deployment) : `app.kubernetes.io/instance=${names.release}`}`,
    services: () => `kubectl ${ns} get services,endpointslices`,
    setEnv: (deployment) => `kubectl ${ns} set env deployment/${names.resource(deployment)}`,
    dnsQueries: (role: DnsRole) =>
      role === 'cluster' ? `kubectl -n ${dnsNs(names)} logs -l ${COREDNS_SELECTOR} (CoreDNS log plugin)` : 'the upstream DNS (faultline dns-server) query log, GET /queries',
    serviceRequests: (service) => {
      const host = names.ingressHost(service);
      if (!host) return `the harness's requests to ${service} through kubectl ${ns} port-forward svc/${service}`;
      const controller = `kubectl -n ${names.controllerNamespace ?? 'ingress-nginx'} port-forward svc/${names.controllerService ?? 'ingress-nginx-controller'}`;
      return `the harness's requests to ${service} through ingress-nginx (${controller}, Host ${host})`;
    },
    podRequest: (url) => `kubectl ${ns} exec ${PROBE_POD} -- curl ${url}`,
  };
}

export function kindClusterDnsSources(names: Pick<KindSourceNames, 'dnsNamespace' | 'controllerNamespace' | 'controllerDeployment'>): ClusterDnsSources {
  const ns = `-n ${dnsNs(names)}`;
  return {
    service: () => `kubectl ${ns} get service kube-dns; kubectl ${ns} get pods -l ${COREDNS_SELECTOR}`,
    rolloutRestart: () => `kubectl ${ns} rollout restart deployment coredns; kubectl ${ns} get pods -l ${COREDNS_SELECTOR}`,
    drops: () => 'nothing observed: the kind target does not run cilium monitor',
    podQueries: () => `kubectl ${ns} logs -l ${COREDNS_SELECTOR} (CoreDNS log plugin), by pod`,
    signalPods: () =>
      `kubectl -n ${names.controllerNamespace ?? 'ingress-nginx'} exec deploy/${names.controllerDeployment ?? 'ingress-nginx-controller'} -- nginx -s reload`,
  };
}

export function kindIngressSources(names: { namespace: string; controllerNamespace?: string; controllerService?: string }): IngressSources {
  return {
    ingress: (host) => `kubectl -n ${names.namespace} get ingress -o json (the pair for ${host})`,
    requests: () => `the harness's requests through ingress-nginx (kubectl -n ${names.controllerNamespace ?? 'ingress-nginx'} port-forward svc/${names.controllerService ?? 'ingress-nginx-controller'})`,
  };
}

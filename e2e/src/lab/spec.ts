/**
 * A lab as a cluster would describe it: Deployments (an app, its replicas, its container port and
 * environment) and Services (a name with port and targetPort selecting a Deployment's pods).
 * Scenarios declare the lab they need; a target makes it real.
 */
export interface DeploymentSpec {
  /** Deployment name; also the pods' app label and OTEL_SERVICE_NAME unless `serviceName` says otherwise. */
  name: string;
  /** Which app under apps/ runs in its pods. */
  app: string;
  replicas?: number;
  /** The container port (PORT in the pod). */
  port: number;
  env?: Record<string, string>;
  /** Service name on spans (defaults to the app name). */
  serviceName?: string;
}

export interface ServiceSpec {
  name: string;
  /** Port clients connect to on the Service's ClusterIP. */
  port: number;
  /** Port on the pods that traffic is sent to. */
  targetPort: number;
  /** Name of the Deployment whose pods are the endpoints. */
  selector: string;
}

/** The lab's upstream DNS (the "custom DNS server" outside the cluster) and what it resolves. */
export interface UpstreamDnsSpec {
  /** Host names answered by the upstream server, each pointing at a Deployment's first pod. */
  records: Record<string, { deployment: string }>;
}

export interface LabSpec {
  deployments: DeploymentSpec[];
  services: ServiceSpec[];
  upstreamDns?: UpstreamDnsSpec;
  /**
   * The lab needs a broker of its own, which a scenario may kill (broker-pod-loss): the local target starts one for
   * it and points the pods' RABBITMQ_URL there; a cluster's release has its own broker anyway.
   */
  ownBroker?: boolean;
}

export const NAMESPACE = 'default';
/** The lab's DNS deployments: the cluster DNS (CoreDNS's part) and the upstream "custom DNS server". */
export const CLUSTER_DNS_DEPLOYMENT = 'coredns';
export const UPSTREAM_DNS_DEPLOYMENT = 'upstream-dns';
export const CLUSTER_DOMAIN = 'cluster.local';
/** A pod's resolv.conf search list in `namespace`. */
export function searchDomains(namespace = NAMESPACE): string[] {
  return [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
}

export const SEARCH_DOMAINS = searchDomains();

export function serviceFqdn(service: string, namespace = NAMESPACE): string {
  return `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

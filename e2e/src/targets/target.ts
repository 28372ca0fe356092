/**
 * What a scenario can do to and see in a lab, whatever runs it (local processes or a kind cluster).
 * Every method is async so that a cluster target can implement it with its API, Helm and port-forwards.
 */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import type { LabSpec } from '../lab/spec';
import type { HttpResult, RequestOptions } from '../evidence/http';
import type { ClusterDnsControl } from './cluster-dns-control';
import type { BrokerPodControl, ClusterFaults } from './cluster-faults';
import type { EvidenceSources } from './evidence-sources';
import type { CanaryRelease } from './canary-release';
import type { IngressControl } from './ingress-control';
import type { LogLine, LogPredicate } from './local/log-store';

export type { LogLine, LogPredicate };

export interface PodInfo {
  name: string;
  deployment: string;
  ip: string;
  port: number;
  pid?: number;
  restarts: number;
  running: boolean;
}

export interface ServiceInfo {
  name: string;
  clusterIp: string;
  port: number;
  targetPort: number;
  /** Pod IPs that accept on targetPort right now. */
  readyEndpoints: readonly string[];
}

/** One query as the lab DNS logs it (GET /queries on a dns-server), fields as Inspektor Gadget's trace_dns. */
export interface DnsQueryRecord {
  time: string;
  /** Fully qualified, with the trailing dot. */
  name: string;
  qtype: string;
  /** R: a response was sent; Q: no reply. */
  qr: 'Q' | 'R';
  /** null when nothing was sent. */
  rcode: string | null;
  src: string;
  fault?: string;
  forwarded_to?: string;
  forward_error?: string;
  [field: string]: unknown;
}

export type DnsRole = 'cluster' | 'upstream';

/**
 * Parts of a cluster some scenarios (or some of their steps) need beyond a plain kind cluster:
 * - ingress-nginx: its controller (canary-split);
 * - cilium-socket-lb: Services translated by Cilium's socket LB, without kube-proxy (kind/cilium-kube-proxy-free.yaml);
 * - kube-proxy: Services translated by kube-proxy, packet by packet (kind/cluster.yaml, cilium-kube-proxy-partial);
 * - flagger: Flagger's controller and the Gateway its gatewayapi provider routes on (scripts/cluster/install-flagger.sh);
 * - cilium-policy: Cilium enforcing the lab's NetworkPolicies (its agents in kube-system; the offline kit's clusters).
 */
export type ClusterPart = 'ingress-nginx' | 'cilium-socket-lb' | 'kube-proxy' | 'flagger' | 'cilium-policy';

export interface TraceFilter {
  serviceName?: string;
  spanName?: string;
  /** Microseconds. */
  minDuration?: number;
  limit?: number;
}

export interface Target {
  readonly name: 'local' | 'kind';
  /** The namespace the lab's pods and Services live in: it is the first search domain of their resolv.conf. */
  readonly namespace: string;
  /** The label of each kind of evidence this target returns: the real command it ran, or its stand-in's name. */
  readonly sources: EvidenceSources;
  /** Brings the lab up: DNS, pods (ready), Services. */
  start(lab: LabSpec): Promise<void>;
  /** Tears everything down; safe to call more than once. */
  stop(): Promise<void>;

  /** Base URL of a Service as the harness reaches it (an ingress or port-forward on a cluster). */
  serviceUrl(service: string): string;
  /**
   * A request made from inside the cluster, as `kubectl exec test-pod -- curl` would: host names resolve
   * through the cluster DNS with the pod's search list and ndots, each request on a new connection.
   */
  podRequest(url: string, options?: RequestOptions): Promise<HttpResult>;

  services(): Promise<ServiceInfo[]>;
  pods(deployment?: string): Promise<PodInfo[]>;
  /** Edits a Service's ports, as `kubectl apply` of a changed manifest. */
  setServicePorts(service: string, ports: { port?: number; targetPort?: number }): Promise<void>;
  /** Changes a Deployment's environment and rolls its pods (waits until they are ready again). */
  setEnv(deployment: string, env: Record<string, string | undefined>): Promise<void>;

  /** Fault switches of every pod of a Deployment, through /admin/faults. */
  getFaults(deployment: string): Promise<Record<string, unknown>[]>;
  setFaults(deployment: string, faults: Record<string, unknown>): Promise<void>;
  clearFaults(deployment: string): Promise<void>;

  logs(deployment: string, options?: { since?: number; match?: LogPredicate }): Promise<LogLine[]>;
  waitForLog(deployment: string, match: LogPredicate, options?: { since?: number; timeoutMs?: number; what?: string }): Promise<LogLine>;

  traces(filter?: TraceFilter): Promise<ZipkinSpan[][]>;
  trace(traceId: string): Promise<ZipkinSpan[] | undefined>;

  /** /metrics text of each pod of a Deployment. */
  scrapeMetrics(deployment: string): Promise<string[]>;
  /** The query log of the cluster DNS or of the upstream DNS. */
  dnsQueries(role: DnsRole): Promise<DnsQueryRecord[]>;
  /** Container restarts of a Deployment's pods, summed. */
  restarts(deployment: string): Promise<number>;
  /** Resident memory of the whole lab, bytes. */
  memory(): Promise<{ totalBytes: number; byPod: Record<string, number> }>;

  /**
   * Which of `parts` this target lacks, each as one line saying what is missing and how to get it (none: the
   * target has them all; a target without this method plays every part itself).
   */
  missingParts?(parts: readonly ClusterPart[]): Promise<string[]>;

  /** The ingress controller with ingress-nginx canary rules (absent on a target that has none). */
  readonly ingress?: IngressControl;
  /** A canary release run by Flagger itself (absent on a target where no Flagger can run). */
  readonly canaryRelease?: CanaryRelease;
  /** The kube-dns Service's translation mode, a rollout restart of the cluster DNS, pod signals (absent when unsupported). */
  readonly clusterDns?: ClusterDnsControl;
  /** The broker's pod deleted, a NetworkPolicy flow removed and the CNI's drops for it (absent when unsupported). */
  readonly clusterFaults?: ClusterFaults;
  /** The lab's broker pod, to delete and see replaced (a cluster's StatefulSet; locally the lab's own broker). */
  readonly brokerControl?: BrokerPodControl;
}

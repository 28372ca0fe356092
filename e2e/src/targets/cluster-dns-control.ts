/**
 * What a scenario can do to the cluster DNS behind the kube-dns Service, and to a pod's main process:
 * - how the Service address is translated to a DNS pod (`kube-proxy`: per packet, through conntrack that
 *   kube-proxy flushes when an endpoint goes away; `socket-lb`: Cilium without kube-proxy, once per
 *   socket at connect(), so a long-lived connected UDP socket stays on the pod it was given);
 * - `kubectl -n kube-system rollout restart deployment coredns`: new DNS pods on new addresses, the old
 *   ones gone;
 * - the datagrams dropped on the way to a DNS pod (what `cilium-dbg monitor --type drop` shows as "Stale or
 *   unroutable IP" when a socket is pinned to a DNS pod that is gone), and what the watch for them covered;
 * - a signal to every pod of a Deployment (SIGHUP: nginx's reload, `nginx -s reload`);
 * - optionally, Cilium's termination of pod sockets whose Service backend was deleted (socket-LB only).
 * Exposed on Target as the optional `clusterDns`; a target without it makes the scenario fail with a
 * clear "not supported by the <name> target".
 */
import type { ClusterDnsSources } from './evidence-sources';
import type { DnsQueryRecord } from './target';

export type DnsServiceMode = 'kube-proxy' | 'socket-lb';

export interface DnsServiceInfo {
  /** The kube-dns Service address as pods' resolv.conf names it (ip:port). */
  address: string;
  mode: DnsServiceMode;
  /** The DNS pods' addresses (ip:port) behind it right now. */
  endpoints: string[];
}

export interface DnsDrop {
  time: string;
  /** The client socket (ip:port) whose datagram was dropped. */
  client: string;
  /** The DNS pod (ip:port) that socket is pinned to, no longer an endpoint. */
  endpoint: string;
  reason: string;
  /** The line as the watcher printed it (a Cilium agent's monitor on a cluster), kept for evidence. */
  line?: string;
  /** Who saw it: the Cilium agent pod on a cluster. */
  watcher?: string;
}

export interface DnsPodQueries {
  pod: string;
  ip: string;
  queries: DnsQueryRecord[];
}

export interface ClusterDnsControl {
  /** Where each of the results below comes from (labels for evidence). */
  readonly sources: ClusterDnsSources;
  service(): Promise<DnsServiceInfo>;
  /** Switches the Service translation; flows seen so far are forgotten (set it before the traffic). */
  setServiceMode(mode: DnsServiceMode): Promise<void>;
  /** New DNS pods on new addresses, ready; the Service's endpoints switched; the old pods stopped. */
  rolloutRestart(): Promise<{ before: string[]; after: string[] }>;
  /** Datagrams to a DNS pod dropped since `since` (ms epoch). */
  drops(since?: number): Promise<DnsDrop[]>;
  /** What the drop watch covered since `since`, for evidence that saw none: "3 agents in 14 s". */
  dropsWatched(since: number): string;
  /** GET /queries of every current DNS pod. */
  podQueries(): Promise<DnsPodQueries[]>;
  /** Sends `signal` to the main process of every pod of a Deployment. */
  signalPods(deployment: string, signal: NodeJS.Signals): Promise<string[]>;
  /**
   * Cilium's socket LB closing the pod sockets connected to a deleted Service backend (its default; off where the
   * symptom is shown): sets it and waits until every agent runs with it. Absent where the Service translation
   * has no such switch (the local kube-dns stand-in).
   */
  setSocketTermination?(on: boolean): Promise<void>;
}

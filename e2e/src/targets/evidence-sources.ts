/**
 * Where a target's evidence comes from, as the label printed beside it: the real tool and the command
 * where the target ran one (`kubectl logs -l app=order-service`), the stand-in by its own name where the
 * target plays that part itself ("the lab supervisor (kubelet stand-in)"). Scenarios take their labels
 * from here and never type a tool's name, so a stand-in's output never prints under a real tool's name.
 * Each target implements these next to the code that gathers the data (local/local-sources.ts,
 * kind/kind-sources.ts).
 */
import type { DnsRole } from './target';

/** Sources of what Target's own methods return. */
export interface EvidenceSources {
  /** logs() and waitForLog() of a Deployment's pods. */
  logs(deployment: string): string;
  /** pods() and restarts(): pod names, addresses, restart counts. */
  pods(deployment?: string): string;
  /** services(): Services, their ports and ready endpoints. */
  services(): string;
  /** setEnv(): the environment change and the rollout it caused. */
  setEnv(deployment: string): string;
  /** dnsQueries(role): the cluster DNS's or the upstream DNS's query log. */
  dnsQueries(role: DnsRole): string;
  /** The harness's requests to serviceUrl(service): what carried them to the Service. */
  serviceRequests(service: string): string;
  /** podRequest(url): a request made from inside the cluster. */
  podRequest(url: string): string;
}

/** Sources of what ClusterDnsControl returns. */
export interface ClusterDnsSources {
  /** service(): the kube-dns Service's address, translation and endpoints. */
  service(): string;
  /** rolloutRestart(): the DNS pods' addresses before and after. */
  rolloutRestart(): string;
  /** drops() and dropsWatched(): datagrams dropped on the way to a DNS pod that is gone. */
  drops(): string;
  /** podQueries(): each DNS pod's query log. */
  podQueries(): string;
  /** signalPods(deployment, signal). */
  signalPods(deployment: string, signal: NodeJS.Signals): string;
  /** setSocketTermination(on), where the target has it. */
  socketTermination?(on: boolean): string;
}

/** Sources of what IngressControl returns and of the requests sent through it. */
export interface IngressSources {
  /** get(host): the Ingress pair, as the controller holds it. */
  ingress(host: string): string;
  /** Requests sent to url(): who routed them. */
  requests(): string;
}

/**
 * The canary analysis is the harness's own on every target (canary/analysis.ts): Flagger's decisions and
 * event wording, run by faultline, not by a Flagger controller (no Canary object exists).
 */
export const CANARY_ANALYSIS_SOURCE = "faultline's canary analysis (Flagger's algorithm, not Flagger)";

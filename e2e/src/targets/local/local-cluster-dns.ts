/**
 * The cluster DNS control of the local target (see ../cluster-dns-control.ts): the kube-dns Service
 * stand-in (dns-service.ts) and its mode, a rollout restart of the cluster DNS pods onto new addresses,
 * the datagrams dropped on stale pins, each DNS pod's query log, and signals to pods' processes.
 */
import { httpRequest } from '../../evidence/http';
import type { ClusterDnsControl, DnsDrop, DnsPodQueries, DnsServiceInfo, DnsServiceMode } from '../cluster-dns-control';
import type { DnsQueryRecord, PodInfo } from '../target';
import type { DnsService } from './dns-service';
import { localClusterDnsSources } from './local-sources';

export interface LocalClusterDnsParts {
  service: () => DnsService | undefined;
  /** Pods of a Deployment (the cluster DNS one is `clusterDnsDeployment`). */
  pods: (deployment: string) => Promise<PodInfo[]>;
  clusterDnsDeployment: string;
  /** New pods on new addresses, ready, endpoints switched, old pods stopped. */
  rolloutToNewAddresses: (deployment: string) => Promise<{ before: string[]; after: string[] }>;
}

export class LocalClusterDns implements ClusterDnsControl {
  readonly sources = localClusterDnsSources;

  constructor(private readonly parts: LocalClusterDnsParts) {}

  private dnsService(): DnsService {
    const service = this.parts.service();
    if (!service) throw new Error('this lab runs without cluster DNS');
    return service;
  }

  async service(): Promise<DnsServiceInfo> {
    const service = this.dnsService();
    return { address: service.address, mode: service.mode, endpoints: service.endpoints() };
  }

  async setServiceMode(mode: DnsServiceMode): Promise<void> {
    this.dnsService().setMode(mode);
  }

  async rolloutRestart(): Promise<{ before: string[]; after: string[] }> {
    this.dnsService();
    return this.parts.rolloutToNewAddresses(this.parts.clusterDnsDeployment);
  }

  async drops(since?: number): Promise<DnsDrop[]> {
    return this.dnsService().drops(since);
  }

  dropsWatched(since: number): string {
    return `the kube-dns stand-in in ${Math.round((Date.now() - since) / 1000)} s`;
  }

  async podQueries(): Promise<DnsPodQueries[]> {
    const pods = await this.parts.pods(this.parts.clusterDnsDeployment);
    return Promise.all(
      pods.map(async (pod) => {
        const result = await httpRequest(`http://${pod.ip}:${pod.port}/queries?limit=2000`, { timeoutMs: 3_000 });
        if (result.status !== 200) throw new Error(`GET /queries on ${pod.name}: ${result.status ?? result.errorCode}`);
        return { pod: pod.name, ip: pod.ip, queries: (result.json as { queries: DnsQueryRecord[] }).queries };
      }),
    );
  }

  async signalPods(deployment: string, signal: NodeJS.Signals): Promise<string[]> {
    const pods = await this.parts.pods(deployment);
    return pods.map((pod) => {
      if (pod.pid === undefined || !pod.running) throw new Error(`pod ${pod.name} has no running process`);
      process.kill(pod.pid, signal);
      return pod.name;
    });
  }
}

/**
 * The local lab's DNS as it runs, started in a pod's dependency order: the public-DNS stand-in, the upstream
 * "custom DNS server" forwarding to it, the cluster DNS forwarding to the upstream, the kube-dns Service in
 * front of the cluster DNS pods (see dns-service.ts), the pods' resolv.conf, and seed 000's anotherapp.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLUSTER_DNS_DEPLOYMENT, type DeploymentSpec, type LabSpec, SEARCH_DOMAINS, UPSTREAM_DNS_DEPLOYMENT } from '../../lab/spec';
import type { DnsServiceMode } from '../cluster-dns-control';
import { DnsService } from './dns-service';
import { AnotherApp, clusterRecords, dnsDeployment, publicDnsStandIn, upstreamRecords } from './lab-dns';
import { type AddressPlan, DNS_PORT } from './net';
import { type ResolvConf, resolvConfText } from './pod-dns';

export interface LabDnsStart {
  lab: LabSpec;
  plan: AddressPlan;
  /** Deployment → its pods' addresses, and Service → its ClusterIP, as the lab placed them. */
  podIps: Map<string, string[]>;
  clusterIps: Map<string, string>;
  /** Where the pods' resolv.conf is written. */
  workdir: string;
  serviceMode?: DnsServiceMode;
  startDeployment(spec: DeploymentSpec, ips: string[]): Promise<void>;
  /** The cluster DNS pods' addresses now (they move on a rollout). */
  clusterDnsPods(): string[];
}

export interface LabDns {
  readonly resolvConf: ResolvConf;
  readonly resolvConfPath: string;
  readonly service: DnsService;
  stop(): Promise<void>;
}

export async function startLabDns(start: LabDnsStart): Promise<LabDns> {
  const { lab, plan } = start;
  const resolvConf: ResolvConf = { nameserver: `${plan.clusterDnsIp}:${DNS_PORT}`, search: SEARCH_DOMAINS, ndots: 5 };
  const resolvConfPath = path.join(start.workdir, 'resolv.conf');
  writeFileSync(resolvConfPath, resolvConfText(resolvConf));
  const publicDnsIp = plan.allocatePodIp();
  await start.startDeployment(publicDnsStandIn(), [publicDnsIp]);
  await start.startDeployment(dnsDeployment(UPSTREAM_DNS_DEPLOYMENT, 'upstream', upstreamRecords(lab, start.podIps), [`${publicDnsIp}:${DNS_PORT}`]), [plan.upstreamDnsIp]);
  await start.startDeployment(
    dnsDeployment(CLUSTER_DNS_DEPLOYMENT, 'cluster', clusterRecords(lab.services, start.clusterIps), [`${plan.upstreamDnsIp}:${DNS_PORT}`]),
    [plan.allocatePodIp()],
  );
  const service = new DnsService({ address: plan.clusterDnsIp, port: DNS_PORT, targetPort: DNS_PORT, mode: start.serviceMode, endpoints: start.clusterDnsPods });
  await service.start();
  const anotherApp = lab.upstreamDns ? new AnotherApp({ ip: plan.allocatePodIp(), nameserver: resolvConf.nameserver }) : undefined;
  anotherApp?.start();
  return {
    resolvConf,
    resolvConfPath,
    service,
    async stop() {
      anotherApp?.stop();
      await service.stop();
    },
  };
}

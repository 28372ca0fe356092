/**
 * The local lab's two DNS deployments, both the dns-server app: the cluster DNS (CoreDNS's part:
 * `<svc>.<ns>.svc.cluster.local` → ClusterIP, the rest forwarded) and the upstream "custom DNS server"
 * (the lab's external names → the pods that play them).
 */
import { CLUSTER_DOMAIN, type DeploymentSpec, type LabSpec, type ServiceSpec, serviceFqdn } from '../../lab/spec';
import type { DnsRole } from '../target';
import { DNS_PORT } from './net';

const DNS_HTTP_PORT = 8080;

export function dnsDeployment(name: string, role: DnsRole, records: Record<string, string[]>, forwarders: string[]): DeploymentSpec {
  return {
    name,
    app: 'dns-server',
    port: DNS_HTTP_PORT,
    serviceName: name,
    env: {
      DNS_ROLE: role,
      DNS_PORT: String(DNS_PORT),
      DNS_RECORDS: JSON.stringify(records),
      DNS_FORWARDERS: forwarders.join(','),
      CLUSTER_DOMAIN,
    },
  };
}

/** The upstream DNS's records: each external name → the first pod of the deployment that plays it. */
export function upstreamRecords(lab: LabSpec, podIps: ReadonlyMap<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(lab.upstreamDns?.records ?? {}).map(([name, { deployment }]) => {
      const ips = podIps.get(deployment);
      if (!ips) throw new Error(`upstream DNS record ${name}: no deployment ${deployment}`);
      return [name, [ips[0]]];
    }),
  );
}

/** The cluster DNS's records: every Service's name in the cluster domain → its ClusterIP. */
export function clusterRecords(services: readonly ServiceSpec[], clusterIps: ReadonlyMap<string, string>): Record<string, string[]> {
  return Object.fromEntries(
    services.map((s) => {
      const ip = clusterIps.get(s.name);
      if (!ip) throw new Error(`cluster DNS record ${serviceFqdn(s.name)}: no ClusterIP for Service ${s.name}`);
      return [serviceFqdn(s.name), [ip]];
    }),
  );
}

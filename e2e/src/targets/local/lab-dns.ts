/**
 * The local lab's DNS deployments, all the dns-server app: the cluster DNS (CoreDNS's part:
 * `<svc>.<ns>.svc.cluster.local` → ClusterIP, the rest forwarded), the upstream "custom DNS server"
 * (the lab's external names → the pods that play them; every other name forwarded, as the seed's dnsmasq
 * forwards to its host's resolver) and, in place of that host's resolver, a public-DNS stand-in on loopback
 * holding a few public names (the lab sends no traffic off the machine). Plus seed 000's "anotherapp",
 * a busybox pod that looks up `microsoft.com.` every 3 s.
 */
import { queryAddresses } from '@faultline/pod-resolver';
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

/** The deployment that plays the host's resolver the upstream DNS forwards to. A stand-in: no real public DNS is asked. */
export const PUBLIC_DNS_STANDIN_DEPLOYMENT = 'public-dns-standin';

/**
 * The public names the stand-in answers, with TEST-NET-1 documentation addresses (RFC 5737): enough for
 * the seed's checks (`dig microsoft.com`, `nslookup example.com`) to get an answer; nothing connects to them.
 */
export const PUBLIC_DNS_STANDIN_RECORDS: Readonly<Record<string, string[]>> = {
  'microsoft.com': ['192.0.2.10'],
  'example.com': ['192.0.2.11'],
};

export function publicDnsStandIn(): DeploymentSpec {
  return dnsDeployment(PUBLIC_DNS_STANDIN_DEPLOYMENT, 'upstream', { ...PUBLIC_DNS_STANDIN_RECORDS }, []);
}

export const ANOTHERAPP_NAME = 'anotherapp';
export const ANOTHERAPP_HOST = 'microsoft.com.';
export const ANOTHERAPP_INTERVAL_MS = 3_000;

export interface AnotherAppOptions {
  /** The pod's address: its queries leave from it, so the DNS query logs name it. */
  ip: string;
  /** The cluster DNS Service, ip:port. */
  nameserver: string;
  intervalMs?: number;
}

/**
 * Seed 000's `kubectl run anotherapp --image=busybox -- sh -c 'while true; do nslookup microsoft.com.; sleep 3; done'`:
 * an A lookup of `microsoft.com.` from its own pod address through the cluster DNS Service every 3 s,
 * with the pod resolver's glibc-like query (one try of 2 s).
 */
export class AnotherApp {
  private timer: NodeJS.Timeout | undefined;
  private lookups = 0;

  constructor(private readonly options: AnotherAppOptions) {}

  get name(): string {
    return ANOTHERAPP_NAME;
  }

  get ip(): string {
    return this.options.ip;
  }

  /** Lookups started so far. */
  get count(): number {
    return this.lookups;
  }

  start(): void {
    if (this.timer) return;
    const [host, port] = this.options.nameserver.split(':');
    const config = { nameservers: [{ host, port: Number(port) }], search: [], ndots: 1, timeoutMs: 2_000, attempts: 1, sourceAddress: this.options.ip };
    const lookup = () => {
      this.lookups += 1;
      void queryAddresses(config, ANOTHERAPP_HOST, 'A').catch(() => undefined);
    };
    lookup();
    this.timer = setInterval(lookup, this.options.intervalMs ?? ANOTHERAPP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

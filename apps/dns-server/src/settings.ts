/** dns-server's own settings (added to the service kit's). */
import type { ConfigSpec } from '@faultline/service-kit';

export const DNS_SETTINGS = {
  dnsPort: { env: 'DNS_PORT', type: 'port', default: 53, help: 'UDP and TCP port for DNS (0: one ephemeral port for both)' },
  dnsHost: { env: 'DNS_HOST', type: 'string', default: '0.0.0.0', help: 'address DNS listens on' },
  dnsRole: {
    env: 'DNS_ROLE',
    type: 'enum',
    values: ['upstream', 'cluster'],
    default: 'upstream',
    help: 'upstream: authoritative for DNS_RECORDS, the rest forwarded (NXDOMAIN without forwarders); cluster: DNS_RECORDS plus CLUSTER_DOMAIN, the rest forwarded',
  },
  dnsRecords: { env: 'DNS_RECORDS', type: 'string', default: '{}', help: 'JSON {"name": ["ip", ...]}: A records for IPv4, AAAA for IPv6' },
  dnsForwarders: {
    env: 'DNS_FORWARDERS',
    type: 'string',
    default: '',
    help: 'comma list of ip[:port] to forward the names not answered locally to; `host`: the nameservers of HOST_RESOLV_CONF',
  },
  hostResolvConf: { env: 'HOST_RESOLV_CONF', type: 'string', default: '/etc/resolv.conf', help: 'the host resolver file that DNS_FORWARDERS=host reads' },
  forwardTimeoutMs: { env: 'FORWARD_TIMEOUT_MS', type: 'int', min: 1, max: 60_000, default: 2000, help: 'how long to wait for the forwarders before SERVFAIL' },
  clusterDomain: { env: 'CLUSTER_DOMAIN', type: 'string', default: 'cluster.local', help: 'cluster role: the zone answered locally (unknown names in it are NXDOMAIN)' },
} as const satisfies ConfigSpec;

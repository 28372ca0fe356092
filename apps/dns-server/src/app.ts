/**
 * dns-server: the lab's DNS. HTTP (the service kit) on PORT for probes, /metrics, /admin/faults and
 * GET /queries; DNS over UDP and TCP on DNS_HOST:DNS_PORT in the role DNS_ROLE names.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type ServiceDefinition } from '@faultline/service-kit';
import { createDnsMetrics } from './dns-metrics';
import { validateDnsFault } from './dns-fault';
import { DnsEngine } from './engine';
import { parseForwarders } from './forwarders';
import { mountQueriesRoute } from './queries-route';
import { QueryLog } from './query-log';
import { isDomainName, parseRecords } from './records';
import { DNS_SETTINGS } from './settings';
import { listenDns } from './transport';

export interface DnsAddress {
  host: string;
  port: number;
}

export interface DnsServerOptions {
  /** Called once UDP and TCP are bound (tests learn the ephemeral port here). */
  onDnsListening?: (address: DnsAddress) => void;
  queryLogSize?: number;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

export function dnsServer(options: DnsServerOptions = {}): ServiceDefinition<typeof DNS_SETTINGS> {
  return {
    name: 'dns-server',
    defaultPort: 8080,
    config: DNS_SETTINGS,
    faults: { dns: validateDnsFault },
    async routes(app, ctx) {
      const { config, log, registry, faults, readiness } = ctx;
      const records = parseRecords(config.dnsRecords);
      const forwarders = parseForwarders(config.dnsForwarders, () => readFileSync(config.hostResolvConf, 'utf8'));
      const problems = [...(records.ok ? [] : records.problems), ...(forwarders.ok ? [] : forwarders.problems)];
      if (!isDomainName(config.clusterDomain)) problems.push(`CLUSTER_DOMAIN="${config.clusterDomain}" is not a domain name`);
      if (!records.ok || !forwarders.ok || problems.length) throw new ConfigError(problems);

      const queryLog = new QueryLog(options.queryLogSize);
      const engine = new DnsEngine({
        role: config.dnsRole,
        records: records.records,
        forwarders: forwarders.forwarders,
        forwardTimeoutMs: config.forwardTimeoutMs,
        clusterDomain: config.clusterDomain,
        sourceAddress: isWildcard(config.dnsHost) ? undefined : config.dnsHost,
        faults,
        log,
        metrics: createDnsMetrics(registry),
        queryLog,
      });
      const listener = await listenDns(config.dnsHost, config.dnsPort, (inbound) => engine.handle(inbound), log);
      log.info('dns listening', {
        role: config.dnsRole,
        host: listener.host,
        port: listener.port,
        records: records.records.size,
        forwarders: forwarders.forwarders.map((f) => f.label),
      });
      let open = true;
      readiness.add('dns', () => open);
      ctx.onShutdown(async () => {
        open = false;
        await listener.close();
      });
      mountQueriesRoute(app, queryLog);
      options.onDnsListening?.({ host: listener.host, port: listener.port });
    },
  };
}

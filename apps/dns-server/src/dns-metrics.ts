/**
 * Prometheus metrics shaped like CoreDNS's (coredns_dns_requests_total, coredns_dns_responses_total,
 * coredns_dns_request_duration_seconds, coredns_forward_*), with bounded labels only: the record type
 * (common types by name, the rest "other"), the transport, the rcode and the configured forwarder.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** CoreDNS's buckets: 0.25 ms doubling up to about 8 s. */
const DURATION_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export interface DnsMetrics {
  requests: Counter<'proto' | 'type'>;
  responses: Counter<'proto' | 'rcode'>;
  duration: Histogram<'proto' | 'type'>;
  malformed: Counter<'proto'>;
  dropped: Counter<'proto'>;
  forwardRequests: Counter<'to'>;
  forwardResponses: Counter<'to' | 'rcode'>;
  forwardErrors: Counter<'to' | 'reason'>;
}

export function createDnsMetrics(registry: Registry): DnsMetrics {
  const registers = [registry];
  return {
    requests: new Counter({ name: 'dns_requests_total', help: 'DNS queries received, by transport and record type.', labelNames: ['proto', 'type'], registers }),
    responses: new Counter({ name: 'dns_responses_total', help: 'DNS responses sent, by transport and response code.', labelNames: ['proto', 'rcode'], registers }),
    duration: new Histogram({
      name: 'dns_request_duration_seconds',
      help: 'Time from receiving a DNS query to answering (or dropping) it.',
      labelNames: ['proto', 'type'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    malformed: new Counter({ name: 'dns_malformed_requests_total', help: 'Packets that could not be decoded as a DNS query.', labelNames: ['proto'], registers }),
    dropped: new Counter({ name: 'dns_dropped_requests_total', help: 'DNS queries deliberately left without a reply (drop fault).', labelNames: ['proto'], registers }),
    forwardRequests: new Counter({ name: 'dns_forward_requests_total', help: 'Queries forwarded upstream, by forwarder.', labelNames: ['to'], registers }),
    forwardResponses: new Counter({ name: 'dns_forward_responses_total', help: 'Upstream responses, by forwarder and response code.', labelNames: ['to', 'rcode'], registers }),
    forwardErrors: new Counter({
      name: 'dns_forward_errors_total',
      help: 'Forwarded queries that got no usable answer (timeout or network error), by forwarder.',
      labelNames: ['to', 'reason'],
      registers,
    }),
  };
}

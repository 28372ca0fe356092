/**
 * The peer of an outgoing call, as OpenTelemetry names it and as Zipkin draws it.
 *
 * - `peer.service` on CLIENT spans: the Service name the call went to, from the host of the URL
 *   (`order-service`, `order-service.default.svc.cluster.local` → `order-service`, `myexternalserver.com.` →
 *   `myexternalserver.com`); none for an IP address or localhost, which name no service.
 * - On the broker's spans: `peer.service=rabbitmq` (the broker is one service whatever address it is reached
 *   at, as Brave's RabbitMQ tracing names it) and the messaging conventions the amqplib instrumentation leaves
 *   out: `messaging.destination.name` (the queue, for the default exchange), `messaging.operation.*`.
 * - Zipkin's `remoteEndpoint` from those attributes, for CLIENT and PRODUCER spans (and CONSUMER), as
 *   OpenTelemetry's Zipkin exporters map them: serviceName from `peer.service`, else the host
 *   (`server.address`), else the peer address; ipv4/ipv6 from `network.peer.address` (else an IP
 *   `server.address`); port from `network.peer.port`, else `server.port`.
 */
import type { Attributes, AttributeValue, Span } from '@opentelemetry/api';
import { isIP } from 'node:net';

const CLUSTER_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?)\.[a-z0-9-]+\.svc(\.|$)/;

/** Host names seen repeat on every call: each is worked out once (up to a bound). */
const peerNames = new Map<string, string | undefined>();
const MAX_PEER_NAMES = 1024;

function bareHost(host: string): string {
  let bare = host.toLowerCase();
  if (bare.startsWith('[') && bare.endsWith(']')) bare = bare.slice(1, -1);
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

/** The service a host name names: a cluster Service's own name, or the host; undefined for addresses. */
export function peerServiceOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  if (peerNames.has(host)) return peerNames.get(host);
  const bare = bareHost(host);
  let name: string | undefined;
  if (bare && bare !== 'localhost' && isIP(bare) === 0) name = CLUSTER_NAME.exec(bare)?.[1] ?? bare;
  if (peerNames.size < MAX_PEER_NAMES) peerNames.set(host, name);
  return name;
}

/** `peer.service` for an outgoing HTTP call to `host`, when the host names a service. */
export function httpPeerAttributes(host: string | undefined): Attributes {
  const name = peerServiceOf(host);
  return name ? { 'peer.service': name } : {};
}

/** The host of an `http://host:port` origin (undici's request.origin). */
export function hostOfOrigin(origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  try {
    return new URL(origin).hostname;
  } catch {
    return undefined;
  }
}

export const BROKER_PEER = 'rabbitmq';

/** A publish to RabbitMQ: the broker as peer, the destination and the operation. */
export function describePublish(span: Span, exchange: string, routingKey: string): void {
  span.setAttributes({
    'peer.service': BROKER_PEER,
    // The default exchange delivers to the queue named by the routing key: that queue is the destination.
    'messaging.destination.name': exchange || routingKey,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'publish',
    ...(routingKey ? { 'messaging.rabbitmq.destination.routing_key': routingKey } : {}),
  });
}

/** A delivery from RabbitMQ: the broker as peer, the destination and the operation. */
export function describeDelivery(span: Span, exchange: string | undefined, routingKey: string | undefined): void {
  span.setAttributes({
    'peer.service': BROKER_PEER,
    'messaging.destination.name': exchange || routingKey || '',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'consume',
  });
}

export interface RemoteEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

function text(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function portOf(value: AttributeValue | undefined): number | undefined {
  const port = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** The remote endpoint the attributes name, or undefined when they name none. */
export function remoteEndpointOf(attributes: Attributes): RemoteEndpoint | undefined {
  const host = text(attributes['server.address']) ?? text(attributes['net.peer.name']);
  const address = text(attributes['network.peer.address']) ?? text(attributes['net.peer.ip']);
  const serviceName = text(attributes['peer.service']) ?? (host ? (peerServiceOf(host) ?? bareHost(host)) : address);
  const endpoint: RemoteEndpoint = {};
  if (serviceName) endpoint.serviceName = serviceName.toLowerCase();
  const ip = address && isIP(address) ? address : host && isIP(bareHost(host)) ? bareHost(host) : undefined;
  if (ip) {
    if (isIP(ip) === 4) endpoint.ipv4 = ip;
    else endpoint.ipv6 = ip;
  }
  const port = portOf(attributes['network.peer.port']) ?? portOf(attributes['server.port']) ?? portOf(attributes['net.peer.port']);
  if (port) endpoint.port = port;
  return endpoint.serviceName || ip || port ? endpoint : undefined;
}

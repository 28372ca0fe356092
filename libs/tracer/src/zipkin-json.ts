/**
 * A finished span as one Zipkin v2 JSON object: the fields OpenTelemetry's Zipkin exporter writes
 * (attributes as tags, otel.status_code, error, dropped counts), times in microseconds, and a remoteEndpoint
 * on CLIENT, PRODUCER and CONSUMER spans from peer.service, server.address and network.peer.* (peer.ts), as
 * the Zipkin exporters of OpenTelemetry's Java SDK and Collector map them. Unlike OpenTelemetry's JS
 * exporter, a 64-bit trace id stays 64 bits long, and the resource adds only the tags that tell instances
 * apart (service.version, service.instance.id, k8s.*): the service name is already the localEndpoint's,
 * and telemetry.sdk.* would repeat the same three values on every span.
 */
import { type Attributes, type AttributeValue, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { shortenTraceId } from './b3';
import { type RemoteEndpoint, remoteEndpointOf } from './peer';

const ZIPKIN_KIND: Partial<Record<SpanKind, string>> = {
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Printable ASCII without `"` and `\`: written between quotes as it is (names, paths, addresses). */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
  }
  return true;
}

function quote(text: string): string {
  return isPlain(text) ? `"${text}"` : JSON.stringify(text);
}

/** Attribute keys repeat on every span: each is written once as `"key":` (up to a bound, against unbounded key sets). */
const keyPrefixes = new Map<string, string>();
const MAX_KEY_PREFIXES = 1024;

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${quote(key)}:`;
    if (keyPrefixes.size < MAX_KEY_PREFIXES) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

/** Zipkin tag values are strings; OpenTelemetry's exporter writes arrays as String(value) too. */
function tagValue(value: AttributeValue): string {
  return typeof value === 'number' || typeof value === 'boolean' ? `"${value}"` : quote(String(value));
}

/** `"key":"value"` pairs joined by commas. */
function tags(attributes: Attributes, keep?: (key: string) => boolean): string {
  let pairs = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null || (keep && !keep(key))) continue;
    pairs += pairs ? `,${keyPrefix(key)}${tagValue(value)}` : keyPrefix(key) + tagValue(value);
  }
  return pairs;
}

const isInstanceTag = (key: string) => key !== 'service.name' && !key.startsWith('telemetry.sdk.');

/** Every span of a provider shares its resource: its tags are written once. */
const resourceTags = new WeakMap<object, string>();

function resourceTagsOf(span: ReadableSpan): string {
  let pairs = resourceTags.get(span.resource);
  if (pairs === undefined) {
    pairs = tags(span.resource.attributes, isInstanceTag);
    resourceTags.set(span.resource, pairs);
  }
  return pairs;
}

function statusTags(span: ReadableSpan): string {
  const { code, message } = span.status;
  let pairs = code === SpanStatusCode.UNSET ? '' : `"otel.status_code":"${SpanStatusCode[code]}"`;
  if (code === SpanStatusCode.ERROR && message) pairs += `,"error":${quote(message)}`;
  if (span.droppedAttributesCount) pairs += `${pairs ? ',' : ''}"otel.dropped_attributes_count":"${span.droppedAttributesCount}"`;
  if (span.droppedEventsCount) pairs += `${pairs ? ',' : ''}"otel.dropped_events_count":"${span.droppedEventsCount}"`;
  if (span.droppedLinksCount) pairs += `${pairs ? ',' : ''}"otel.dropped_links_count":"${span.droppedLinksCount}"`;
  return pairs;
}

/** Comma-joined, leaving out the empty ones. */
function joined(a: string, b: string, c: string): string {
  let all = a;
  if (b) all = all ? `${all},${b}` : b;
  if (c) all = all ? `${all},${c}` : c;
  return all;
}

/** Kinds whose remote side is the peer the attributes name (a SERVER's is its caller, left out). */
const HAS_PEER = new Set<SpanKind>([SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER]);

function endpointJson(endpoint: RemoteEndpoint): string {
  const fields: string[] = [];
  if (endpoint.serviceName) fields.push(`"serviceName":${quote(endpoint.serviceName)}`);
  if (endpoint.ipv4) fields.push(`"ipv4":"${endpoint.ipv4}"`);
  if (endpoint.ipv6) fields.push(`"ipv6":${quote(endpoint.ipv6)}`);
  if (endpoint.port) fields.push(`"port":${endpoint.port}`);
  return `{${fields.join(',')}}`;
}

/** A process has one service name, or a few: each is written once. */
const localEndpoints = new Map<string, string>();

function localEndpointOf(serviceName: string): string {
  let json = localEndpoints.get(serviceName);
  if (json === undefined) {
    json = `,"localEndpoint":{"serviceName":${quote(serviceName)}}`;
    if (localEndpoints.size < MAX_KEY_PREFIXES) localEndpoints.set(serviceName, json);
  }
  return json;
}

export function zipkinJson(span: ReadableSpan, serviceName: string): string {
  const { traceId, spanId } = span.spanContext();
  const parentId = span.parentSpanContext?.spanId;
  const kind = ZIPKIN_KIND[span.kind];
  let json = `{"traceId":"${shortenTraceId(traceId)}","id":"${spanId}"`;
  if (parentId) json += `,"parentId":"${parentId}"`;
  json += `,"name":${quote(span.name)}`;
  if (kind) json += `,"kind":"${kind}"`;
  json += `,"timestamp":${Math.round(hrTimeToMicroseconds(span.startTime))}`;
  // Zipkin's model rounds a duration under a microsecond up to one (0 would read as "unknown").
  json += `,"duration":${Math.max(1, Math.round(hrTimeToMicroseconds(span.duration)))}`;
  json += localEndpointOf(serviceName);
  const remote = HAS_PEER.has(span.kind) ? remoteEndpointOf(span.attributes) : undefined;
  if (remote) json += `,"remoteEndpoint":${endpointJson(remote)}`;
  json += `,"tags":{${joined(tags(span.attributes), statusTags(span), resourceTagsOf(span))}}`;
  if (span.events.length) {
    const annotations = span.events.map(
      (event) => `{"timestamp":${Math.round(hrTimeToMicroseconds(event.time))},"value":${quote(event.name)}}`,
    );
    json += `,"annotations":[${annotations.join(',')}]`;
  }
  return `${json}}`;
}

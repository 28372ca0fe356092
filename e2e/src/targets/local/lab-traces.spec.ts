// The spans a trace UI gets from the real local lab: every span of a store order (products 1 and 11), a 404,
// a slow page and three retried calls fits the Zipkin v2 model, carries microseconds (fewer than 10 % of
// timestamps on a whole millisecond, no child before its parent) and names the peer of every CLIENT and
// PRODUCER span (remoteEndpoint), the broker's publish with the messaging conventions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brokerAvailable, drainQueue, NO_BROKER_MESSAGE, TEST_BROKER_URL, uniqueQueue } from '@faultline/test-support';
import type { ZipkinEndpoint, ZipkinSpan } from '@faultline/zipkin-receiver';
import { sendLabTraffic, TRAFFIC_APPS, TRAFFIC_LINKS, TRAFFIC_SERVICES, trafficLab } from './lab-traffic';
import { LocalTarget } from './local-target';
import { isBuilt } from './paths';

const HEX = /^[0-9a-f]+$/;
const KINDS = new Set(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']);
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function endpointProblems(endpoint: ZipkinEndpoint, where: string): string[] {
  const problems: string[] = [];
  const { serviceName, ipv4, ipv6, port } = endpoint;
  if (serviceName !== undefined && (typeof serviceName !== 'string' || serviceName === '' || serviceName !== serviceName.toLowerCase())) {
    problems.push(`${where}.serviceName must be a lower-case name, is ${JSON.stringify(serviceName)}`);
  }
  if (ipv4 !== undefined && !IPV4.test(ipv4)) problems.push(`${where}.ipv4 is not an IPv4 address: ${ipv4}`);
  if (ipv6 !== undefined && (typeof ipv6 !== 'string' || !ipv6.includes(':'))) problems.push(`${where}.ipv6 is not an IPv6 address: ${ipv6}`);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) problems.push(`${where}.port is not a port: ${port}`);
  return problems;
}

/** What in `span` does not fit Zipkin's v2 model (zipkin2-api.yaml), as sentences; none when it fits. */
export function zipkinModelProblems(span: ZipkinSpan): string[] {
  const problems: string[] = [];
  if (!HEX.test(span.traceId) || (span.traceId.length !== 16 && span.traceId.length !== 32)) problems.push(`traceId ${span.traceId}`);
  if (!HEX.test(span.id) || span.id.length !== 16) problems.push(`id ${span.id}`);
  if (span.parentId !== undefined && (!HEX.test(span.parentId) || span.parentId.length !== 16)) problems.push(`parentId ${span.parentId}`);
  if (span.parentId === span.id) problems.push('parentId equals id');
  if (typeof span.name !== 'string' || span.name === '') problems.push('no name');
  if (span.kind !== undefined && !KINDS.has(span.kind)) problems.push(`kind ${span.kind}`);
  if (!Number.isSafeInteger(span.timestamp) || (span.timestamp ?? 0) < 1e15) problems.push(`timestamp ${span.timestamp} is not epoch microseconds`);
  if (!Number.isSafeInteger(span.duration) || (span.duration ?? 0) < 1) problems.push(`duration ${span.duration} is not a positive number of microseconds`);
  if (!span.localEndpoint?.serviceName) problems.push('no localEndpoint.serviceName');
  else problems.push(...endpointProblems(span.localEndpoint, 'localEndpoint'));
  if (span.remoteEndpoint) problems.push(...endpointProblems(span.remoteEndpoint, 'remoteEndpoint'));
  for (const [key, value] of Object.entries(span.tags ?? {})) if (typeof value !== 'string') problems.push(`tag ${key} is not a string`);
  for (const annotation of span.annotations ?? []) {
    if (!Number.isSafeInteger(annotation.timestamp) || typeof annotation.value !== 'string') problems.push(`annotation ${JSON.stringify(annotation)}`);
  }
  return problems;
}

const unbuilt = [...TRAFFIC_APPS, 'dns-server'].filter((app) => !isBuilt(app));
const skip = unbuilt.length ? `build ${unbuilt.join(', ')} first (node e2e/bin/build-lab.mjs)` : false;

describe('the local lab traces (store order, 404, slow page, retries)', { skip, timeout: 180_000 }, () => {
  const queue = uniqueQueue('orders');
  const target = new LocalTarget({ traceUi: false, prometheus: false });
  let spans: ZipkinSpan[] = [];
  let broker = false;

  before(async () => {
    broker = await brokerAvailable();
    if (!broker) return; // each test skips with NO_BROKER_MESSAGE
    await target.start(trafficLab({ rabbitmqUrl: TEST_BROKER_URL, queueName: queue }));
    spans = await sendLabTraffic(target);
  });
  after(async () => {
    await target.stop();
    if (broker) await drainQueue(queue);
  });

  it('fits the Zipkin v2 model, every span', (t) => {
    if (!broker) return t.skip(NO_BROKER_MESSAGE);
    const services = new Set(spans.map((s) => s.localEndpoint?.serviceName));
    for (const service of TRAFFIC_SERVICES) assert.ok(services.has(service), `no span of ${service} among ${[...services].join(', ')}`);
    const misfits = spans.map((s) => ({ span: `${s.localEndpoint?.serviceName} ${s.kind ?? 'LOCAL'} ${s.name}`, problems: zipkinModelProblems(s) })).filter((m) => m.problems.length);
    assert.deepEqual(misfits, []);
  });

  it('carries microseconds: fewer than 10 % of timestamps on a whole millisecond, no child before its parent', (t) => {
    if (!broker) return t.skip(NO_BROKER_MESSAGE);
    const whole = spans.filter((s) => (s.timestamp ?? 0) % 1000 === 0).length;
    t.diagnostic(`${whole} of ${spans.length} span timestamps on a whole millisecond`);
    assert.ok(spans.length >= 25, `expected the whole traffic's spans, got ${spans.length}`);
    assert.ok(whole < spans.length * 0.1, `${whole} of ${spans.length} timestamps are whole milliseconds`);
    const byId = new Map(spans.map((s) => [`${s.traceId}/${s.id}`, s]));
    const early = spans.flatMap((child) => {
      const parent = child.parentId ? byId.get(`${child.traceId}/${child.parentId}`) : undefined;
      return parent && (child.timestamp ?? 0) < (parent.timestamp ?? 0)
        ? [`${child.name} (${child.localEndpoint?.serviceName}) starts ${(parent.timestamp ?? 0) - (child.timestamp ?? 0)} µs before its parent ${parent.name}`]
        : [];
    });
    assert.deepEqual(early, []);
    // A short server span reads its microseconds: retry-backend answers in well under 5 ms.
    const backend = spans.filter((s) => s.localEndpoint?.serviceName === 'retry-backend' && s.kind === 'SERVER');
    assert.ok(backend.some((s) => (s.duration ?? 0) < 5_000 && (s.duration ?? 0) % 1000 !== 0), `retry-backend durations: ${backend.map((s) => s.duration).join(', ')}`);
  });

  it('names the peer of every CLIENT and PRODUCER span', (t) => {
    if (!broker) return t.skip(NO_BROKER_MESSAGE);
    const outgoing = spans.filter((s) => s.kind === 'CLIENT' || s.kind === 'PRODUCER');
    const without = outgoing.filter((s) => !s.remoteEndpoint?.serviceName || !s.remoteEndpoint.port).map((s) => `${s.localEndpoint?.serviceName} ${s.kind} ${s.name}`);
    t.diagnostic(`${outgoing.length - without.length} of ${outgoing.length} CLIENT/PRODUCER spans have a remoteEndpoint with a name and port`);
    assert.deepEqual(without, []);
    const peers = new Set(outgoing.map((s) => `${s.localEndpoint?.serviceName} -> ${s.remoteEndpoint?.serviceName}`));
    for (const link of TRAFFIC_LINKS) {
      assert.ok(peers.has(link), `no ${link} among ${[...peers].join(', ')}`);
    }
    const publish = outgoing.find((s) => s.kind === 'PRODUCER');
    assert.equal(publish?.tags?.['messaging.system'], 'rabbitmq');
    assert.equal(publish?.tags?.['messaging.destination.name'], queue);
    assert.equal(publish?.tags?.['messaging.operation.type'], 'send');
    assert.match(publish?.remoteEndpoint?.ipv4 ?? publish?.remoteEndpoint?.ipv6 ?? '', /^127\.|:/, 'the broker address');
    assert.equal(publish?.remoteEndpoint?.port, Number(new URL(TEST_BROKER_URL).port || 5672));
    // Addresses of HTTP peers: the Service's ClusterIP and port the call went to.
    const toOrders = outgoing.find((s) => s.remoteEndpoint?.serviceName === 'order-service');
    assert.match(toOrders?.remoteEndpoint?.ipv4 ?? '', IPV4, JSON.stringify(toOrders?.remoteEndpoint));
    assert.equal(toOrders?.remoteEndpoint?.port, 3000);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { zipkinJson } from './zipkin-json';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({
    'service.name': 'catalog',
    'service.version': '1.2.3',
    'k8s.pod.name': 'catalog-7d9f',
    'telemetry.sdk.name': 'opentelemetry',
  }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('test');

function finished(run: () => void): ReadableSpan {
  exporter.reset();
  run();
  return exporter.getFinishedSpans()[0];
}

const decode = (span: ReadableSpan) => JSON.parse(zipkinJson(span, 'catalog')) as Record<string, unknown>;

describe('zipkinJson', () => {
  it('writes a server span with its parent, kind, times, attributes as string tags and the instance tags', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '463ac35c9f6413ad48485a3953bb6124',
      spanId: '0020000000000001',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const span = finished(() => {
      const s = tracer.startSpan('GET /:id', { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 200, retried: false, 'ids': [1, 2] } }, parent);
      s.end();
    });
    const json = decode(span);
    assert.equal(json.traceId, '463ac35c9f6413ad48485a3953bb6124');
    assert.equal(json.parentId, '0020000000000001');
    assert.match(String(json.id), /^[0-9a-f]{16}$/);
    assert.equal(json.name, 'GET /:id');
    assert.equal(json.kind, 'SERVER');
    assert.equal(json.timestamp, Math.round(span.startTime[0] * 1e6 + span.startTime[1] / 1e3));
    assert.equal(typeof json.duration, 'number');
    assert.deepEqual(json.localEndpoint, { serviceName: 'catalog' });
    assert.deepEqual(json.tags, {
      'http.response.status_code': '200',
      retried: 'false',
      ids: '1,2',
      'service.version': '1.2.3',
      'k8s.pod.name': 'catalog-7d9f',
    });
  });

  it('keeps a 64-bit trace id 64 bits long and leaves out the kind of an internal span', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0000000000000000a3ce929d0e0e4736',
      spanId: '0020000000000001',
      traceFlags: TraceFlags.SAMPLED,
    });
    const json = decode(finished(() => tracer.startSpan('data_transformation', {}, parent).end()));
    assert.equal(json.traceId, 'a3ce929d0e0e4736');
    assert.equal('kind' in json, false);
  });

  it('escapes what JSON must escape, in names, tags and events', () => {
    const name = 'say "hi"\\ to\nthe ünïcode ☃ world';
    const json = decode(
      finished(() => {
        const s = tracer.startSpan(name, { root: true, attributes: { [name]: name } });
        s.addEvent(name);
        s.end();
      }),
    );
    assert.equal(json.name, name);
    assert.equal((json.tags as Record<string, string>)[name], name);
    assert.deepEqual(
      (json.annotations as { value: string }[]).map((a) => a.value),
      [name],
    );
  });

  it('writes the status as otel.status_code and the error message as error', () => {
    const json = decode(
      finished(() => {
        const s = tracer.startSpan('call external-server', { root: true, kind: SpanKind.CLIENT });
        s.setAttribute('error.type', 'EAI_AGAIN');
        s.setStatus({ code: SpanStatusCode.ERROR, message: 'getaddrinfo EAI_AGAIN myexternalserver.com' });
        s.end();
      }),
    );
    const tags = json.tags as Record<string, string>;
    assert.equal(tags['otel.status_code'], 'ERROR');
    assert.equal(tags.error, 'getaddrinfo EAI_AGAIN myexternalserver.com');
    assert.equal(tags['error.type'], 'EAI_AGAIN');
  });

  it('writes the peer of CLIENT and PRODUCER spans as remoteEndpoint, and none on a SERVER span', () => {
    const client = decode(
      finished(() =>
        tracer
          .startSpan('POST', {
            root: true,
            kind: SpanKind.CLIENT,
            attributes: { 'peer.service': 'order-service', 'server.address': 'order-service', 'server.port': 3000, 'network.peer.address': '10.96.0.21', 'network.peer.port': 3000 },
          })
          .end(),
      ),
    );
    assert.deepEqual(client.remoteEndpoint, { serviceName: 'order-service', ipv4: '10.96.0.21', port: 3000 });
    const producer = decode(
      finished(() => tracer.startSpan('publish orders', { root: true, kind: SpanKind.PRODUCER, attributes: { 'peer.service': 'rabbitmq', 'server.address': 'rabbitmq', 'server.port': 5672 } }).end()),
    );
    assert.deepEqual(producer.remoteEndpoint, { serviceName: 'rabbitmq', port: 5672 });
    const unnamed = decode(finished(() => tracer.startSpan('GET', { root: true, kind: SpanKind.CLIENT, attributes: { 'server.address': '192.0.2.7', 'server.port': 8080 } }).end()));
    assert.deepEqual(unnamed.remoteEndpoint, { serviceName: '192.0.2.7', ipv4: '192.0.2.7', port: 8080 }, 'the host and port when no name resolves');
    const server = decode(finished(() => tracer.startSpan('GET /', { root: true, kind: SpanKind.SERVER, attributes: { 'network.peer.address': '10.0.0.9', 'server.port': 80 } }).end()));
    assert.equal('remoteEndpoint' in server, false);
  });

  it('writes microseconds: the start, the duration (at least 1) and event times keep them', () => {
    const json = decode(
      finished(() => {
        const s = tracer.startSpan('short', { root: true, startTime: [1_700_000_000, 123_456_789] });
        s.addEvent('half', [1_700_000_000, 123_600_000]);
        s.end([1_700_000_000, 123_756_400]);
      }),
    );
    assert.equal(json.timestamp, 1_700_000_000_123_457);
    assert.equal(json.duration, 300);
    assert.deepEqual(json.annotations, [{ timestamp: 1_700_000_000_123_600, value: 'half' }]);
    const instant = decode(finished(() => tracer.startSpan('instant', { root: true, startTime: [1_700_000_000, 0] }).end([1_700_000_000, 100])));
    assert.equal(instant.duration, 1, 'under a microsecond rounds up to one, as in Zipkin\'s model');
  });
});

// Reading evidence: Prometheus text summed across pods, a trace as an indented tree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { parseMetrics, sumMetric } from './metrics';
import { formatTrace, servicesInCallOrder, traceDuration, traceFailure, traceListLine } from './trace-tree';

describe('metrics', () => {
  const pod = '# HELP x\nhttp_requests_total{method="GET",route="/",status_code="200"} 3\nhttp_requests_total{method="GET",route="/",status_code="503"} 2\nup 1\n';
  it('parses samples with labels', () => {
    assert.deepEqual(parseMetrics(pod)[1], { name: 'http_requests_total', labels: { method: 'GET', route: '/', status_code: '503' }, value: 2 });
  });
  it('sums a metric across pods with a label filter', () => {
    assert.equal(sumMetric([pod, pod], 'http_requests_total', { status_code: '503' }), 4);
    assert.equal(sumMetric([pod], 'http_requests_total'), 5);
  });
});

describe('trace tree', () => {
  const spans = [
    { traceId: 'a'.repeat(32), id: '1'.repeat(16), name: 'get /slow-page', kind: 'SERVER' as const, timestamp: 0, duration: 3_000_000, localEndpoint: { serviceName: 'front-end' } },
    { traceId: 'a'.repeat(32), id: '2'.repeat(16), parentId: '1'.repeat(16), name: 'data_transformation', timestamp: 10, duration: 2_900_000, localEndpoint: { serviceName: 'business-logic' }, tags: { 'error.type': 'ECONNREFUSED' } },
  ];
  it('indents children under their parent with durations and error tags', () => {
    assert.equal(formatTrace(spans), 'front-end: get /slow-page server  3000.0 ms\n  business-logic: data_transformation  2900.0 ms  [error.type=ECONNREFUSED]');
  });
  it('measures the whole trace', () => {
    assert.equal(traceDuration(spans), 3_000_000);
  });

  // As the Zipkin API returns them: the child's span ends first, so it comes first.
  const order: ZipkinSpan[] = [
    { traceId: 'b'.repeat(32), id: '4'.repeat(16), parentId: '3'.repeat(16), name: 'post /', kind: 'SERVER' as const, timestamp: 20, duration: 4_000_000, localEndpoint: { serviceName: 'order-service' }, tags: { 'http.status_code': '500', error: 'getaddrinfo EAI_AGAIN myexternalserver.com', 'error.type': 'EAI_AGAIN' } },
    { traceId: 'b'.repeat(32), id: '3'.repeat(16), name: 'post /api/orders', kind: 'SERVER' as const, timestamp: 0, duration: 4_100_000, localEndpoint: { serviceName: 'store-front' }, tags: { 'http.status_code': '502' } },
  ];
  it('lists services in the order the calls reached them, not the order spans arrived', () => {
    assert.deepEqual(servicesInCallOrder(order), ['store-front', 'order-service']);
  });
  it('marks a failed trace with the root status and the cause, and a good one as ok', () => {
    assert.equal(traceFailure(order), 'HTTP 502 (EAI_AGAIN)');
    assert.equal(traceFailure([{ ...spans[0] }]), undefined);
    assert.equal(traceFailure(spans), 'error at business-logic (ECONNREFUSED)');
    assert.equal(traceListLine(order), `${'b'.repeat(32)}    4100.0 ms  FAILED HTTP 502 (EAI_AGAIN)  post /api/orders  (store-front → order-service)`);
    assert.match(traceListLine([{ ...spans[0] }]), /3000\.0 ms {2}ok {2}get \/slow-page {2}\(front-end\)$/);
  });
});

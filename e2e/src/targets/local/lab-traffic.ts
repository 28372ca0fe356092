/**
 * The traffic a new user sends to the whole local lab, for the trace tests (lab-traces.spec.ts,
 * lens-dependencies.spec.ts): the store's product list and an order with products 1 and 11 (so
 * order-service publishes to RabbitMQ and calls myexternalserver.com), a 404, a slow page, and three
 * retry-client calls to a backend failing half its tries. It waits until every trace reached the lab's
 * Zipkin receiver and returns their spans.
 */
import assert from 'node:assert/strict';
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { pollUntil } from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import { EXTERNAL_HOST, mergeLabs, resilienceLab, storeLab, tracingLab } from '../../lab/labs';
import type { LabSpec } from '../../lab/spec';
import type { LocalTarget } from './local-target';

/** The apps the lab runs, besides the lab's DNS (dns-server). */
export const TRAFFIC_APPS = ['store-front', 'product-service', 'order-service', 'external-server', 'front-end', 'business-logic', 'retry-client', 'retry-backend'];
/** Their service names on spans: external-server names itself by its host (see storeLab). */
export const TRAFFIC_SERVICES = TRAFFIC_APPS.map((app) => (app === 'external-server' ? EXTERNAL_HOST : app));

/** The caller → callee links that traffic draws in a dependency graph (Zipkin's /api/v2/dependencies). */
export const TRAFFIC_LINKS = [
  'store-front -> product-service',
  'store-front -> order-service',
  'order-service -> rabbitmq',
  'order-service -> myexternalserver.com',
  'front-end -> business-logic',
  'retry-client -> retry-backend',
];

export function trafficLab(options: { rabbitmqUrl: string; queueName: string }): LabSpec {
  return mergeLabs(storeLab(options), tracingLab({ slowSeconds: 1 }), resilienceLab({ hangSeconds: 5 }));
}

const RETRIED_CALLS = 3;

function has(spans: readonly ZipkinSpan[], service: string, test: (span: ZipkinSpan) => boolean): boolean {
  return spans.some((span) => span.localEndpoint?.serviceName === service && test(span));
}

/** Sends the traffic; resolves with every span of the traces it made, once all of them arrived. */
export async function sendLabTraffic(target: LocalTarget): Promise<ZipkinSpan[]> {
  const since = Date.now() * 1000;
  const store = target.serviceUrl('store-front');
  const products = await httpRequest(`${store}/api/products`, { timeoutMs: 10_000 });
  assert.equal(products.status, 200, products.body);
  const order = await httpRequest(`${store}/api/orders`, {
    method: 'POST',
    body: { customerId: 'lab-traces', items: [{ productId: 1, quantity: 1, price: 10.99 }, { productId: 11, quantity: 1, price: 1 }] },
    timeoutMs: 20_000,
  });
  assert.equal(order.status, 201, order.body);
  const missing = await httpRequest(`${store}/api/products/9999`, { timeoutMs: 10_000 });
  assert.equal(missing.status, 404, missing.body);
  const page = await httpRequest(`${target.serviceUrl('front-end')}/slow-page`, { timeoutMs: 20_000 });
  assert.equal(page.status, 200, page.body);
  for (let i = 0; i < RETRIED_CALLS; i++) {
    const call = await httpRequest(`${target.serviceUrl('retry-client')}/call?failRate=50&mode=busy`, { timeoutMs: 20_000 });
    assert.ok(call.status === 200 || call.status === 502, `retry-client answered ${call.status}: ${call.body}`);
  }
  return pollUntil(
    async () => {
      const spans = (await target.traces({ limit: 1000 })).flat().filter((span) => (span.timestamp ?? 0) >= since - 1_000_000);
      const arrived =
        has(spans, 'order-service', (s) => s.kind === 'PRODUCER') &&
        has(spans, EXTERNAL_HOST, (s) => s.kind === 'SERVER') &&
        has(spans, 'order-service', (s) => s.kind === 'CLIENT') &&
        has(spans, 'product-service', (s) => s.kind === 'SERVER' && s.tags?.['http.response.status_code'] === '404') &&
        has(spans, 'store-front', (s) => s.kind === 'SERVER' && s.tags?.['http.response.status_code'] === '404') &&
        has(spans, 'business-logic', (s) => s.name === 'data_transformation') &&
        has(spans, 'front-end', (s) => s.kind === 'SERVER') &&
        spans.filter((s) => s.localEndpoint?.serviceName === 'retry-client' && s.kind === 'SERVER').length >= RETRIED_CALLS &&
        has(spans, 'retry-backend', (s) => s.kind === 'SERVER');
      return arrived ? spans : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 250, what: 'the spans of the order, the 404, the slow page and the retried calls at the lab receiver' },
  );
}

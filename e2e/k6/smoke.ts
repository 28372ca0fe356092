/**
 * The CI smoke test after `helm install` on kind: a few requests through every entry point, each expected
 * to succeed. k6 run e2e/k6/smoke.ts (with the three port-forwards of docs/kubernetes.md)
 */
import { check, group } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { FRONT_END_URL, RETRY_CLIENT_URL, STORE_URL } from './lib/targets.ts';

export const options: Options = {
  vus: 1,
  iterations: 5,
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  },
};

export default function smoke(): void {
  group('store-front', () => {
    check(http.get(`${STORE_URL}/`), { 'store page 200': (r) => r.status === 200 });
    const products = http.get(`${STORE_URL}/api/products`);
    check(products, { 'products 200': (r) => r.status === 200 && (r.json() as unknown[]).length > 0 });
    const order = { customerId: 'k6-smoke', items: [{ productId: 1, quantity: 1, price: 9.99 }] };
    const res = http.post(`${STORE_URL}/api/orders`, JSON.stringify(order), { headers: { 'content-type': 'application/json' } });
    check(res, { 'order 201': (r) => r.status === 201 });
  });
  group('front-end', () => {
    check(http.get(`${FRONT_END_URL}/fast-page`), { 'fast page 200': (r) => r.status === 200 });
  });
  group('retry-client', () => {
    check(http.get(`${RETRY_CLIENT_URL}/call?failRate=0`), { 'call 200': (r) => r.status === 200 });
  });
}

/**
 * A shopper on store-front: load the page, list the products, place an order (now and then holding
 * product 11, which makes order-service call the external server by name, through cluster DNS).
 * k6 run e2e/k6/shopper.ts -e STORE_URL=http://localhost:8080
 */
import { check, group, sleep } from 'k6';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { duration, SCALE, STORE_URL } from './lib/targets.ts';

interface Product {
  id: number;
  price: number;
}

const ordersPlaced = new Counter('orders_placed');

/**
 * Shoppers arriving at a fixed rate (per second) for ARRIVAL_SECONDS instead of the ramp of 5 × SCALE
 * shoppers: how `npm run bench:load` steps the load up to find the store's capacity.
 */
const ARRIVAL_RATE = Number(__ENV.ARRIVAL_RATE || '0');
const ARRIVAL_SECONDS = Number(__ENV.ARRIVAL_SECONDS || '30');

export const options: Options = {
  scenarios: {
    shoppers:
      ARRIVAL_RATE > 0
        ? {
            executor: 'constant-arrival-rate',
            rate: ARRIVAL_RATE,
            timeUnit: '1s',
            duration: duration(ARRIVAL_SECONDS),
            // A shopper takes about 1 s (three requests and a 1 s pause), more when the store slows down.
            preAllocatedVUs: Math.ceil(ARRIVAL_RATE * 2),
            maxVUs: Math.ceil(ARRIVAL_RATE * 5) + 10,
          }
        : {
            executor: 'ramping-vus',
            startVUs: 0,
            stages: [
              { duration: duration(20), target: 5 * SCALE },
              { duration: duration(60), target: 5 * SCALE },
              { duration: duration(10), target: 0 },
            ],
            gracefulRampDown: '10s',
          },
  },
  thresholds: {
    // A healthy store: almost no failed requests, pages and orders answered quickly.
    http_req_failed: ['rate<0.01'],
    'http_req_duration{step:page}': ['p(95)<500'],
    'http_req_duration{step:products}': ['p(95)<500'],
    'http_req_duration{step:order}': ['p(95)<1500'],
    checks: ['rate>0.99'],
    orders_placed: ['count>0'],
  },
};

export default function shopper(): void {
  let products: Product[] = [];
  group('browse', () => {
    const page = http.get(`${STORE_URL}/`, { tags: { step: 'page' } });
    check(page, { 'page 200': (r) => r.status === 200, 'page is HTML': (r) => String(r.body).includes('<') });
    const list = http.get(`${STORE_URL}/api/products`, { tags: { step: 'products' } });
    check(list, { 'products 200': (r) => r.status === 200 });
    if (list.status === 200) products = list.json() as unknown as Product[];
  });
  if (products.length === 0) return;

  group('order', () => {
    // One order in ten holds product 11 (the external call).
    const pick = Math.random() < 0.1 ? products.find((p) => p.id === 11) : products[Math.floor(Math.random() * products.length)];
    if (!pick) return;
    const order = { customerId: `k6-${__VU}`, items: [{ productId: pick.id, quantity: 1 + (__ITER % 3), price: pick.price }] };
    const res = http.post(`${STORE_URL}/api/orders`, JSON.stringify(order), {
      headers: { 'content-type': 'application/json' },
      tags: { step: 'order', external: String(pick.id === 11) },
    });
    if (check(res, { 'order 201': (r) => r.status === 201 })) ordersPlaced.add(1);
  });
  sleep(1);
}

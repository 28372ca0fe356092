/**
 * The seed-001 demo traffic on front-end: the Slow page and the Fast page at the same time. The
 * thresholds state the symptom: the slow page takes the business-logic's 3 s, the fast one does not.
 * k6 run e2e/k6/pages.ts -e FRONT_END_URL=http://localhost:8081
 * -e FAST_PAGE_P95_MS=N sets the fast page's bound (default 300 ms); the thresholds spec in `npm test`, on a
 * shared machine, checks the behaviour with a bound far from both outcomes instead of timing the machine.
 */
import { check, sleep } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { duration, FRONT_END_URL, SCALE } from './lib/targets.ts';

const FAST_PAGE_P95_MS = Number(__ENV.FAST_PAGE_P95_MS || '300');
if (!Number.isFinite(FAST_PAGE_P95_MS) || FAST_PAGE_P95_MS <= 0) throw new Error(`FAST_PAGE_P95_MS must be a positive number, got "${__ENV.FAST_PAGE_P95_MS}"`);

export const options: Options = {
  scenarios: {
    slow: { executor: 'constant-vus', vus: 2 * SCALE, duration: duration(60), exec: 'slowPage' },
    fast: { executor: 'constant-arrival-rate', rate: 10 * SCALE, timeUnit: '1s', duration: duration(60), preAllocatedVUs: 5 * SCALE, exec: 'fastPage' },
  },
  thresholds: {
    'http_req_failed{page:slow}': ['rate<0.01'],
    'http_req_failed{page:fast}': ['rate<0.01'],
    // The slow page is slow (data_transformation, 3 s by default)...
    'http_req_duration{page:slow}': ['p(50)>2900', 'p(95)<6000'],
    // ...and the fast page is not.
    'http_req_duration{page:fast}': [`p(95)<${FAST_PAGE_P95_MS}`],
    checks: ['rate>0.99'],
  },
};

export function slowPage(): void {
  const res = http.get(`${FRONT_END_URL}/slow-page`, { tags: { page: 'slow' }, timeout: '15s' });
  check(res, { 'slow page 200': (r) => r.status === 200 });
  sleep(0.5);
}

export function fastPage(): void {
  const res = http.get(`${FRONT_END_URL}/fast-page`, { tags: { page: 'fast' } });
  check(res, { 'fast page 200': (r) => r.status === 200 });
}

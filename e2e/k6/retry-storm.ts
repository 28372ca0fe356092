/**
 * A retry storm: a rising request rate through retry-client against a backend failing half of its answers
 * (failRate=50, mode=busy). With retries on (the chart's default, 5 attempts) >= 95% succeed, at the price
 * of about two backend calls per request; run it against scenarios/retry-fail-rate.yaml (no retries) and
 * the success threshold fails, which is the scenario's symptom (e2e/src/load/retry-storm-thresholds.spec.ts
 * shows both sides on the local lab; `npm run test:load` runs this script against it).
 * k6 run e2e/k6/retry-storm.ts -e RETRY_CLIENT_URL=http://localhost:8082 [-e FAIL_RATE=50 -e MODE=busy]
 */
import { check } from 'k6';
import http from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { duration, RETRY_CLIENT_URL, SCALE } from './lib/targets.ts';

interface CallResult {
  outcome: 'success' | 'failed' | 'error' | 'timeout' | 'circuit_open';
  status: number | null;
  attempts: number;
  latencyMs: number;
}

const FAIL_RATE = __ENV.FAIL_RATE || '50';
const MODE = __ENV.MODE || 'busy';
const succeeded = new Rate('calls_succeeded');
const attempts = new Trend('backend_attempts');
const circuitOpen = new Rate('circuit_open');

export const options: Options = {
  scenarios: {
    storm: {
      executor: 'ramping-arrival-rate',
      startRate: 5 * SCALE,
      timeUnit: '1s',
      preAllocatedVUs: 20 * SCALE,
      maxVUs: 100 * SCALE,
      stages: [
        { duration: duration(30), target: 50 * SCALE },
        { duration: duration(60), target: 50 * SCALE },
        { duration: duration(15), target: 0 },
      ],
    },
  },
  thresholds: {
    calls_succeeded: ['rate>=0.95'],
    // Retries multiply the backend load: on average at most 2.5 calls per request at failRate=50.
    backend_attempts: ['avg<2.5', 'max<=5'],
    http_req_duration: ['p(95)<3000'],
  },
};

export default function storm(): void {
  const res = http.get(`${RETRY_CLIENT_URL}/call?failRate=${FAIL_RATE}&mode=${MODE}`, { tags: { name: 'retry-client /call' }, timeout: '30s' });
  let result: CallResult | undefined;
  try {
    result = res.json() as unknown as CallResult;
  } catch {
    result = undefined;
  }
  check(res, { 'answered with a result': () => result !== undefined });
  succeeded.add(result?.outcome === 'success');
  circuitOpen.add(result?.outcome === 'circuit_open');
  if (result && Number.isFinite(result.attempts)) attempts.add(result.attempts);
}

/**
 * Seed 004, "no retry": retry-backend fails half its requests with 503 Overloaded (failRate=50, busy).
 * Without retries about half of the client's calls fail; with 5 attempts at least 95% succeed (in
 * theory 1 - 0.49^5 = 97.2%), and the retries are visible as client spans, one per attempt.
 */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { metricsSource, sumMetric } from '../evidence/metrics';
import { pollUntil } from '@faultline/test-support';
import { formatTrace } from '../evidence/trace-tree';
import { resilienceLab } from '../lab/labs';
import { expect, type Scenario } from './model';
import { callMany, percent, tally } from './resilience-requests';

const QUERY = '?failRate=50&mode=busy';

export const retryFailRate: Scenario = {
  id: 'retry-fail-rate',
  seed: '004',
  title: 'A backend failing 50% of requests: no retries vs 5 attempts',
  breaks: 'retry-backend fails 50% of requests with 503 (failRate=50, mode busy); retry-client without retries',
  symptom: 'about 50% of calls fail',
  fix: 'retries on, 5 attempts: ≥ 95% of calls succeed, each retry a client span',
  targets: ['local', 'kind'],
  typicalSeconds: 7,
  lab: (options) => resilienceLab({ hangSeconds: options.hangSeconds, clientEnv: { RETRIES_ENABLED: 'false', RETRY_BACKOFF_MS: '5' } }),
  steps: [
    {
      phase: 'break',
      title: 'call retry-backend through retry-client with failRate=50&mode=busy, no retries',
      async run({ target, evidence }) {
        const pod = (await target.pods('retry-client'))[0];
        evidence('retry-client', `RETRIES_ENABLED=false, GET /call${QUERY} (${pod.name})`);
      },
    },
    {
      phase: 'symptom',
      title: 'about half of the calls fail',
      async run({ target, options, evidence }) {
        const before = sumMetric(await target.scrapeMetrics('retry-backend'), 'retry_backend_answers_total', { outcome: 'busy' });
        const calls = await callMany(target, QUERY, options.sampleSize);
        const failed = calls.filter((c) => c.httpStatus !== 200).length;
        evidence('client', `${calls.length} calls: ${tally(calls)} → ${percent(failed, calls.length)} failed`);
        const after = await target.scrapeMetrics('retry-backend');
        const busy = sumMetric(after, 'retry_backend_answers_total', { outcome: 'busy' }) - before;
        evidence(`retry-backend metrics, ${metricsSource(after)}`, `retry_backend_answers_total{outcome="busy"} +${busy}`);
        const line = await target.waitForLog('retry-client', (l) => l.json?.msg === 'backend call failed' && l.json?.status === 503, { what: 'a failed call in the client log' });
        evidence(target.sources.logs('retry-client'), line.text);
        const share = failed / calls.length;
        expect(share >= 0.25 && share <= 0.75, `about half the calls should fail without retries, ${percent(failed, calls.length)} did`);
        expect(calls.every((c) => c.report?.attempts === 1), 'each call should make exactly one attempt');
      },
    },
    {
      phase: 'fix',
      title: 'turn retries on: 5 attempts per call (rollout)',
      async run({ target, evidence }) {
        await target.setEnv('retry-client', { RETRIES_ENABLED: 'true', MAX_ATTEMPTS: '5' });
        evidence(target.sources.setEnv('retry-client'), 'RETRIES_ENABLED=true MAX_ATTEMPTS=5');
      },
    },
    {
      phase: 'after',
      title: 'at least 95% of calls succeed; the retries are client spans',
      async run({ target, options, evidence }) {
        const since = Date.now() * 1000;
        // Ten times the sample: the expected success rate (97.2%) is close to the 95% bar.
        const calls = await callMany(target, QUERY, options.sampleSize * 10);
        const ok = calls.filter((c) => c.httpStatus === 200).length;
        const retried = calls.filter((c) => (c.report?.attempts ?? 0) > 1).length;
        evidence('client', `${calls.length} calls: ${tally(calls)} → ${percent(ok, calls.length)} succeeded, ${retried} needed retries`);
        expect(ok / calls.length >= 0.95, `at least 95% of calls should succeed with 5 attempts, ${percent(ok, calls.length)} did`);
        const trace = await pollUntil(
          async () =>
            (await target.traces({ serviceName: 'retry-client', limit: 500 })).find(
              (spans: ZipkinSpan[]) => Math.min(...spans.map((s) => s.timestamp ?? 0)) >= since && spans.filter((s) => s.kind === 'CLIENT' && s.localEndpoint?.serviceName === 'retry-client').length >= 2,
            ),
          { timeoutMs: 8_000, intervalMs: 200, what: 'a retry-client trace with several attempts' },
        );
        evidence('trace (one call, several attempts)', formatTrace(trace));
      },
    },
  ],
};

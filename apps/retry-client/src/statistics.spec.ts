/**
 * Bounded statistical tests against a real retry-backend process: 400 calls at failRate 50, mode busy.
 * The backend fails a call with probability 0.49 (failRate N fails when N > a draw from 1..100), so
 *   no retries:  P(success) = 0.51, standard deviation over 400 calls 0.025 → asserted within 0.40..0.60;
 *   5 attempts:  P(success) = 1 − 0.49^5 ≈ 0.972, deviation 0.008          → asserted ≥ 0.93.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService } from '@faultline/service-kit/testing';
import { retryClient } from './app';
import { type AppProcess, startApp } from '@faultline/test-support';

const CALLS = 400;
const CONCURRENCY = 8;

interface Report {
  outcome: string;
  attempts: number;
}

async function callMany(clientUrl: string, query: string): Promise<Report[]> {
  const reports: Report[] = [];
  for (let done = 0; done < CALLS; done += CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONCURRENCY, CALLS - done) }, () =>
      fetch(`${clientUrl}/call?${query}`).then((r) => r.json() as Promise<Report>),
    );
    reports.push(...(await Promise.all(batch)));
  }
  return reports;
}

describe('retries against retry-backend at failRate 50 (400 calls each)', () => {
  let backend: AppProcess;
  before(async () => {
    backend = await startApp('retry-backend', { OTEL_TRACES_EXPORTER: 'none' });
  });
  after(() => backend.kill());

  it('without retries, about half the calls fail (success within 40–60%)', async (t) => {
    const client = await startTestService(retryClient(), { RETRY_BACKEND_URL: backend.url, RETRIES_ENABLED: 'false' });
    try {
      const reports = await callMany(client.url, 'failRate=50&mode=busy');
      const success = reports.filter((r) => r.outcome === 'success').length / CALLS;
      t.diagnostic(`no retries: ${(100 * success).toFixed(1)}% success`);
      assert.ok(success >= 0.4 && success <= 0.6, `success ${success}`);
      assert.ok(reports.every((r) => r.attempts === 1), 'one attempt per call');
      assert.ok(reports.every((r) => r.outcome === 'success' || r.outcome === 'failed'));
    } finally {
      await client.stop();
    }
  });

  it('with 5 attempts, at least 93% of the calls succeed, and the retries show in the attempt metrics', async (t) => {
    const client = await startTestService(retryClient(), { RETRY_BACKEND_URL: backend.url, MAX_ATTEMPTS: '5', RETRY_BACKOFF_MS: '2' });
    try {
      const reports = await callMany(client.url, 'failRate=50&mode=busy');
      const success = reports.filter((r) => r.outcome === 'success').length / CALLS;
      const attempts = reports.reduce((sum, r) => sum + r.attempts, 0);
      t.diagnostic(`5 attempts: ${(100 * success).toFixed(1)}% success, ${(attempts / CALLS).toFixed(2)} attempts per call`);
      assert.ok(success >= 0.93, `success ${success}`);
      assert.ok(reports.some((r) => r.attempts > 1), 'some calls needed retries');
      assert.ok(reports.every((r) => r.attempts <= 5));
      const metrics = await (await fetch(`${client.url}/metrics`)).text();
      const counted = [...metrics.matchAll(/^resilience_attempts_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      assert.equal(counted, attempts, 'every attempt is counted');
      const retried = Number(/resilience_attempts_total\{target="retry-backend",outcome="retryable_status"\} (\d+)/.exec(metrics)?.[1]);
      t.diagnostic(`backend failure rate seen by the attempts: ${((100 * retried) / attempts).toFixed(1)}% (requested 50, rule gives 49)`);
      assert.ok(retried / attempts > 0.4 && retried / attempts < 0.6);
    } finally {
      await client.stop();
    }
  });
});

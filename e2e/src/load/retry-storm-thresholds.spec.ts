// The retry storm's success threshold can fail, both ways: k6 runs e2e/k6/retry-storm.ts against the lab of
// the retry-fail-rate scenario. With its break (retry-client without retries) the threshold `calls_succeeded
// rate>=0.95` must FAIL (k6 exit 99); after the scenario's own fix step (5 attempts, a rollout) the same
// script must hold every threshold. A threshold that could never fail would pass the first half.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { retryFailRate } from '../scenarios/retry-fail-rate';
import { defaultOptions } from '../scenarios/runner';
import { SUITE_OPTIONS } from '../scenarios/suite-support';
import { LocalTarget } from '../targets/local/local-target';
import { type K6RunResult, runK6, THRESHOLDS_FAILED } from './k6-run';
import { selectScripts } from './scripts';
import { failedThresholds, k6, runLog, skipReason } from './threshold-checks';

const options = defaultOptions(SUITE_OPTIONS);
const skip = skipReason(retryFailRate.lab(options));
const script = selectScripts(['retry-storm'])[0].file;

/** What a person reading the test output wants to see: calls, success rate, attempts per call. */
function measured(result: K6RunResult): string {
  const m = result.summary?.metrics;
  return `${m?.http_reqs?.count ?? 0} calls, ${((m?.calls_succeeded?.value ?? 0) * 100).toFixed(1)}% succeeded, ${(m?.backend_attempts?.avg ?? 0).toFixed(2)} backend attempts per call, k6 exit ${result.exitCode}`;
}

// Skipped per test (not per suite), so that the skip and its reason show in the run's counts.
describe('retry-storm thresholds against the retry-fail-rate lab', () => {
  const target = new LocalTarget();
  const out = mkdtempSync(path.join(tmpdir(), 'faultline-retry-storm-'));
  // Short runs; the one after the fix is long enough (about 1,200 calls) that 97.2% expected success stays
  // clear of the 95% bar (4 standard deviations).
  const storm = (name: string, timeScale: number) =>
    runK6({ k6: k6 ?? 'k6', name, script, vars: { RETRY_CLIENT_URL: target.serviceUrl('retry-client'), TIME_SCALE: String(timeScale) }, outDir: out, timeoutMs: 120_000 });

  before(async () => {
    if (!skip) await target.start(retryFailRate.lab(options));
  });
  after(async () => {
    if (!skip) await target.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('with the break (no retries) the success threshold fails, and only it', { skip, timeout: 120_000 }, async (t) => {
    const result = await storm('no-retries', 0.1);
    t.diagnostic(`no retries: ${measured(result)}`);
    assert.equal(result.exitCode, THRESHOLDS_FAILED, runLog(result));
    assert.deepEqual(failedThresholds(result), ['calls_succeeded rate>=0.95']);
    const success = result.summary?.metrics.calls_succeeded.value ?? 1;
    assert.ok(success < 0.95, `success rate ${success}`);
    assert.equal(result.summary?.metrics.backend_attempts.max, 1, 'one attempt per call without retries');
  });

  it('after the scenario fix (5 attempts) every threshold holds', { skip, timeout: 150_000 }, async (t) => {
    const fix = retryFailRate.steps.find((s) => s.phase === 'fix');
    assert.ok(fix, 'retry-fail-rate has a fix step');
    await fix.run({ target, options, state: {}, evidence: () => undefined });
    const result = await storm('retries', 0.3);
    t.diagnostic(`5 attempts: ${measured(result)}`);
    assert.equal(result.exitCode, 0, `${failedThresholds(result).join(', ')}\n${runLog(result)}`);
    assert.deepEqual(failedThresholds(result), []);
    assert.ok((result.summary?.thresholds.length ?? 0) >= 4, 'the run was judged by its thresholds');
    assert.ok((result.summary?.metrics.backend_attempts.avg ?? 0) > 1, 'calls were retried');
  });
});

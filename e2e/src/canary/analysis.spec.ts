// The canary analysis's decisions with a scripted driver (no lab needed: the driver only records what
// the analysis asked for and answers the samples the test scripted), and the success rate from /metrics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CanaryAnalysisDriver, FLAGGER_DEFAULTS, judge, runCanaryAnalysis, type SuccessRateSample } from './analysis';
import { countsBetween, requestCounts } from './success-rate';

class ScriptedDriver implements CanaryAnalysisDriver {
  readonly canary = 'retry-backend-v2';
  readonly primary = 'retry-backend';
  readonly namespace = 'default';
  readonly actions: string[] = [];
  constructor(private readonly samples: (weight: number, call: number) => SuccessRateSample) {}
  private calls = 0;
  async setWeight(weight: number) {
    this.actions.push(`weight ${weight}`);
  }
  async measure(weight: number) {
    this.actions.push(`measure ${weight}`);
    return this.samples(weight, this.calls++);
  }
  async promote() {
    this.actions.push('promote');
  }
  async routeAllToPrimary() {
    this.actions.push('all to primary');
  }
}

const healthy = () => ({ total: 20, failed: 0 });
const erroring = () => ({ total: 20, failed: 20 });

describe('canary analysis', () => {
  it('promotes a healthy canary after the last step: weights 10 → 20 → 30 → 50, then the primary takes its spec', async () => {
    const driver = new ScriptedDriver(healthy);
    const seen: string[] = [];
    const result = await runCanaryAnalysis(FLAGGER_DEFAULTS, driver, (e) => seen.push(e));
    assert.equal(result.phase, 'Succeeded');
    assert.equal(result.failedChecks, 0);
    assert.deepEqual(driver.actions, ['weight 10', 'measure 10', 'weight 20', 'measure 20', 'weight 30', 'measure 30', 'weight 50', 'measure 50', 'promote', 'all to primary']);
    assert.deepEqual(result.events.slice(-3), [
      'Copying retry-backend-v2.default template spec to retry-backend.default',
      'Routing all traffic to primary',
      'Promotion completed! Scaling down retry-backend-v2.default',
    ]);
    assert.ok(result.events.includes('Advance retry-backend-v2.default canary weight 30'));
    assert.deepEqual(seen, result.events, 'each event is reported as it happens');
    assert.deepEqual(result.checks.map((c) => c.successRate), [100, 100, 100, 100]);
  });

  it('rolls back an erroring canary when failed checks reach the threshold, without promoting it', async () => {
    const driver = new ScriptedDriver(erroring);
    const result = await runCanaryAnalysis(FLAGGER_DEFAULTS, driver);
    assert.equal(result.phase, 'Failed');
    assert.equal(result.failedChecks, 2);
    assert.deepEqual(driver.actions, ['weight 10', 'measure 10', 'measure 10', 'all to primary']);
    assert.deepEqual(result.events.slice(-4), [
      'Halt retry-backend-v2.default advancement success rate 0.00% < 99%',
      'Halt retry-backend-v2.default advancement success rate 0.00% < 99%',
      'Rolling back retry-backend-v2.default failed checks threshold reached 2',
      'Canary failed! Scaling down retry-backend-v2.default',
    ]);
  });

  it('halts on a failed check, checks the same weight again, and advances once it passes', async () => {
    const driver = new ScriptedDriver((_weight, call) => (call === 1 ? { total: 10, failed: 5 } : healthy()));
    const result = await runCanaryAnalysis(FLAGGER_DEFAULTS, driver);
    assert.equal(result.phase, 'Succeeded');
    assert.equal(result.failedChecks, 1);
    assert.deepEqual(driver.actions.slice(0, 5), ['weight 10', 'measure 10', 'weight 20', 'measure 20', 'measure 20']);
    assert.ok(result.events.includes('Halt retry-backend-v2.default advancement success rate 50.00% < 99%'));
  });

  it('failed checks add up across steps (a canary that degrades late is still rolled back)', async () => {
    const driver = new ScriptedDriver((weight) => (weight >= 30 ? { total: 30, failed: 3 } : healthy()));
    const result = await runCanaryAnalysis(FLAGGER_DEFAULTS, driver);
    assert.equal(result.phase, 'Failed');
    assert.deepEqual(driver.actions.slice(-3), ['measure 30', 'measure 30', 'all to primary']);
    assert.ok(!driver.actions.includes('promote'));
  });

  it('a canary that gets no requests fails its checks ("no values found")', async () => {
    const result = await runCanaryAnalysis(FLAGGER_DEFAULTS, new ScriptedDriver(() => ({ total: 0, failed: 0 })));
    assert.equal(result.phase, 'Failed');
    assert.match(result.events.join('\n'), /Halt advancement no values found for nginx metric request-success-rate probably retry-backend-v2.default is not receiving traffic/);
  });

  it('the minimum is inclusive: 99.00% passes, 98.99% fails; with the check off anything passes', () => {
    assert.equal(judge({ total: 100, failed: 1 }, { minSuccessRate: 99 }, 'c').check.passed, true);
    assert.equal(judge({ total: 9_900, failed: 101 }, { minSuccessRate: 99 }, 'c').check.passed, false);
    assert.equal(judge({ total: 10, failed: 10 }, { minSuccessRate: undefined }, 'c').check.passed, true);
  });

  it('with the success-rate check off, an erroring canary is promoted (what the check prevents)', async () => {
    const driver = new ScriptedDriver(erroring);
    const result = await runCanaryAnalysis({ ...FLAGGER_DEFAULTS, minSuccessRate: undefined }, driver);
    assert.equal(result.phase, 'Succeeded');
    assert.ok(driver.actions.includes('promote'));
  });

  it('refuses settings that would not end', async () => {
    await assert.rejects(runCanaryAnalysis({ ...FLAGGER_DEFAULTS, threshold: 0 }, new ScriptedDriver(healthy)), /threshold must be a positive integer/);
    await assert.rejects(runCanaryAnalysis({ ...FLAGGER_DEFAULTS, stepWeights: [] }, new ScriptedDriver(healthy)), /no step weights/);
    await assert.rejects(runCanaryAnalysis({ ...FLAGGER_DEFAULTS, stepWeights: [10, 150] }, new ScriptedDriver(healthy)), /integers 1..100/);
  });
});

describe('canary request success rate from /metrics', () => {
  const pod = (ok: number, injected: number, metricsScrapes: number) =>
    [
      '# HELP http_requests_total HTTP requests served, by route template.',
      '# TYPE http_requests_total counter',
      `http_requests_total{method="GET",route="/",status_code="200"} ${ok}`,
      `http_requests_total{method="GET",route="middleware",status_code="503"} ${injected}`,
      `http_requests_total{method="GET",route="/metrics",status_code="200"} ${metricsScrapes}`,
      `http_requests_total{method="GET",route="/healthz",status_code="503"} 4`,
      `http_request_duration_seconds_count{method="GET",route="/",status_code="200"} ${ok}`,
    ].join('\n');

  it('counts served requests and 5xx answers (injected faults included), over every pod, without probes and scrapes', () => {
    assert.deepEqual(requestCounts([pod(7, 3, 50), pod(10, 0, 1)]), { total: 20, failed: 3 });
  });

  it('takes the delta of two scrapes, and counts from zero after a restart', () => {
    assert.deepEqual(countsBetween({ total: 20, failed: 3 }, { total: 50, failed: 10 }), { total: 30, failed: 7 });
    assert.deepEqual(countsBetween({ total: 20, failed: 3 }, { total: 5, failed: 1 }), { total: 5, failed: 1 });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeStep, rates } from './capacity-steps';
import { parseSummary } from './summary';

const summary = (orderP95: number, failed: number, dropped = 0) =>
  parseSummary({
    metrics: {
      http_reqs: { count: 900 },
      http_req_failed: { value: failed },
      'http_req_duration{step:order}': { 'p(95)': orderP95 },
      ...(dropped ? { dropped_iterations: { count: dropped } } : {}),
    },
  });

describe('capacity steps', () => {
  it('raise the rate by half each step, within the bounds', () => {
    assert.deepEqual(rates(10, 100, 20), [10, 15, 23, 35, 53, 80]);
    assert.deepEqual(rates(10, 1000, 3), [10, 15, 23]);
  });

  it('hold a rate only with order p95 <= 1.5 s, <= 1% failed and <= 1% of shoppers dropped', () => {
    assert.equal(judgeStep(summary(1400, 0.005), 10, 30).held, true);
    assert.match(judgeStep(summary(1600, 0), 10, 30).reason ?? '', /order p95 1600 ms > 1500 ms/);
    assert.match(judgeStep(summary(100, 0.02), 10, 30).reason ?? '', /2\.0% failed > 1%/);
    assert.match(judgeStep(summary(100, 0, 30), 10, 30).reason ?? '', /10\.0% of shoppers not started/);
    assert.equal(judgeStep(undefined, 10, 30).held, false);
  });
});

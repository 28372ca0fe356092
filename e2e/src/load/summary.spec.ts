import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateOf, parseSummary } from './summary';

// Shaped like k6's --summary-export: a rate's share is `value`, a threshold maps to true when it FAILED.
const shopperLike = {
  metrics: {
    http_reqs: { count: 120, rate: 11.9 },
    http_req_failed: { passes: 3, fails: 117, value: 0.025, thresholds: { 'rate<0.01': true } },
    http_req_duration: { avg: 12, min: 1, med: 9, max: 80, 'p(90)': 30, 'p(95)': 41 },
    'http_req_duration{expected_response:true}': { avg: 11, min: 1, med: 9, max: 70, 'p(90)': 28, 'p(95)': 39 },
    'http_req_duration{step:page}': { avg: 5, min: 1, med: 4, max: 20, 'p(90)': 8, 'p(95)': 9.5, thresholds: { 'p(95)<500': false } },
    'http_req_duration{step:order}': { avg: 20, min: 9, med: 18, max: 80, 'p(90)': 60, 'p(95)': 70, thresholds: { 'p(95)<1500': false } },
    orders_placed: { count: 40, rate: 3.9, thresholds: { 'count>0': false } },
    checks: { passes: 160, fails: 0, value: 1 },
  },
  root_group: { name: '', groups: {}, checks: {} },
};

describe('reading a k6 summary export', () => {
  it('counts requests and failures, and reads each threshold as passed or failed with the value it compared', () => {
    const summary = parseSummary(shopperLike);
    assert.equal(summary.requests, 120);
    assert.equal(summary.failedRate, 0.025);
    const failed = summary.thresholds.filter((t) => !t.passed);
    assert.deepEqual(failed, [{ metric: 'http_req_failed', expression: 'rate<0.01', passed: false, value: 0.025 }]);
    assert.equal(summary.thresholds.length, 4);
    assert.equal(summary.thresholds.find((t) => t.metric === 'orders_placed')?.value, 40);
  });

  it('gives the p95 of each tagged step (not k6s own expected_response split), and the overall p95 only for a script without tagged steps', () => {
    assert.deepEqual(parseSummary(shopperLike).p95, [
      { step: 'page', p95Ms: 9.5 },
      { step: 'order', p95Ms: 70 },
    ]);
    const untagged = { metrics: { http_reqs: { count: 5 }, http_req_duration: { 'p(95)': 12.5 }, 'http_req_duration{expected_response:true}': { 'p(95)': 11 } } };
    assert.deepEqual(parseSummary(untagged).p95, [{ step: 'all', p95Ms: 12.5 }]);
    const slow = parseSummary({ metrics: { 'http_req_duration{page:slow}': { med: 210, 'p(95)': 230, thresholds: { 'p(50)>2900': true } } } });
    assert.deepEqual(slow.thresholds, [{ metric: 'http_req_duration{page:slow}', expression: 'p(50)>2900', passed: false, value: 210 }]);
    assert.equal(parseSummary(untagged).failedRate, undefined);
  });

  it('names the aggregate a threshold expression reads', () => {
    assert.equal(aggregateOf('p(95)<1500'), 'p(95)');
    assert.equal(aggregateOf('p(99.9)<1500'), 'p(99.9)');
    assert.equal(aggregateOf('rate>=0.95'), 'value');
    assert.equal(aggregateOf('avg<2.5'), 'avg');
    assert.equal(aggregateOf('count>0'), 'count');
  });

  it('refuses what is not a summary', () => {
    assert.throws(() => parseSummary({}), /not a k6 summary/);
    assert.throws(() => parseSummary(null), /not a k6 summary/);
  });
});

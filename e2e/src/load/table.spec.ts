import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { K6RunResult } from './k6-run';
import { parseSummary } from './summary';
import { formatReport } from './table';

const held: K6RunResult = {
  name: 'shopper',
  exitCode: 0,
  durationMs: 31_200,
  logFile: '/tmp/shopper.log',
  summary: parseSummary({
    metrics: {
      http_reqs: { count: 1095 },
      http_req_failed: { value: 0, thresholds: { 'rate<0.01': false } },
      'http_req_duration{step:order}': { 'p(95)': 29.04, thresholds: { 'p(95)<1500': false } },
    },
  }),
};
const broken: K6RunResult = {
  name: 'retry-storm',
  exitCode: 99,
  durationMs: 40_000,
  logFile: '/tmp/retry-storm.log',
  summary: parseSummary({
    metrics: {
      http_reqs: { count: 2100 },
      http_req_failed: { value: 0.49 },
      http_req_duration: { 'p(95)': 140 },
      calls_succeeded: { value: 0.5123, thresholds: { 'rate>=0.95': true } },
    },
  }),
};
broken.requestError = 'Get "http://127.0.2.7:8080/call": dial tcp 127.0.2.7:8080: connect: connection refused';
const crashed: K6RunResult = { name: 'pages', exitCode: 107, durationMs: 900, logFile: '/tmp/pages.log', error: 'k6 exit 107: SyntaxError' };

describe('the load table', () => {
  const lines = formatReport([held, broken, crashed]);

  it('has one row per script, with requests, failed share, p95 per step, thresholds held and duration', () => {
    const row = (name: string) => lines.find((l) => l.startsWith(name)) ?? '';
    assert.match(lines[0], /^script\s+requests\s+failed\s+p95 by step\s+thresholds\s+duration\s+result$/);
    assert.match(row('shopper'), /1,095\s+0\.00%\s+order 29\.0 ms\s+2\/2 passed\s+31\.2 s\s+ok$/);
    assert.match(row('retry-storm'), /2,100\s+49\.00%\s+all 140 ms\s+0\/1 passed\s+40\.0 s\s+FAILED$/);
    assert.match(row('pages'), /-\s+-\s+-\s+-\s+0\.9 s\s+ERROR$/);
  });

  it('says under the table which threshold failed with its value, and why a script did not run', () => {
    assert.ok(lines.includes('retry-storm: threshold calls_succeeded rate>=0.95 failed (0.5123)'));
    assert.ok(lines.includes('pages: k6 exit 107: SyntaxError (log: /tmp/pages.log)'));
    assert.ok(lines.includes('retry-storm: last failed request: Get "http://127.0.2.7:8080/call": dial tcp 127.0.2.7:8080: connect: connection refused'));
    assert.ok(!lines.some((l) => l.startsWith('shopper:')));
  });
});

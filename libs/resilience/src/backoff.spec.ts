import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles per retry, between half and all of the ceiling, capped at maxMs', () => {
    const low = () => 0;
    const high = () => 0.999_999;
    assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelay(n, { baseMs: 100, maxMs: 10_000, random: low })), [50, 100, 200, 400]);
    assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelay(n, { baseMs: 100, maxMs: 10_000, random: high })), [100, 200, 400, 800]);
    assert.equal(backoffDelay(10, { baseMs: 100, maxMs: 1_000, random: high }), 1_000);
    assert.equal(backoffDelay(3, { baseMs: 0, maxMs: 1_000 }), 0);
  });

  it('spreads delays: jitter gives different waits for the same retry', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, { baseMs: 100, maxMs: 10_000 })));
    assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
    for (const d of delays) assert.ok(d >= 200 && d <= 400, `delay ${d} outside 200..400`);
  });
});

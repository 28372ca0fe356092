import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomFillSync } from 'node:crypto';
import { PooledIdGenerator } from './id-generator';

describe('PooledIdGenerator', () => {
  it('gives 128-bit trace ids and 64-bit span ids in lowercase hex, across several refills of its pool', () => {
    const ids = new PooledIdGenerator();
    for (let i = 0; i < 1000; i++) {
      assert.match(ids.generateTraceId(), /^[0-9a-f]{32}$/);
      assert.match(ids.generateSpanId(), /^[0-9a-f]{16}$/);
    }
  });

  it('never repeats an id, within one generator or between two', () => {
    const first = new PooledIdGenerator();
    const second = new PooledIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      seen.add(first.generateSpanId());
      seen.add(second.generateSpanId());
    }
    assert.equal(seen.size, 10_000);
  });

  it('uses every hex digit in every position (the ids are random, not counters)', () => {
    const ids = new PooledIdGenerator();
    const digitsAt = Array.from({ length: 16 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...ids.generateSpanId()].forEach((digit, at) => digitsAt[at].add(digit));
    assert.deepEqual(
      digitsAt.map((digits) => digits.size),
      Array.from({ length: 16 }, () => 16),
    );
  });

  it('skips all-zero ids, which B3 and W3C both treat as invalid', () => {
    let fills = 0;
    const ids = new PooledIdGenerator((bytes) => (fills++ === 0 ? bytes.fill(0) : randomFillSync(bytes)));
    assert.notEqual(ids.generateTraceId(), '0'.repeat(32));
    assert.notEqual(ids.generateSpanId(), '0'.repeat(16));
    assert.equal(fills, 2);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BreakerState, CircuitBreaker } from './breaker';

function breakerWithClock(failureThreshold = 3, openMs = 1_000) {
  const clock = { now: 0 };
  const transitions: string[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold,
    openMs,
    now: () => clock.now,
    onTransition: (from: BreakerState, to: BreakerState) => void transitions.push(`${from}->${to}`),
  });
  return { breaker, clock, transitions };
}

describe('CircuitBreaker', () => {
  it('opens only after N consecutive failures; a success in between starts the count again', () => {
    const { breaker } = breakerWithClock(3);
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.admit(), 'call');
    breaker.recordFailure();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.admit(), 'reject');
  });

  it('lets exactly one probe through after openMs, and closes when it succeeds', () => {
    const { breaker, clock, transitions } = breakerWithClock(2, 1_000);
    breaker.recordFailure();
    breaker.recordFailure();
    clock.now = 999;
    assert.equal(breaker.admit(), 'reject');
    assert.equal(breaker.retryAfterMs(), 1);
    clock.now = 1_000;
    assert.equal(breaker.admit(), 'probe');
    assert.equal(breaker.admit(), 'reject', 'a second caller fails fast while the probe is out');
    breaker.recordSuccess();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.admit(), 'call');
    assert.deepEqual(transitions, ['closed->open', 'open->half_open', 'half_open->closed']);
  });

  it('opens again for another openMs when the probe fails', () => {
    const { breaker, clock, transitions } = breakerWithClock(1, 500);
    breaker.recordFailure();
    clock.now = 600;
    assert.equal(breaker.admit(), 'probe');
    breaker.recordFailure();
    assert.equal(breaker.state, 'open');
    clock.now = 1_099;
    assert.equal(breaker.admit(), 'reject');
    clock.now = 1_100;
    assert.equal(breaker.admit(), 'probe');
    assert.deepEqual(transitions, ['closed->open', 'open->half_open', 'half_open->open', 'open->half_open']);
  });

  it('lets another probe go when the probe ended without a verdict', () => {
    const { breaker, clock } = breakerWithClock(1, 10);
    breaker.recordFailure();
    clock.now = 10;
    assert.equal(breaker.admit(), 'probe');
    breaker.releaseProbe();
    assert.equal(breaker.admit(), 'probe');
  });

  it('rejects nonsense settings', () => {
    assert.throws(() => new CircuitBreaker({ failureThreshold: 0, openMs: 1 }), RangeError);
    assert.throws(() => new CircuitBreaker({ failureThreshold: 1, openMs: -1 }), RangeError);
  });
});

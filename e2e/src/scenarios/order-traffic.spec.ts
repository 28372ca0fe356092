// The accounting broker-pod-loss is judged by, on made-up answers (no lab: the loop itself runs in the scenario on a
// cluster): the error rate from the fault, the time back to no errors, and every 201 against the queue's messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountQueue, faultWindow, type OrderAttempt, tally } from './order-traffic';

const at = (sentAt: number, status: number | undefined, extra: Partial<OrderAttempt> = {}): OrderAttempt => ({
  sentAt,
  answeredAt: sentAt + 5,
  ...(status !== undefined ? { status } : { errorCode: 'ECONNRESET' }),
  ...(status === 201 ? { orderId: `o${sentAt}` } : {}),
  ...extra,
});

describe('order traffic accounting', () => {
  const attempts = [
    at(0, 201),
    at(200, 201),
    at(400, 503, { error: 'broker_unavailable', retryAfter: '1' }),
    at(600, 502, { error: 'upstream_unreachable' }),
    at(800, 201),
    at(1000, undefined),
    at(1200, 201),
    at(1400, 201),
  ];

  it('tallies the answers by status and error code', () => {
    assert.equal(tally(attempts), 'HTTP 201 ×5, HTTP 503 broker_unavailable ×1, HTTP 502 upstream_unreachable ×1, no response (ECONNRESET) ×1');
    assert.equal(tally([]), 'no orders');
  });

  it('measures the fault from its start to the last failure, and the time to the first 201 after it', () => {
    const window = faultWindow(attempts, 300);
    assert.deepEqual(window.during, { orders: 4, failed: 3 });
    assert.equal(window.backToNoErrorsMs, 1205 - 300);
    assert.equal(faultWindow(attempts.slice(0, 4), 300).backToNoErrorsMs, undefined, 'still failing at the end');
    assert.deepEqual(faultWindow(attempts.slice(0, 2), 100).during, { orders: 0, failed: 0 });
  });

  it('finds a 201 whose order is not in the queue, one that is there twice, and counts queued orders that were refused', () => {
    const body = (orderId: string) => JSON.stringify({ orderId, items: [] });
    const ok = accountQueue(attempts, ['o0', 'o200', 'o800', 'o1200', 'o1400'].map(body));
    assert.deepEqual(ok, { acknowledged: 5, missing: [], duplicated: [], unacknowledgedQueued: 0 });
    const bad = accountQueue(attempts, ['o0', 'o0', 'o800', 'o1200', 'o1400', 'refused-but-queued'].map(body));
    assert.deepEqual(bad, { acknowledged: 5, missing: ['o200'], duplicated: ['o0'], unacknowledgedQueued: 1 });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pollUntil } from './poll';

describe('pollUntil', () => {
  it('resolves with the first value the probe returns', async () => {
    let calls = 0;
    assert.equal(await pollUntil(() => (++calls >= 3 ? 'done' : undefined), { intervalMs: 1 }), 'done');
    assert.equal(calls, 3);
  });

  it('fails after the deadline, saying what it waited for', async () => {
    await assert.rejects(pollUntil(() => false, { timeoutMs: 30, intervalMs: 5, what: 'the moon' }), /timed out after 30 ms waiting for the moon/);
  });
});

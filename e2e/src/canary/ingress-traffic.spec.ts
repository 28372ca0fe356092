// Reading answers that came through the ingress, and the clear failure on a target without an ingress.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpResult } from '../evidence/http';
import type { Target } from '../targets/target';
import { answeredBy, formatTally, ingressOf, tallyAnswers } from './ingress-traffic';

const answer = (status: number | undefined, body = '', errorCode?: string): HttpResult => ({ url: 'http://ingress/', status, body, headers: {}, durationMs: 1, errorCode });

describe('requests through the ingress', () => {
  it('names who answered: the version of a 200, else the status or the socket error', () => {
    assert.equal(answeredBy(answer(200, 'Version v2: server id retry-backend-v2-1a2b3')), 'v2');
    assert.equal(answeredBy(answer(503, '{"error":"fault_injected"}')), '503');
    assert.equal(answeredBy(answer(undefined, '', 'ECONNREFUSED')), 'ECONNREFUSED');
    assert.equal(answeredBy(answer(200, 'hello')), '200 "hello"');
  });

  it('tallies and prints shares', () => {
    const counts = tallyAnswers([answer(200, 'Version v1: server id a'), answer(200, 'Version v1: server id a'), answer(200, 'Version v2: server id b'), answer(503)]);
    assert.deepEqual(counts, { v1: 2, v2: 1, '503': 1 });
    assert.equal(formatTally(counts), '503: 1 (25.0%), v1: 2 (50.0%), v2: 1 (25.0%)');
  });

  it('a target without an ingress controller fails with a message naming it', () => {
    assert.throws(() => ingressOf({ name: 'kind' } as Target), /not supported by the kind target/);
  });
});

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from '@faultline/service-kit/testing';
import { retryClient } from './app';

describe('retry-client', () => {
  let svc: TestService<ReturnType<typeof retryClient>['config']>;
  before(async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    svc = await startTestService(retryClient(), { RETRY_BACKEND_URL: `http://127.0.0.1:${port}`, MAX_ATTEMPTS: '3', RETRY_BACKOFF_MS: '1' });
  });
  after(() => svc.stop());

  it('answers 400 JSON for a bad failRate or mode, without calling the backend', async () => {
    for (const query of ['failRate=101', 'failRate=-3', 'failRate=half', 'mode=melt']) {
      const res = await fetch(`${svc.url}/call?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as { error: string }).error, 'validation_failed');
    }
    assert.doesNotMatch(await (await fetch(`${svc.url}/metrics`)).text(), /resilience_attempts_total\{/);
  });

  it('answers 502 JSON naming ECONNREFUSED after retrying an unreachable backend', async () => {
    const res = await fetch(`${svc.url}/call?failRate=0`);
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: string; message: string; outcome: string; attempts: number; status: null };
    assert.equal(body.error, 'backend_unreachable');
    assert.equal(body.outcome, 'error');
    assert.equal(body.attempts, 3);
    assert.equal(body.status, null);
    assert.match(body.message, /ECONNREFUSED/);
    assert.ok(svc.logs.some((l) => l.msg === 'backend call failed' && l.code === 'backend_unreachable'));
  });

  it('refuses a MAX_ATTEMPTS of 0 at start-up', async () => {
    await assert.rejects(startTestService(retryClient(), { MAX_ATTEMPTS: '0' }), /MAX_ATTEMPTS/);
  });
});

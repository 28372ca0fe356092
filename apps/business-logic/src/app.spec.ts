import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from '@faultline/service-kit/testing';
import { businessLogic } from './app';

describe('business-logic', () => {
  let svc: TestService<ReturnType<typeof businessLogic>['config']>;

  before(async () => {
    svc = await startTestService(businessLogic(), { SLOW_SECONDS: '0.3' });
  });
  after(() => svc.stop());

  it('/slow-endpoint takes SLOW_SECONDS (fractions allowed)', async () => {
    const started = performance.now();
    const res = await fetch(`${svc.url}/slow-endpoint`);
    const elapsed = performance.now() - started;
    assert.equal(res.status, 200);
    const body = (await res.json()) as { endpoint: string; seconds: number };
    assert.equal(body.endpoint, 'slow');
    assert.equal(body.seconds, 0.3);
    assert.ok(elapsed >= 290, `answered after ${elapsed} ms`);
    assert.ok(svc.logs.some((l) => l.msg === 'data transformation finished'));
  });

  it('/fast-endpoint answers without the delay', async () => {
    const res = await fetch(`${svc.url}/fast-endpoint`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { endpoint: string }).endpoint, 'fast');
  });

  it('counts both endpoints in the latency histogram by route', async () => {
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    assert.match(metrics, /http_request_duration_seconds_count\{method="GET",route="\/slow-endpoint",status_code="200"\} 1/);
    assert.match(metrics, /http_request_duration_seconds_count\{method="GET",route="\/fast-endpoint",status_code="200"\} 1/);
    assert.match(metrics, /http_request_duration_seconds_bucket\{le="0.25",method="GET",route="\/slow-endpoint",status_code="200"\} 0/);
  });

  it('refuses a negative or non-numeric SLOW_SECONDS at start-up', async () => {
    await assert.rejects(startTestService(businessLogic(), { SLOW_SECONDS: '-1' }), /SLOW_SECONDS/);
    await assert.rejects(startTestService(businessLogic(), { SLOW_SECONDS: 'slow' }), /SLOW_SECONDS/);
  });
});

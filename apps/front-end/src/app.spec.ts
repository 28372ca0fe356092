/** front-end in-process, against an in-process business-logic (tracing is off here: no preload). */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from '@faultline/service-kit/testing';
import { businessLogicStub } from './testing/business-logic-stub';
import { frontEnd } from './app';

describe('front-end', () => {
  let backend: Awaited<ReturnType<typeof businessLogicStub>>;
  let svc: TestService<ReturnType<typeof frontEnd>['config']>;

  before(async () => {
    backend = await businessLogicStub(200);
    svc = await startTestService(frontEnd(), { BUSINESS_LOGIC_URL: backend.url });
  });
  after(async () => {
    await svc.stop();
    await backend.close();
  });

  it('serves the demo page with both buttons at /demo-app/ and redirects /demo-app there', async () => {
    const page = await fetch(`${svc.url}/demo-app/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<button id="slow-button"[^>]*>Slow page<\/button>/);
    assert.match(html, /<button id="fast-button"[^>]*>Fast page<\/button>/);
    const redirect = await fetch(`${svc.url}/demo-app`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/demo-app/');
  });

  it('/slow-page waits for business-logic /slow-endpoint and passes its answer on', async () => {
    const started = performance.now();
    const res = await fetch(`${svc.url}/slow-page`);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 190);
    const body = (await res.json()) as { page: string; upstream: { endpoint: string } };
    assert.equal(body.page, 'slow');
    assert.equal(body.upstream.endpoint, 'slow');
    assert.deepEqual(backend.paths, ['/slow-endpoint']);
  });

  it('/fast-page answers without calling business-logic', async () => {
    const res = await fetch(`${svc.url}/fast-page`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { page: string }).page, 'fast');
    assert.deepEqual(backend.paths, ['/slow-endpoint']);
  });

  it('answers 502 JSON naming the error when business-logic is unreachable or failing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const orphan = await startTestService(frontEnd(), { BUSINESS_LOGIC_URL: `http://127.0.0.1:${port}` });
    const failing = await businessLogicStub(0, 500);
    const broken = await startTestService(frontEnd(), { BUSINESS_LOGIC_URL: failing.url });
    try {
      const res = await fetch(`${orphan.url}/slow-page`);
      assert.equal(res.status, 502);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'business_logic_unavailable');
      assert.match(body.message, /ECONNREFUSED/);
      const bad = await fetch(`${broken.url}/slow-page`);
      assert.equal(bad.status, 502);
      assert.equal(((await bad.json()) as { error: string }).error, 'business_logic_error');
    } finally {
      await orphan.stop();
      await broken.stop();
      await failing.close();
    }
  });
});

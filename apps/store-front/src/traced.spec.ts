import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AppProcess, type BuiltApp, bundleApp, pollUntil, runApp, unusedLoopbackPort } from '@faultline/test-support';
import { type RunningZipkinReceiver, startZipkinReceiver } from '@faultline/zipkin-receiver';

describe('store-front as built, with the tracing preload: an unreachable order-service', () => {
  let zipkin: RunningZipkinReceiver;
  let built: BuiltApp;
  let app: AppProcess;
  let port = 0;

  before(async () => {
    zipkin = await startZipkinReceiver();
    built = await bundleApp('store-front');
    port = await unusedLoopbackPort();
    app = await runApp(built, {
      OTEL_SERVICE_NAME: 'store-front',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
      ORDER_SERVICE_URL: `http://127.0.0.1:${port}`,
      PRODUCT_SERVICE_URL: `http://127.0.0.1:${port}`,
    });
  });
  after(async () => {
    await app?.kill();
    await built?.remove();
    await zipkin?.close();
  });

  it('shows ECONNREFUSED towards order-service in the answer, the log line and the spans', async () => {
    const res = await fetch(`${app.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c', items: [{ productId: 1, quantity: 1, price: 9.99 }] }),
    });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: string; upstream: string; code: string };
    assert.deepEqual([body.error, body.upstream, body.code], ['upstream_unreachable', 'order-service', 'ECONNREFUSED']);

    const logged = await pollUntil(() => app.logs.find((l) => l.msg === 'upstream request failed'), { what: 'the log line' });
    assert.equal(logged.upstream, 'order-service');
    assert.equal(logged.code, 'ECONNREFUSED');
    assert.equal(logged.url, `http://127.0.0.1:${port}/`);
    const traceId = String(logged.trace_id);
    assert.match(traceId, /^[0-9a-f]{16,32}$/);

    const spans = await zipkin.store.waitFor(
      (store) => {
        const trace = store.trace(traceId) ?? [];
        return trace.some((s) => s.name === 'proxy order-service') && trace.some((s) => s.kind === 'SERVER') ? trace : undefined;
      },
      10_000,
      'the proxy and server spans',
    );
    const proxy = spans.find((s) => s.name === 'proxy order-service');
    assert.equal(proxy?.tags?.['error.type'], 'ECONNREFUSED');
    assert.equal(proxy?.tags?.['otel.status_code'], 'ERROR');
    assert.match(String(proxy?.tags?.error), /^ECONNREFUSED: order-service unreachable/);
    // The route's span (parent of the proxy span) carries the code too; the server span is a failed 502.
    const route = spans.find((s) => s.id === proxy?.parentId);
    assert.equal(route?.tags?.['error.type'], 'ECONNREFUSED');
    const server = spans.find((s) => s.kind === 'SERVER');
    assert.equal(server?.tags?.['http.response.status_code'] ?? server?.tags?.['http.status_code'], '502');
    assert.equal(server?.tags?.['otel.status_code'], 'ERROR');
    const client = spans.find((s) => s.kind === 'CLIENT' && s.parentId === proxy?.id);
    assert.equal(client?.tags?.['error.type'], 'ECONNREFUSED', 'the instrumented client call failed the same way');
  });
});

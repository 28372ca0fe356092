import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type AppProcess,
  brokerAvailable,
  type BuiltApp,
  bundleApp,
  drainQueue,
  NO_BROKER_MESSAGE,
  pollUntil,
  runApp,
  TEST_BROKER_URL,
  uniqueQueue,
} from '@faultline/test-support';
import { type RunningZipkinReceiver, startZipkinReceiver, type ZipkinSpan } from '@faultline/zipkin-receiver';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

describe('order-service as built, with the tracing preload', () => {
  let zipkin: RunningZipkinReceiver;
  let built: BuiltApp;
  let app: AppProcess;
  let reachable = false;
  const queue = uniqueQueue();

  before(async () => {
    reachable = await brokerAvailable();
    if (!reachable) return void console.warn(NO_BROKER_MESSAGE);
    zipkin = await startZipkinReceiver();
    built = await bundleApp('order-service');
    app = await runApp(built, {
      OTEL_SERVICE_NAME: 'order-service',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
      RABBITMQ_URL: TEST_BROKER_URL,
      ORDER_QUEUE_NAME: queue,
      EXTERNAL_SERVER_URL: 'http://nonexistent.invalid',
    });
    await pollUntil(async () => (await fetch(`${app.url}/readyz`)).status === 200, { timeoutMs: 10_000, what: 'ready' });
  });
  after(async () => {
    if (!reachable) return;
    await app?.kill();
    await built?.remove();
    await zipkin?.close();
    await drainQueue(queue).catch(() => undefined);
  });

  const spansOf = (traceId: string) => zipkin.store.trace(traceId) ?? [];

  it('carries the caller’s B3 trace into the message headers, from the amqplib publish span', async (t) => {
    if (!reachable) return void t.skip(NO_BROKER_MESSAGE);
    const res = await fetch(`${app.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': PARENT_SPAN_ID, 'x-b3-sampled': '1' },
      body: JSON.stringify({ customerId: 'c-traced', items: [{ productId: 4, quantity: 1, price: 11.99 }] }),
    });
    assert.equal(res.status, 201);
    const { orderId } = (await res.json()) as { orderId: string };
    const [message] = await drainQueue(queue, { keep: true });
    assert.equal(message.properties.messageId, orderId);
    const headers = message.properties.headers as Record<string, unknown>;
    assert.equal(headers['x-b3-traceid'], TRACE_ID);
    assert.equal(headers['x-b3-sampled'], '1');
    assert.match(String(headers['x-b3-spanid']), /^[0-9a-f]{16}$/);

    const publish = await zipkin.store.waitFor(
      () => spansOf(TRACE_ID).find((span) => span.id === headers['x-b3-spanid']),
      10_000,
      'the span named in the message headers',
    );
    assert.equal(publish.kind, 'PRODUCER', 'the amqplib instrumentation injected its publish span');
    const server = spansOf(TRACE_ID).find((span) => span.kind === 'SERVER');
    assert.equal(server?.parentId, PARENT_SPAN_ID);
  });

  it('an order with product 11 and an unresolvable external host: 502 with the code in body, log and span', async (t) => {
    if (!reachable) return void t.skip(NO_BROKER_MESSAGE);
    const res = await fetch(`${app.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c-11', items: [{ productId: 11, quantity: 1, price: 99.99 }] }),
    });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { code: string; error: string };
    assert.match(body.code, /^(ENOTFOUND|EAI_AGAIN)$/);
    assert.equal(body.error, 'external_call_failed');

    const logged = await pollUntil(() => app.logs.find((line) => line.msg === 'external server call failed'), { what: 'the log line' });
    assert.equal(logged.code, body.code);
    assert.match(String(logged.trace_id), /^[0-9a-f]{16,32}$/);

    const traceId = String(logged.trace_id);
    const call: ZipkinSpan = await zipkin.store.waitFor(
      () => spansOf(traceId).find((span) => span.name === 'call external-server'),
      10_000,
      'the external call span',
    );
    assert.equal(call.tags?.['error.type'], body.code);
    assert.equal(call.tags?.['otel.status_code'], 'ERROR');
    assert.match(String(call.tags?.error), new RegExp(`^${body.code}: `));
    assert.ok(call.annotations?.some((a) => a.value === 'exception'), 'the exception is recorded on the span');
  });
});

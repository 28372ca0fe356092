import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import { pollUntil, startTestService } from '@faultline/service-kit/testing';
import { orderService, type OrderServiceOptions } from './app';
import type { OrderMessage } from './publisher';
import { brokerAvailable, brokerTarget, drainQueue, NO_BROKER_MESSAGE, rabbitmqctl, startTcpProxy, TEST_BROKER_URL, uniqueQueue } from '@faultline/test-support';

const ORDER = { customerId: 'c-42', items: [{ productId: 3, quantity: 2, price: 12.99 }] };
const FAST_RECONNECT = { initialMs: 50, maxMs: 400 };

const start = (env: Record<string, string>, options: OrderServiceOptions = {}) =>
  startTestService(orderService({ reconnect: FAST_RECONNECT, ...options }), env);
type Svc = Awaited<ReturnType<typeof start>>;

const postOrder = (svc: Svc, body: unknown = ORDER) =>
  fetch(`${svc.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ready = async (svc: Svc) => (await fetch(`${svc.url}/readyz`)).status === 200;

describe('order-service against RabbitMQ', () => {
  let reachable = false;
  const services: Svc[] = [];
  const queues: string[] = [];
  const skipWithoutBroker = (t: TestContext) => {
    if (!reachable) t.skip(NO_BROKER_MESSAGE);
    return !reachable;
  };

  before(async () => {
    reachable = await brokerAvailable();
    if (!reachable) console.warn(NO_BROKER_MESSAGE);
  });
  after(async () => {
    for (const svc of services) await svc.stop();
    for (const queue of queues) await drainQueue(queue).catch(() => undefined);
  });

  it('ORDER_QUEUE_TYPE=quorum declares a quorum queue (replicated over a broker cluster) and takes orders on it', async (t) => {
    if (skipWithoutBroker(t)) return;
    const queue = uniqueQueue();
    queues.push(queue);
    const svc = await start({ RABBITMQ_URL: TEST_BROKER_URL, ORDER_QUEUE_NAME: queue, ORDER_QUEUE_TYPE: 'quorum' });
    services.push(svc);
    await pollUntil(() => ready(svc), { timeoutMs: 10_000, what: 'order-service ready' });
    const res = await postOrder(svc);
    assert.equal(res.status, 201);
    const { orderId } = (await res.json()) as { orderId: string };
    const { stdout } = await rabbitmqctl(['list_queues', '--quiet', '--no-table-headers', 'name', 'type']);
    assert.match(stdout, new RegExp(`^${queue}\\s+quorum$`, 'm'));
    const [message] = await drainQueue(queue, { keep: true });
    assert.equal((JSON.parse(message.content.toString()) as OrderMessage).orderId, orderId);
  });

  it('answers 201 with the order id only once the order is in the durable queue, persistent, as JSON', async (t) => {
    if (skipWithoutBroker(t)) return;
    const queue = uniqueQueue();
    queues.push(queue);
    const svc = await start({ RABBITMQ_URL: TEST_BROKER_URL, ORDER_QUEUE_NAME: queue });
    services.push(svc);
    await pollUntil(() => ready(svc), { timeoutMs: 10_000, what: 'order-service ready' });

    const before = Date.now();
    const res = await postOrder(svc);
    assert.equal(res.status, 201);
    const { orderId } = (await res.json()) as { orderId: string };
    assert.match(orderId, /^[0-9a-f-]{36}$/);

    // Confirmed means already queued: read it back at once, no waiting.
    const [message, ...rest] = await drainQueue(queue, { keep: true });
    assert.equal(rest.length, 0);
    const body = JSON.parse(message.content.toString()) as OrderMessage;
    assert.deepEqual({ ...body, createdAt: undefined }, { orderId, ...ORDER, createdAt: undefined });
    assert.ok(Date.parse(body.createdAt) >= before - 1000 && Date.parse(body.createdAt) <= Date.now());
    assert.equal(message.properties.deliveryMode, 2, 'persistent');
    assert.equal(message.properties.contentType, 'application/json');
    assert.equal(message.properties.messageId, orderId);
    assert.ok(svc.logs.some((l) => l.msg === 'order accepted' && l.orderId === orderId));
  });

  it('answers 503 with Retry-After, not 201, when the broker refuses (nacks) the order', async (t) => {
    if (skipWithoutBroker(t)) return;
    const queue = uniqueQueue();
    queues.push(queue);
    const policy = `reject-${queue}`;
    const svc = await start({ RABBITMQ_URL: TEST_BROKER_URL, ORDER_QUEUE_NAME: queue });
    services.push(svc);
    await pollUntil(() => ready(svc), { timeoutMs: 10_000, what: 'order-service ready' });
    // A policy on this test's queue only: a full queue that rejects publishes makes the broker nack.
    await rabbitmqctl(['set_policy', '--apply-to', 'queues', policy, `^${queue}$`, '{"max-length":0,"overflow":"reject-publish"}']);
    try {
      const res = await pollUntil(
        async () => {
          const answer = await postOrder(svc);
          return answer.status === 201 ? false : answer;
        },
        { timeoutMs: 10_000, what: 'the policy to apply' },
      );
      assert.equal(res.status, 503);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'broker_unavailable');
      assert.match(body.message, /did not confirm/);
    } finally {
      await rabbitmqctl(['clear_policy', policy]);
    }
    await pollUntil(async () => (await postOrder(svc)).status === 201, { timeoutMs: 10_000, what: 'orders accepted again' });
  });

  it('starts without the broker: /readyz 503 and orders 503 + Retry-After, until the broker is reachable', async (t) => {
    if (skipWithoutBroker(t)) return;
    const queue = uniqueQueue();
    queues.push(queue);
    const proxy = await startTcpProxy();
    t.after(() => proxy.close());
    const svc = await start({ RABBITMQ_URL: proxy.urlFor(TEST_BROKER_URL), ORDER_QUEUE_NAME: queue });
    services.push(svc);

    const readyz = await fetch(`${svc.url}/readyz`);
    assert.equal(readyz.status, 503);
    assert.deepEqual(((await readyz.json()) as { failing: string[] }).failing, ['broker']);
    assert.equal((await fetch(`${svc.url}/healthz`)).status, 200, 'alive while the broker is away');
    const refused = await postOrder(svc);
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(((await refused.json()) as { error: string }).error, 'broker_unavailable');
    await pollUntil(() => svc.logs.some((l) => l.msg === 'broker connection failed'), { what: 'a failed attempt logged' });

    proxy.pointAt(brokerTarget());
    await pollUntil(() => ready(svc), { timeoutMs: 10_000, what: 'ready once the broker is reachable' });
    const res = await postOrder(svc);
    assert.equal(res.status, 201);
    const { orderId } = (await res.json()) as { orderId: string };
    const messages = await drainQueue(queue, { keep: true });
    assert.deepEqual(messages.map((m) => m.properties.messageId), [orderId]);
  });

  it('reconnects after the broker closes its connection (rabbitmqctl close_connection)', async (t) => {
    if (skipWithoutBroker(t)) return;
    const queue = uniqueQueue();
    queues.push(queue);
    const connectionName = `order-service-test-${randomUUID()}`;
    const svc = await start({ RABBITMQ_URL: TEST_BROKER_URL, ORDER_QUEUE_NAME: queue }, { connectionName });
    services.push(svc);
    await pollUntil(() => ready(svc), { timeoutMs: 10_000, what: 'order-service ready' });
    const first = await postOrder(svc);
    assert.equal(first.status, 201);

    // Close this service's connection only, found by its connection name.
    const { stdout } = await rabbitmqctl(['list_connections', '-q', '--no-table-headers', 'pid', 'client_properties']);
    const mine = stdout.split('\n').filter((line) => line.includes(`"${connectionName}"`));
    assert.equal(mine.length, 1, 'exactly one connection carries this test connection name');
    const pid = mine[0].split('\t')[0];
    assert.match(pid, /^<.+>$/);
    await rabbitmqctl(['close_connection', pid, 'closed by the order-service test']);

    await pollUntil(() => svc.logs.some((l) => l.msg === 'broker connection lost'), { timeoutMs: 10_000, what: 'the loss logged' });
    await pollUntil(() => svc.logs.filter((l) => l.msg === 'broker connected').length === 2, { timeoutMs: 10_000, what: 'reconnected' });
    const second = await postOrder(svc);
    assert.equal(second.status, 201);
    const ids = [(await first.json()) as { orderId: string }, (await second.json()) as { orderId: string }].map((b) => b.orderId);
    const messages = await drainQueue(queue, { keep: true });
    assert.deepEqual(messages.map((m) => m.properties.messageId), ids);
  });
});

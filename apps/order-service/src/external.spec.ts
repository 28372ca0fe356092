import assert from 'node:assert/strict';
import dns from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pollUntil, startTestService } from '@faultline/service-kit/testing';
import { orderService } from './app';
import { brokerAvailable, drainQueue, NO_BROKER_MESSAGE, TEST_BROKER_URL, uniqueQueue } from '@faultline/test-support';

const GADGET_ORDER = { customerId: 'c-11', items: [{ productId: 11, quantity: 1, price: 99.99 }] };
const PLAIN_ORDER = { customerId: 'c-1', items: [{ productId: 1, quantity: 1, price: 9.99 }] };

const start = (env: Record<string, string>) =>
  startTestService(orderService({ reconnect: { initialMs: 50, maxMs: 400 } }), { RABBITMQ_URL: TEST_BROKER_URL, ...env });
type Svc = Awaited<ReturnType<typeof start>>;

const postOrder = (svc: Svc, body: unknown) =>
  fetch(`${svc.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('order-service and the external server (product 11)', () => {
  const calls: IncomingMessage[] = [];
  let status = 200;
  const external = createServer((req, res) => {
    calls.push(req);
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  let externalPort = 0;
  const services: Svc[] = [];
  const started = async (env: Record<string, string>) => {
    const svc = await start(env);
    services.push(svc);
    return svc;
  };

  let closedPort = 0;
  before(async () => {
    externalPort = await listen(external);
    // A port nothing listens on (fetch refuses "bad" ports such as 1, so take a fresh one and free it).
    const probe = createServer();
    closedPort = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
  });
  after(async () => {
    for (const svc of services) await svc.stop();
    external.close();
  });

  it('calls the external server by a trailing-dot FQDN, through dns.lookup, before accepting the order', async (t) => {
    if (!(await brokerAvailable())) return void t.skip(NO_BROKER_MESSAGE);
    // Stand-in for the lab's cluster resolver, which is installed the same way: on dns.lookup.
    const lookups: string[] = [];
    const realLookup = dns.lookup;
    const stub = ((hostname: string, options: unknown, callback: unknown) => {
      lookups.push(hostname);
      const target = hostname === 'myexternalserver.com.' ? '127.0.0.1' : hostname;
      return (realLookup as (...args: unknown[]) => void)(target, options, callback);
    }) as typeof dns.lookup;
    dns.lookup = stub;
    t.after(() => {
      dns.lookup = realLookup;
    });
    const queue = uniqueQueue();
    t.after(() => drainQueue(queue).catch(() => undefined));
    const svc = await started({ ORDER_QUEUE_NAME: queue, EXTERNAL_SERVER_URL: `http://myexternalserver.com.:${externalPort}/` });
    await pollUntil(async () => (await fetch(`${svc.url}/readyz`)).status === 200, { timeoutMs: 10_000, what: 'ready' });

    calls.length = 0;
    const plain = await postOrder(svc, PLAIN_ORDER);
    assert.equal(plain.status, 201);
    assert.equal(calls.length, 0, 'orders without product 11 do not call the external server');

    const res = await postOrder(svc, GADGET_ORDER);
    assert.equal(res.status, 201);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].headers.host, `myexternalserver.com.:${externalPort}`);
    assert.deepEqual(lookups.filter((name) => name.includes('myexternalserver')), ['myexternalserver.com.'], 'the name is looked up as written, trailing dot included');
    const { orderId } = (await res.json()) as { orderId: string };
    const queued = (await drainQueue(queue, { keep: true })).map((m) => m.properties.messageId);
    assert.ok(queued.includes(orderId));
  });

  const failures: [string, () => string, RegExp, Record<string, string>?][] = [
    ['an unresolvable host', () => 'http://nonexistent.invalid/', /^(ENOTFOUND|EAI_AGAIN)$/],
    ['a refused connection', () => `http://127.0.0.1:${closedPort}/`, /^ECONNREFUSED$/],
    ['an error answer', () => `http://127.0.0.1:${externalPort}/`, /^EXTERNAL_STATUS_503$/],
  ];
  for (const [what, url, code] of failures) {
    it(`answers 502 naming the code for ${what}, in the body and the log, and queues nothing`, async () => {
      status = what === 'an error answer' ? 503 : 200;
      const queue = uniqueQueue();
      const svc = await started({ ORDER_QUEUE_NAME: queue, EXTERNAL_SERVER_URL: url() });
      try {
        const res = await postOrder(svc, GADGET_ORDER);
        assert.equal(res.status, 502);
        const body = (await res.json()) as { error: string; code: string; message: string; upstream: string };
        assert.equal(body.error, 'external_call_failed');
        assert.equal(body.upstream, 'external-server');
        assert.match(body.code, code);
        assert.ok(body.message.includes(body.code), body.message);
        const logged = svc.logs.find((l) => l.msg === 'external server call failed');
        assert.equal(logged?.code, body.code);
        assert.equal(logged?.level, 'error');
      } finally {
        status = 200;
      }
      if (await brokerAvailable()) assert.deepEqual(await drainQueue(queue).catch(() => []), []);
    });
  }

  it('answers 502 ETIMEDOUT when the external server does not answer within EXTERNAL_TIMEOUT_MS', async (t) => {
    const silent = createServer(() => undefined);
    const port = await listen(silent);
    t.after(() => {
      silent.closeAllConnections();
      silent.close();
    });
    const svc = await started({ EXTERNAL_SERVER_URL: `http://127.0.0.1:${port}/`, EXTERNAL_TIMEOUT_MS: '200', ORDER_QUEUE_NAME: uniqueQueue() });
    const res = await postOrder(svc, GADGET_ORDER);
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as { code: string }).code, 'ETIMEDOUT');
  });
});

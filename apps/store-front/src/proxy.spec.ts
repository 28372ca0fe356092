import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestService } from '@faultline/service-kit/testing';
import { storeFront } from './app';
import { upstreamUrl } from './proxy';

interface Seen {
  method: string;
  url: string;
  body: string;
  headers: IncomingMessage['headers'];
  /** The client port of the connection the request came on. */
  socketPort: number;
}

/** A stand-in upstream that records what it got and answers what the test asks for. */
function fakeUpstream(answer: (seen: Seen) => { status: number; body: string; type?: string; delayMs?: number }) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', body, headers: req.headers, socketPort: req.socket.remotePort ?? 0 };
      seen.push(entry);
      const { status, body: out, type = 'application/json', delayMs = 0 } = answer(entry);
      setTimeout(() => res.writeHead(status, { 'content-type': type, 'x-upstream': 'yes' }).end(out), delayMs);
    });
  });
  return { seen, server };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('store-front proxy', () => {
  const products = fakeUpstream((s) => {
    if (s.url === '/') return { status: 200, body: '[{"id":1,"name":"Ball","price":1}]' };
    if (s.url.startsWith('/boom')) return { status: 500, body: '{"error":"internal","message":"kaput"}' };
    if (s.url.startsWith('/slow')) return { status: 200, body: '{}', delayMs: 1_000 };
    return { status: 404, body: `{"error":"not_found","message":"no ${s.url}"}` };
  });
  const orders = fakeUpstream(() => ({ status: 201, body: '{"orderId":"o-1"}' }));
  const start = (env: Record<string, string>) => startTestService(storeFront(), env);
  let svc: Awaited<ReturnType<typeof start>>;
  let down: Awaited<ReturnType<typeof start>>;
  let closedPort = 0;

  before(async () => {
    const productsUrl = await listen(products.server);
    const ordersUrl = await listen(orders.server);
    svc = await start({ PRODUCT_SERVICE_URL: productsUrl, ORDER_SERVICE_URL: `${ordersUrl}/`, UPSTREAM_TIMEOUT_MS: '300' });
    const probe = createServer();
    closedPort = Number(new URL(await listen(probe)).port);
    await new Promise((resolve) => probe.close(resolve));
    down = await start({ PRODUCT_SERVICE_URL: 'http://nonexistent.invalid:3002', ORDER_SERVICE_URL: `http://127.0.0.1:${closedPort}` });
  });
  after(async () => {
    await svc.stop();
    await down.stop();
    for (const server of [products.server, orders.server]) {
      server.closeAllConnections();
      server.close();
    }
  });

  it('joins base and path like nginx proxy_pass with a trailing slash', () => {
    assert.equal(upstreamUrl('http://p:3002', '/', ''), 'http://p:3002/');
    assert.equal(upstreamUrl('http://p:3002/', '/7', '?a=1'), 'http://p:3002/7?a=1');
  });

  it('sends /api/products and /api/products/* to product-service, path after the prefix, query kept', async () => {
    const list = await fetch(`${svc.url}/api/products`);
    assert.equal(list.status, 200);
    assert.deepEqual(await list.json(), [{ id: 1, name: 'Ball', price: 1 }]);
    assert.equal(list.headers.get('x-upstream'), 'yes');
    await fetch(`${svc.url}/api/products/11?view=full`);
    const put = await fetch(`${svc.url}/api/products/`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"id":1}' });
    assert.equal(put.status, 200);
    assert.deepEqual(
      products.seen.map((s) => [s.method, s.url, s.body]),
      [
        ['GET', '/', ''],
        ['GET', '/11?view=full', ''],
        ['PUT', '/', '{"id":1}'],
      ],
    );
    assert.equal(products.seen[2].headers['content-type'], 'application/json');
  });

  it('opens a new upstream connection per request, as nginx proxy_pass does (a Service edit applies to the next request)', async () => {
    const before = products.seen.length;
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${svc.url}/api/products`)).status, 200);
    const requests = products.seen.slice(before);
    assert.equal(requests.length, 3);
    assert.ok(requests.every((r) => r.headers.connection === 'close'), 'Connection: close');
    assert.equal(new Set(requests.map((r) => r.socketPort)).size, 3, 'three connections');
  });

  it('sends POST /api/orders to order-service / with the body, and passes the answer through', async () => {
    const order = { customerId: 'c', items: [{ productId: 1, quantity: 1, price: 1 }] };
    const res = await fetch(`${svc.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { orderId: 'o-1' });
    assert.equal(orders.seen.at(-1)?.url, '/');
    assert.deepEqual(JSON.parse(orders.seen.at(-1)?.body ?? ''), order);
  });

  it('passes upstream 4xx and 5xx answers through as they are', async () => {
    const missing = await fetch(`${svc.url}/api/products/99`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found', message: 'no /99' });
    const failed = await fetch(`${svc.url}/api/products/boom`);
    assert.equal(failed.status, 500);
    assert.deepEqual(await failed.json(), { error: 'internal', message: 'kaput' });
  });

  it('refuses product paths that climb out of the prefix', async () => {
    // Raw request lines: fetch would normalise the dot segments away before sending.
    for (const path of ['/api/products/..%2fadmin', '/api/products/%2e%2e/admin', '/api/products/../admin']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${svc.url}/`, { path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject).end();
      });
      assert.equal(status, 400, path);
    }
    assert.ok(!products.seen.some((s) => s.url.includes('admin')));
  });

  it('answers 504 upstream_timeout when the upstream is slower than UPSTREAM_TIMEOUT_MS', async () => {
    const res = await fetch(`${svc.url}/api/products/slow`);
    assert.equal(res.status, 504);
    const body = (await res.json()) as { error: string; code: string; upstream: string };
    assert.deepEqual([body.error, body.code, body.upstream], ['upstream_timeout', 'ETIMEDOUT', 'product-service']);
  });

  it('answers 502 JSON naming the upstream and its error code, and logs it, when an upstream is unreachable', async () => {
    const res = await fetch(`${down.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customerId":"c"}' });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: string; upstream: string; code: string; message: string; url: string };
    assert.equal(body.error, 'upstream_unreachable');
    assert.equal(body.upstream, 'order-service');
    assert.equal(body.code, 'ECONNREFUSED');
    assert.match(body.message, /^order-service unreachable: ECONNREFUSED/);
    assert.equal(body.url, `http://127.0.0.1:${closedPort}/`);
    const logged = down.logs.find((l) => l.msg === 'upstream request failed' && l.upstream === 'order-service');
    assert.equal(logged?.code, 'ECONNREFUSED');
    assert.equal(logged?.level, 'error');

    const products = await fetch(`${down.url}/api/products`);
    assert.equal(products.status, 502);
    assert.match(((await products.json()) as { code: string }).code, /^(ENOTFOUND|EAI_AGAIN)$/);
  });

  it('serves the page, its script and style', async () => {
    const page = await fetch(`${svc.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<script src="\/app.js"/);
    assert.match((await (await fetch(`${svc.url}/app.js`)).text()), /\/api\/orders/);
    assert.match((await fetch(`${svc.url}/app.css`)).headers.get('content-type') ?? '', /text\/css/);
  });
});

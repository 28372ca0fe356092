/**
 * Responses the fault middleware sends before routing carry the route template the request would have
 * been served by, in /metrics and in the request log, like the unfaulted request to the same path.
 */
import assert from 'node:assert/strict';
import express from 'express';
import { after, before, describe, it } from 'node:test';
import type { ServiceDefinition } from './service';
import { pollUntil, startTestService, type TestService } from './testing';

const definition: ServiceDefinition<Record<string, never>> = {
  name: 'route-label-test',
  defaultPort: 9999,
  config: {},
  routes(app) {
    app.get('/items/:id', (req, res) => void res.json({ id: req.params.id }));
    app.post('/items', (_req, res) => void res.status(201).json({}));
    const orders = express.Router();
    orders.get('/:orderId/lines', (_req, res) => void res.json([]));
    app.use('/orders', orders);
  },
};

describe('route label of responses sent before routing', () => {
  let svc: TestService<Record<string, never>>;
  const metrics = async () => (await fetch(`${svc.url}/metrics`)).text();
  const requestLine = (path: string, status: number) =>
    pollUntil(() => svc.logs.find((l) => l.path === path && l.status === status), { what: `the log line of ${path} ${status}` });

  before(async () => {
    svc = await startTestService(definition);
  });
  after(() => svc.stop());

  it('labels an injected error with the route template, as the unfaulted request to that path', async () => {
    assert.equal((await fetch(`${svc.url}/items/7`)).status, 200);
    svc.service.ctx.faults.replace({ error: { status: 503, route: '/items/*' } });
    assert.equal((await fetch(`${svc.url}/items/8`)).status, 503);
    svc.service.ctx.faults.replace({});
    const text = await metrics();
    assert.match(text, /http_requests_total\{method="GET",route="\/items\/:id",status_code="200"\} 1/);
    assert.match(text, /http_requests_total\{method="GET",route="\/items\/:id",status_code="503"\} 1/);
    assert.doesNotMatch(text, /route="middleware"/);
    assert.equal((await requestLine('/items/8', 503)).route, '/items/:id');
  });

  it('finds routes of mounted routers and respects the method', async () => {
    svc.service.ctx.faults.replace({ error: { status: 500, route: '/*' } });
    assert.equal((await fetch(`${svc.url}/orders/o-1/lines`)).status, 500);
    assert.equal((await fetch(`${svc.url}/items`, { method: 'POST' })).status, 500);
    assert.equal((await fetch(`${svc.url}/items`, { method: 'DELETE' })).status, 500);
    svc.service.ctx.faults.replace({});
    const text = await metrics();
    assert.match(text, /http_requests_total\{method="GET",route="\/orders\/:orderId\/lines",status_code="500"\} 1/);
    assert.match(text, /http_requests_total\{method="POST",route="\/items",status_code="500"\} 1/);
    // No route serves DELETE /items: the fault's answer keeps the fixed label.
    assert.match(text, /http_requests_total\{method="DELETE",route="middleware",status_code="500"\} 1/);
  });

  it('keeps the fixed label for a path Express cannot decode', async () => {
    svc.service.ctx.faults.replace({ error: { status: 503, route: '/*' } });
    assert.equal((await fetch(`${svc.url}/items/%E0%A4%A`)).status, 503);
    svc.service.ctx.faults.replace({});
    assert.equal((await requestLine('/items/%E0%A4%A', 503)).route, 'middleware');
  });

  it('keeps "unmatched" for a path no route serves', async () => {
    assert.equal((await fetch(`${svc.url}/nowhere`)).status, 404);
    assert.match(await metrics(), /http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1/);
  });
});

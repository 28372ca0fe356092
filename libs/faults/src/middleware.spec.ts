import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { faultMiddleware } from './middleware';
import { FaultSwitches } from './switches';

describe('fault middleware', () => {
  const switches = new FaultSwitches();
  let server: Server;
  let base: string;
  let draws: number[] = [];
  const random = () => draws.shift() ?? 0;

  before(async () => {
    const app = express();
    app.use(faultMiddleware(switches, random));
    app.get('/healthz', (_req, res) => void res.send('ok'));
    app.get('/metrics', (_req, res) => void res.send('metrics'));
    app.get('/admin/faults', (_req, res) => void res.send('admin'));
    app.get('/api/items', (_req, res) => void res.send('items'));
    app.get('/other', (_req, res) => void res.send('other'));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    switches.clear();
    server.close();
  });

  it('fails the configured share of matching requests with the configured status', async () => {
    switches.replace({ error: { status: 503, rate: 0.5, route: '/api/*' } });
    draws = [0.1, 0.9];
    const failed = await fetch(`${base}/api/items`);
    assert.equal(failed.status, 503);
    assert.deepEqual(await failed.json(), { error: 'fault_injected', message: 'injected error fault: status 503' });
    assert.equal((await fetch(`${base}/api/items`)).status, 200, 'a draw above the rate passes');
    assert.equal((await fetch(`${base}/other`)).status, 200, 'other routes are not faulted');
  });

  it('never faults probes, /metrics or /admin', async () => {
    switches.replace({ error: { status: 500 }, latency: { ms: 60_000 } });
    for (const path of ['/healthz', '/metrics', '/admin/faults']) {
      assert.equal((await fetch(`${base}${path}`)).status, 200, path);
    }
  });

  it('delays matching requests by the latency fault', async () => {
    switches.replace({ latency: { ms: 150, route: '/other' } });
    const start = Date.now();
    assert.equal((await fetch(`${base}/other`)).status, 200);
    assert.ok(Date.now() - start >= 140, 'the request was held for the latency');
  });

  it('holds requests under the hang fault, then serves them', async () => {
    switches.replace({ hang: { ms: 200 } });
    const start = Date.now();
    assert.equal(await (await fetch(`${base}/api/items`)).text(), 'items');
    assert.ok(Date.now() - start >= 190);
  });
});

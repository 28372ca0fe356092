import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminRouter } from './admin';
import { FaultSwitches } from './switches';

describe('admin fault API', () => {
  const switches = new FaultSwitches();
  let server: Server;
  let base: string;
  const auth = { authorization: 'Bearer s3cret', 'content-type': 'application/json' };

  before(async () => {
    const app = express();
    const router = createAdminRouter(switches, 's3cret');
    assert.ok(router);
    app.use('/admin', router);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
  });
  after(() => void server.close());

  it('does not exist without a token', () => {
    assert.equal(createAdminRouter(switches, undefined), undefined);
    assert.equal(createAdminRouter(switches, ''), undefined);
  });

  it('refuses requests without the right bearer token', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cret' }];
    for (const headers of attempts) {
      const res = await fetch(`${base}/faults`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: '{"unready":true}' });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    assert.deepEqual(switches.current(), {}, 'nothing changed');
  });

  it('replaces, reads, sets one, and clears faults', async () => {
    let res = await fetch(`${base}/faults`, { method: 'PUT', headers: auth, body: JSON.stringify({ latency: { ms: 10 } }) });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { faults: object }).faults, { latency: { ms: 10 } });
    res = await fetch(`${base}/faults/unready`, { method: 'PUT', headers: auth, body: 'true' });
    assert.equal(res.status, 200);
    assert.deepEqual(switches.current(), { latency: { ms: 10 }, unready: true });
    res = await fetch(`${base}/faults/unready`, { headers: auth });
    assert.deepEqual(await res.json(), { name: 'unready', value: true });
    res = await fetch(`${base}/faults/latency`, { method: 'DELETE', headers: auth });
    assert.deepEqual(((await res.json()) as { faults: object }).faults, { unready: true });
    res = await fetch(`${base}/faults`, { method: 'DELETE', headers: auth });
    assert.deepEqual(switches.current(), {});
  });

  it('answers 400 with the problems for an invalid spec and keeps the faults', async () => {
    switches.set('unready', true);
    const res = await fetch(`${base}/faults`, { method: 'PUT', headers: auth, body: JSON.stringify({ error: { status: 99 } }) });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; problems: string[] };
    assert.equal(body.error, 'invalid_faults');
    assert.deepEqual(body.problems, ['error.status must be an integer in 400..599']);
    assert.deepEqual(switches.current(), { unready: true });
    const unknown = await fetch(`${base}/faults/nope`, { headers: auth });
    assert.equal(unknown.status, 404);
  });
});

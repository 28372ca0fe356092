// The local ingress controller against two real HTTP backends on loopback: ingress-nginx's canary rules
// (weight, header, header value, cookie, their precedence), run-time annotation edits, and its errors.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpRequest, type HttpResult } from '../../evidence/http';
import type { CanaryIngressSpec } from '../ingress-control';
import { cookieValue, decideCanary } from './canary-rules';
import { LocalIngressController } from './ingress';

const HOST = 'app.faultline.test';

/** A backend that answers its name, and echoes the method, Host, x-forwarded-for and body it got. */
function startBackend(name: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name, method: req.method, url: req.url, host: req.headers.host, xff: req.headers['x-forwarded-for'], body: Buffer.concat(chunks).toString() }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('local ingress controller (ingress-nginx canary rules)', () => {
  let primary: http.Server;
  let canary: http.Server;
  let closedPort: number;
  let draws: number[] = [];
  let ingress: LocalIngressController;
  const services = new Map<string, string>();

  const base: CanaryIngressSpec = { name: 'app', host: HOST, service: 'app', canaryService: 'app-v2', canary: { weight: 0 } };
  const apply = (canaryRules: CanaryIngressSpec['canary'], spec: Partial<CanaryIngressSpec> = {}) => ingress.apply({ ...base, ...spec, canary: canaryRules });
  const get = (headers: Record<string, string> = {}, path = '/') => httpRequest(`${ingress.url()}${path}`, { headers: { host: HOST, ...headers } });
  const servedBy = (result: HttpResult) => (result.json as { name?: string } | undefined)?.name;
  async function shares(count: number, headers: Record<string, string> = {}): Promise<{ primary: number; canary: number }> {
    const counts = { primary: 0, canary: 0 };
    for (let i = 0; i < count; i += 1) {
      const result = await get(headers);
      assert.equal(result.status, 200, result.body);
      const name = servedBy(result) as 'primary' | 'canary';
      assert.equal(result.headers['x-canary'], String(name === 'canary'), 'x-canary names the backend that answered');
      counts[name] += 1;
    }
    return counts;
  }

  before(async () => {
    primary = await startBackend('primary');
    canary = await startBackend('canary');
    const gone = await startBackend('gone');
    closedPort = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    services.set('app', urlOf(primary)).set('app-v2', urlOf(canary)).set('app-down', `http://127.0.0.1:${closedPort}`);
    ingress = new LocalIngressController({
      address: () => '127.0.0.1',
      serviceUrl: (name) => {
        const url = services.get(name);
        if (!url) throw new Error(`no Service "${name}"`);
        return url;
      },
      // Scripted draws when a test sets them, Math.random otherwise.
      random: () => draws.shift() ?? Math.random(),
    });
    await apply({ weight: 0 });
  });

  after(async () => {
    await ingress?.stop();
    await Promise.all([primary, canary].map((s) => new Promise((resolve) => s?.close(resolve))));
  });

  it('weight 0 sends nothing to the canary, 100 everything', async () => {
    await apply({ weight: 0 });
    assert.deepEqual(await shares(30), { primary: 30, canary: 0 });
    await apply({ weight: 100 });
    assert.deepEqual(await shares(30), { primary: 0, canary: 30 });
  });

  it('weight N sends a request to the canary when the draw 1..100 is ≤ N, per request', async () => {
    await apply({ weight: 30 });
    draws = Array.from({ length: 100 }, (_, i) => i / 100); // draws 1..100, once each
    assert.deepEqual(await shares(100), { primary: 70, canary: 30 });
    draws = [];
  });

  it('weight 10 with real randomness: the share is near 10% (binomial band)', async () => {
    await apply({ weight: 10 });
    const { canary: toCanary } = await shares(400);
    assert.ok(toCanary >= 16 && toCanary <= 68, `400 requests at weight 10 gave ${toCanary} on the canary`);
  });

  it('canary-by-header: always → canary, never → primary, other values fall through to the weight', async () => {
    await apply({ weight: 0, header: 'tester' });
    assert.deepEqual(await shares(10, { tester: 'always' }), { primary: 0, canary: 10 });
    assert.deepEqual(await shares(5, { tester: 'true' }), { primary: 5, canary: 0 });
    await apply({ weight: 100, header: 'tester' });
    assert.deepEqual(await shares(10, { tester: 'never' }), { primary: 10, canary: 0 });
    assert.deepEqual(await shares(5, { tester: 'maybe' }), { primary: 0, canary: 5 });
    assert.deepEqual(await shares(5, { TESTER: 'never' }), { primary: 5, canary: 0 }, 'header names are case-insensitive');
  });

  it('canary-by-header-value: only the exact value → canary; always/never and others fall through', async () => {
    await apply({ weight: 0, header: 'tester', headerValue: 'true' });
    assert.deepEqual(await shares(10, { tester: 'true' }), { primary: 0, canary: 10 });
    assert.deepEqual(await shares(5, { tester: 'always' }), { primary: 5, canary: 0 });
    assert.deepEqual(await shares(5, { tester: 'TRUE' }), { primary: 5, canary: 0 });
    await apply({ weight: 100, header: 'tester', headerValue: 'true' });
    assert.deepEqual(await shares(5, { tester: 'never' }), { primary: 0, canary: 5 });
  });

  it('canary-by-cookie: always → canary, never → primary, other values fall through', async () => {
    await apply({ weight: 0, cookie: 'tester' });
    assert.deepEqual(await shares(10, { cookie: 'session=abc; tester=always' }), { primary: 0, canary: 10 });
    assert.deepEqual(await shares(5, { cookie: 'tester=true' }), { primary: 5, canary: 0 });
    assert.deepEqual(await shares(5, { cookie: 'xtester=always' }), { primary: 5, canary: 0 }, 'only the named cookie');
    await apply({ weight: 100, cookie: 'tester' });
    assert.deepEqual(await shares(10, { cookie: 'tester=never' }), { primary: 10, canary: 0 });
  });

  it('precedence: header before cookie before weight', async () => {
    await apply({ weight: 100, header: 'tester', headerValue: 'true', cookie: 'tester' });
    assert.deepEqual(await shares(5, { tester: 'false', cookie: 'tester=never' }), { primary: 5, canary: 0 }, 'a header that does not match lets the cookie decide');
    await apply({ weight: 0, header: 'tester', cookie: 'tester' });
    assert.deepEqual(await shares(5, { tester: 'never', cookie: 'tester=always' }), { primary: 5, canary: 0 }, 'header never beats cookie always');
    assert.deepEqual(await shares(5, { tester: 'always', cookie: 'tester=never' }), { primary: 0, canary: 5 }, 'header always beats cookie never');
    await apply({ weight: 100, header: 'tester', cookie: 'tester' });
    assert.deepEqual(await shares(5, { cookie: 'tester=never' }), { primary: 5, canary: 0 }, 'cookie never beats weight 100');
  });

  it('annotation edits apply to the next request; removing the header annotation ends header routing', async () => {
    await apply({ weight: 0, header: 'tester' });
    assert.deepEqual(await shares(3, { tester: 'always' }), { primary: 0, canary: 3 });
    const edited = await ingress.setCanary(HOST, { header: undefined, weight: 100 });
    assert.deepEqual(edited.canary, { weight: 100 });
    assert.deepEqual((await ingress.get(HOST))?.canary, { weight: 100 });
    assert.deepEqual(await shares(3, { tester: 'never' }), { primary: 0, canary: 3 });
    await ingress.setCanary(HOST, { weight: 0 });
    assert.deepEqual(await shares(3), { primary: 3, canary: 0 });
    await assert.rejects(ingress.setCanary(HOST, { weight: 101 }), /canary-weight must be an integer from 0 to 100/);
    await assert.rejects(ingress.setCanary('other.test', { weight: 1 }), /no Ingress for host other.test/);
  });

  it('proxies method, path, body and Host, adds x-forwarded-for, and logs each request', async () => {
    await apply({ weight: 100 });
    const since = Date.now();
    const result = await httpRequest(`${ingress.url()}/items?x=1`, { method: 'POST', body: { a: 1 }, headers: { host: `${HOST}:8080` } });
    assert.equal(result.status, 200);
    assert.deepEqual(result.json, { name: 'canary', method: 'POST', url: '/items?x=1', host: `${HOST}:8080`, xff: '127.0.0.1', body: '{"a":1}' });
    assert.deepEqual(ingress.servedBy(since), { 'app-v2': 1 });
    assert.equal(ingress.accessLog.at(-1)?.reason, 'weight');
  });

  it('answers JSON errors: 404 for an unknown host, 502 when the Service refuses, 503 for a missing Service', async () => {
    const unknown = await httpRequest(`${ingress.url()}/`, { headers: { host: 'nobody.test' } });
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json as { error: string }).error, 'not_found');

    await apply({ weight: 100 }, { canaryService: 'app-down' });
    const refused = await get();
    assert.equal(refused.status, 502);
    assert.equal(refused.headers['x-canary'], 'true');
    assert.match((refused.json as { message: string }).message, /upstream app-down .*ECONNREFUSED/);

    await apply({ weight: 100 }, { canaryService: 'app-missing' });
    const missing = await get();
    assert.equal(missing.status, 503);
    assert.match((missing.json as { message: string }).message, /no Service "app-missing"/);
    await assert.rejects(apply({ weight: -1 }), /canary-weight must be an integer/);
  });
});

describe('canary decision (pure)', () => {
  it('reads cookies as nginx $cookie_<name> does', () => {
    assert.equal(cookieValue({ cookie: 'a=1; tester=always;b=2' }, 'tester'), 'always');
    assert.equal(cookieValue({ cookie: 'a=1' }, 'tester'), undefined);
    assert.equal(cookieValue({}, 'tester'), undefined);
  });

  it('says why it chose', () => {
    const rules = { weight: 50, header: 'tester', cookie: 'tester' };
    assert.deepEqual(decideCanary(rules, { tester: 'always' }), { canary: true, reason: 'header' });
    assert.deepEqual(decideCanary(rules, { cookie: 'tester=never' }), { canary: false, reason: 'cookie' });
    assert.deepEqual(decideCanary(rules, {}, () => 0.49), { canary: true, reason: 'weight' });
    assert.deepEqual(decideCanary(rules, {}, () => 0.5), { canary: false, reason: 'weight' });
  });
});

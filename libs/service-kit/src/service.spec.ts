import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { requireTool, skipWithout } from '@faultline/test-support';
import { ConfigError } from './config';
import { HttpError } from './errors';
import { createService, type ServiceDefinition, serviceConfigSpec } from './service';
import { startTestService, type TestService } from './testing';

const settings = { greeting: { env: 'GREETING', type: 'string', default: 'hello', help: 'what to say' } } as const;

const definition: ServiceDefinition<typeof settings> = {
  name: 'kit-test',
  defaultPort: 9999,
  config: settings,
  routes(app, ctx) {
    app.get('/items/:id', (req, res) => void res.json({ id: req.params.id, greeting: ctx.config.greeting }));
    app.post('/echo', (req, res) => void res.json(req.body));
    app.get('/teapot', () => {
      throw new HttpError(418, 'teapot', 'short and stout');
    });
    app.get('/boom', () => {
      throw new Error('secret internals');
    });
    ctx.readiness.add('dependency', () => dependencyUp);
  },
};
let dependencyUp = true;

describe('service kit', () => {
  let svc: TestService<typeof settings>;
  const token = 'kit-token';
  const get = (p: string, init?: RequestInit) => fetch(`${svc.url}${p}`, init);

  before(async () => {
    svc = await startTestService(definition, { ADMIN_TOKEN: token, GREETING: 'hi', BODY_LIMIT_BYTES: '1024' });
  });
  after(() => svc.stop());

  it('serves routes with the typed config', async () => {
    assert.deepEqual(await (await get('/items/7')).json(), { id: '7', greeting: 'hi' });
  });

  it('answers probes: live, ready, and not ready while a readiness check fails', async () => {
    assert.equal((await get('/healthz')).status, 200);
    assert.deepEqual(await (await get('/health')).json(), { status: 'ok', version: '0.1.0' });
    assert.equal((await get('/readyz')).status, 200);
    dependencyUp = false;
    const res = await get('/readyz');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'not ready', failing: ['dependency'] });
    dependencyUp = true;
  });

  it('turns unready and unhealthy faults into failing probes', async () => {
    svc.service.ctx.faults.replace({ unready: true, unhealthy: true });
    assert.deepEqual(await (await get('/readyz')).json(), { status: 'not ready', failing: ['fault:unready'] });
    assert.equal((await get('/healthz')).status, 503);
    svc.service.ctx.faults.clear();
    assert.equal((await get('/healthz')).status, 200);
  });

  it('answers errors as JSON: malformed body, too large, unknown route, thrown HttpError, crash without a stack', async () => {
    const malformed = await get('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(await malformed.json(), { error: 'malformed_json', message: 'request body is not valid JSON' });
    const large = await get('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(2000) }) });
    assert.equal(large.status, 413);
    assert.equal(((await large.json()) as { error: string }).error, 'body_too_large');
    const missing = await get('/nowhere');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found', message: 'no route for GET /nowhere' });
    assert.deepEqual(await (await get('/teapot')).json(), { error: 'teapot', message: 'short and stout' });
    const boom = await get('/boom');
    assert.equal(boom.status, 500);
    const text = await boom.text();
    assert.deepEqual(JSON.parse(text), { error: 'internal', message: 'internal server error' });
    assert.doesNotMatch(text, /secret internals|at /);
    assert.ok(svc.logs.some((l) => l.msg === 'unhandled error'), 'the cause is logged instead');
  });

  it('labels request metrics by route template, never by raw URL', async () => {
    await get('/items/1');
    await get('/items/2');
    const metrics = await (await get('/metrics')).text();
    assert.match(metrics, /http_requests_total\{method="GET",route="\/items\/:id",status_code="200"\} [1-9]/);
    assert.match(metrics, /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/items\/:id",status_code="200"\}/);
    assert.doesNotMatch(metrics, /route="\/items\/1"/);
    assert.match(metrics, /route="unmatched",status_code="404"/);
    assert.match(metrics, /faultline_fault_active\{fault="latency"\} 0/);
    assert.doesNotMatch(metrics, /nodejs_active_handles_total/);
  });

  it('passes promtool check metrics with no findings', { skip: skipWithout('promtool') }, async () => {
    const text = await (await get('/metrics')).text();
    const result = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal((result.stdout + result.stderr).trim(), '', 'no findings');
  });

  it('puts admin routes behind the token, and never faults probes or /metrics', async () => {
    assert.equal((await get('/admin/faults')).status, 401);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const set = await get('/admin/faults', { method: 'PUT', headers: auth, body: JSON.stringify({ error: { status: 503 } }) });
    assert.equal(set.status, 200);
    assert.equal((await get('/items/1')).status, 503);
    for (const p of ['/healthz', '/readyz', '/health', '/metrics']) assert.equal((await get(p)).status, 200, p);
    assert.equal((await get('/admin/faults', { method: 'DELETE', headers: auth })).status, 200);
    assert.equal((await get('/items/1')).status, 200);
  });

  it('logs each request as JSON with its route and status', async () => {
    await get('/items/42');
    const line = svc.logs.find((l) => l.msg === 'request' && l.path === '/items/42');
    assert.ok(line);
    assert.equal(line.route, '/items/:id');
    assert.equal(line.status, 200);
    assert.equal(line.service, 'kit-test');
  });

  it('answers a burst of malformed requests with 4xx only', async () => {
    const bodies = ['{', '[1,', '"\\u12"', 'null', '{"a":1}}', '\u0000\u0001', 'x'.repeat(5000), '{"__proto__":{"x":1}}'];
    const types = ['application/json', 'application/json; charset=utf-9', 'text/plain'];
    const statuses: number[] = [];
    for (let i = 0; i < 120; i++) {
      const body = bodies[i % bodies.length];
      const res = await get(i % 2 ? '/echo' : '/items/%E0%A4%A', {
        method: 'POST',
        headers: { 'content-type': types[i % types.length] },
        body,
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    const bad = statuses.filter((s) => s >= 500);
    assert.deepEqual(bad, [], `5xx answers: ${bad.length}`);
  });

  it('refuses to start with a bad variable or a bad FAULTS value, naming it', async () => {
    await assert.rejects(createService(definition, { env: { PORT: 'eighty' } }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /PORT="eighty" must be a port number/);
      return true;
    });
    await assert.rejects(createService(definition, { env: { FAULTS: '{"latency":{}}' } }), /FAULTS: latency.ms is required/);
  });

  it('applies FAULTS at start-up', async () => {
    const faulty = await startTestService(definition, { FAULTS: '{"error":{"status":502,"route":"/items/*"}}' });
    try {
      assert.equal((await fetch(`${faulty.url}/items/1`)).status, 502);
      assert.equal((await fetch(`${faulty.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${faulty.url}/admin/faults`)).status, 404, 'no admin routes without ADMIN_TOKEN');
    } finally {
      await faulty.stop();
    }
  });
});

describe('serviceConfigSpec', () => {
  it('defaults PORT to the service port and adds the service settings', () => {
    const spec = serviceConfigSpec(definition);
    assert.equal(spec.port.type === 'port' && spec.port.default, 9999);
    assert.equal(spec.greeting.env, 'GREETING');
    assert.equal(spec.adminToken.env, 'ADMIN_TOKEN');
  });
});

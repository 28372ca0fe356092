// The kind target's access to pods, through a fake kubectl: no Kubernetes API or container engine can exist
// on this machine. Pod admin, metrics and query endpoints are a real local HTTP server the fake port-forward
// points at; podRequest reads what a fake `kubectl exec` of curl prints.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { resilienceLab } from '../../lab/labs';
import { FakeCommandRunner, type Reply } from './fake-command-runner';
import { KindTarget } from './kind-target';
import { clusterReplies, pod, podList, store, TOKEN } from './kube-fixtures';

describe('KindTarget pods through port-forwards (fake kubectl, real HTTP)', () => {
  let server: http.Server;
  let port = 0;
  const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
  let faults: Record<string, unknown> = {};

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        if (req.url === '/metrics') {
          res.setHeader('content-type', 'text/plain');
          res.end('retry_backend_answers_total{outcome="busy"} 4\n');
          return;
        }
        if (req.url?.startsWith('/queries')) {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ queries: [{ time: '2025-03-01T10:00:04.000Z', name: 'myexternalserver.com.', qtype: 'A', qr: 'Q', rcode: null, src: '10.244.0.3:51944', fault: 'drop' }] }));
          return;
        }
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.statusCode = 401;
          res.end('{"error":"unauthorized"}');
          return;
        }
        if (req.method === 'PUT') faults = JSON.parse(body) as Record<string, unknown>;
        if (req.method === 'DELETE') faults = {};
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ faults }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const dnsPod = podList(pod('dns-server-5f6b7c8d9-h4j5k', 'dns-server', '10.244.1.4', 8080));

  async function started() {
    const runner = new FakeCommandRunner(
      clusterReplies((c) => (c.args.includes('pods') ? dnsPod : undefined)),
      (resource) => (resource.startsWith('pod/') ? port : 40_000),
    );
    const target = new KindTarget({ runner });
    await target.start(store());
    runner.calls.length = 0;
    return { runner, target };
  }

  it('setFaults/getFaults/clearFaults: /admin/faults on each pod with the token from the Secret; stop() clears what was set', async () => {
    const { runner, target } = await started();
    await target.setFaults('upstream-dns', { dns: { 'myexternalserver.com': { action: 'drop' } } });
    assert.equal(runner.lines()[0], 'kubectl -n faultline get pods -l app=dns-server,app.kubernetes.io/instance=faultline -o json');
    assert.deepEqual(
      runner.calls.filter((c) => c.background).map((c) => c.args.join(' ')),
      ['-n faultline port-forward --address 127.0.0.1 pod/dns-server-5f6b7c8d9-h4j5k :8080'],
    );
    assert.deepEqual(seen.at(-1), { method: 'PUT', url: '/admin/faults', auth: `Bearer ${TOKEN}`, body: '{"dns":{"myexternalserver.com":{"action":"drop"}}}' });
    assert.deepEqual(await target.getFaults('upstream-dns'), [{ dns: { 'myexternalserver.com': { action: 'drop' } } }]);

    const upstream = await target.dnsQueries('upstream');
    assert.equal(upstream[0].fault, 'drop');
    assert.equal(seen.at(-1)?.url, '/queries?limit=2000');
    assert.equal(runner.calls.filter((c) => c.background).length, 1, 'the pod forward is reused');

    await target.stop();
    assert.equal(seen.at(-1)?.method, 'DELETE', 'stop() clears the faults it set: a rollback would keep the pod as it is');
    assert.deepEqual(faults, {});
    assert.ok(runner.forwards.every((f) => f.stopped));
  });

  it('scrapeMetrics(): /metrics of each running pod', async () => {
    const { target } = await started();
    assert.deepEqual(await target.scrapeMetrics('upstream-dns'), ['retry_backend_answers_total{outcome="busy"} 4\n']);
    await target.stop();
  });
});

describe('KindTarget.podRequest (fake kubectl exec of curl)', () => {
  const response = [
    'HTTP/1.1 200 OK',
    'content-type: application/json; charset=utf-8',
    'content-length: 39',
    '',
    '{"message":"server id retry-backend-x"}',
  ].join('\r\n');

  it('creates the probe pod once, runs curl in it, and reads status, headers, body and JSON', async () => {
    const runner = new FakeCommandRunner(
      clusterReplies((c) => {
        if (c.args.includes('apply') || c.args.includes('wait') || c.args.includes('delete')) return '';
        if (c.args.includes('exec')) return `${response}\n__faultline_curl__ 200 0.004512`;
        return undefined;
      }),
    );
    const target = new KindTarget({ runner });
    await target.start(resilienceLab({ hangSeconds: 3 }));
    runner.calls.length = 0;
    const first = await target.podRequest('http://retry-backend:8080/?failRate=0');
    await target.podRequest('http://retry-backend:8080/?failRate=0', { method: 'POST', body: { a: 1 }, timeoutMs: 2_500 });
    const lines = runner.lines();
    assert.equal(lines[0], 'kubectl -n faultline apply -f -');
    assert.equal(JSON.parse(runner.calls[0].input ?? '{}').spec.containers[0].image, 'curlimages/curl:8.11.1');
    assert.equal(lines[1], 'kubectl -n faultline wait --for=condition=Ready pod/faultline-probe --timeout=120s');
    assert.deepEqual(runner.calls[2].args, [
      '-n', 'faultline', 'exec', 'faultline-probe', '--',
      'curl', '-sS', '-D', '-', '-o', '-', '-w', '\n__faultline_curl__ %{http_code} %{time_total}', '--max-time', '10', '-X', 'GET',
      'http://retry-backend:8080/?failRate=0',
    ]);
    assert.deepEqual(runner.calls[3].args.slice(0, 5), ['-n', 'faultline', 'exec', '-i', 'faultline-probe']);
    assert.deepEqual(runner.calls[3].args.slice(-9), [
      '--max-time', '3', '-X', 'POST', '-H', 'content-type: application/json', '--data-binary', '@-', 'http://retry-backend:8080/?failRate=0',
    ]);
    assert.equal(runner.calls[3].input, '{"a":1}');
    assert.equal(runner.lines().filter((l) => l.includes('apply')).length, 1, 'one probe pod');

    assert.equal(first.status, 200);
    assert.equal(first.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(first.body, '{"message":"server id retry-backend-x"}');
    assert.deepEqual(first.json, { message: 'server id retry-backend-x' });

    await target.stop();
    assert.ok(runner.lines().includes('kubectl -n faultline delete pod faultline-probe --ignore-not-found --wait=false'));
  });

  it("curl's failures become the socket error codes the scenarios know; a kubectl failure is an error naming the command", async () => {
    let reply: Reply = { code: 7, stdout: '', stderr: 'curl: (7) Failed to connect to order-service port 3000 after 2 ms: Could not connect to server\ncommand terminated with exit code 7\n' };
    const runner = new FakeCommandRunner(clusterReplies((c) => (c.args.includes('exec') ? reply : ['apply', 'wait', 'delete'].includes(c.args[2]) ? '' : undefined)));
    const target = new KindTarget({ runner });
    await target.start(store());
    const refused = await target.podRequest('http://order-service:3000/health');
    assert.equal(refused.errorCode, 'ECONNREFUSED');
    assert.equal(refused.status, undefined);
    assert.match(refused.errorMessage ?? '', /Failed to connect to order-service port 3000/);
    reply = { code: 6, stdout: '', stderr: 'curl: (6) Could not resolve host: myexternalserver.com\ncommand terminated with exit code 6\n' };
    assert.equal((await target.podRequest('http://myexternalserver.com/')).errorCode, 'ENOTFOUND');
    reply = { code: 1, stdout: '', stderr: 'error: unable to upgrade connection: container not found ("curl")\n' };
    await assert.rejects(target.podRequest('http://order-service:3000/'), /kubectl -n faultline exec faultline-probe -- curl .*container not found/s);
    await target.stop();
  });
});

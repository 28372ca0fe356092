// The local target against the reference service (product-service) and the lab DNS: pods on their own
// loopback addresses, a Service balancing over replicas, the wrong-targetPort refusal, name resolution
// through the cluster DNS, the supervisor restarting a crashed pod, logs, traces, and no process left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../evidence/http';
import { pollUntil } from '@faultline/test-support';
import { LocalTarget } from './local-target';
import { isBuilt } from './paths';
import { isAlive } from '../../process-alive';


describe('local target', { skip: !isBuilt('product-service') || !isBuilt('dns-server') ? 'build product-service and dns-server first' : false }, () => {
  const target = new LocalTarget({ restartBackoffMs: 100 });
  let pids: number[] = [];

  before(async () => {
    await target.start({
      deployments: [{ name: 'product-service', app: 'product-service', port: 3002, replicas: 2 }],
      services: [{ name: 'product-service', port: 3002, targetPort: 3002, selector: 'product-service' }],
    });
    pids = target.pids();
  });
  after(async () => {
    await target.stop();
  });

  it('runs each pod on its own 127.N.1.x address and the Service on a 127.N.2.x ClusterIP', async () => {
    const pods = await target.pods('product-service');
    assert.equal(pods.length, 2);
    assert.notEqual(pods[0].ip, pods[1].ip);
    for (const pod of pods) assert.match(pod.ip, /^127\.\d+\.1\.\d+$/);
    assert.match(target.serviceUrl('product-service'), /^http:\/\/127\.\d+\.2\.\d+:3002$/);
  });

  it('balances connections to the Service round-robin over the replicas', async () => {
    const proxy = (await target.services())[0];
    assert.equal(proxy.readyEndpoints.length, 2);
    for (let i = 0; i < 6; i += 1) {
      const result = await httpRequest(`${target.serviceUrl('product-service')}/`);
      assert.equal(result.status, 200);
    }
    const served = await target.logs('product-service', { match: (l) => l.json?.msg === 'request' && l.json?.path === '/' });
    assert.deepEqual(new Set(served.map((l) => l.pod)).size, 2, 'both replicas served requests');
  });

  it('resolves Service names through the cluster DNS with the pod search list', async () => {
    const result = await target.podRequest('http://product-service:3002/1');
    assert.equal(result.status, 200, result.errorMessage ?? result.body);
    const queries = await target.dnsQueries('cluster');
    assert.ok(queries.some((q) => q.name.startsWith('product-service.default.svc.cluster.local')), JSON.stringify(queries.slice(-3)));
  });

  it('refuses connections (ECONNREFUSED, not a reset) while no endpoint accepts on targetPort', async () => {
    await target.setServicePorts('product-service', { targetPort: 3001 });
    const broken = await httpRequest(`${target.serviceUrl('product-service')}/`);
    assert.equal(broken.errorCode, 'ECONNREFUSED');
    await target.setServicePorts('product-service', { targetPort: 3002 });
    const fixed = await httpRequest(`${target.serviceUrl('product-service')}/`);
    assert.equal(fixed.status, 200);
  });

  it('restarts a crashed pod with backoff and counts the restart', async () => {
    await target.setFaults('product-service', { crash: { exitCode: 3, afterMs: 0 } });
    await pollUntil(async () => (await target.restarts('product-service')) >= 2, { timeoutMs: 10_000, what: 'both pods to restart' });
    await pollUntil(async () => (await target.pods('product-service')).every((p) => p.running), { timeoutMs: 10_000, what: 'pods running again' });
    const pods = await target.pods('product-service');
    assert.ok(pods.every((p) => p.restarts >= 1));
  });

  it('collects the spans of requests in the Zipkin receiver', async () => {
    await pollUntil(async () => (await httpRequest(`${target.serviceUrl('product-service')}/2`)).status === 200, { what: 'a 200 after the restart' });
    const traces = await pollUntil(async () => {
      const found = await target.traces({ serviceName: 'product-service' });
      return found.length > 0 ? found : undefined;
    }, { timeoutMs: 5_000, what: 'product-service spans' });
    assert.ok(traces[0].every((s) => s.localEndpoint?.serviceName === 'product-service'));
  });

  it('leaves no process behind after stop()', async () => {
    const current = target.pids();
    await target.stop();
    for (const pid of [...pids, ...current]) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
  });
});

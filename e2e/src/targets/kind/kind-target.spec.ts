// The kind target driven through a fake kubectl/helm: no Kubernetes API or container engine can exist on
// this machine, so these tests assert the exact commands the target runs and how it reads realistic
// `kubectl get -o json` and `kubectl logs` output (its access to pods: kind-target-pods.spec.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { isolateTempDir } from '@faultline/test-support';
import { resilienceLab } from '../../lab/labs';
import { FakeCommandRunner, type RecordedCommand, type Reply } from './fake-command-runner';
import { KindTarget } from './kind-target';
import { clusterReplies, COREDNS_LOGS, DNS_SERVER_SERVICE, endpointSlice, ORDER_SERVICE, pod, podList, RETRY_BACKEND_PODS, store, STORE_FRONT_LOGS } from './kube-fixtures';

// start() writes the values files into a temp folder that stop() removes: the file fails if one is left.
isolateTempDir();

describe('KindTarget.start/stop (fake kubectl and helm)', () => {
  it('installs the lab with helm upgrade --install --wait and values derived from the lab, then forwards its Services', async () => {
    let values: { image?: unknown; apps: Record<string, { enabled: boolean; env?: unknown; service?: unknown }> } = { apps: {} };
    let releaseKeptSeen: unknown;
    const runner = new FakeCommandRunner(
      clusterReplies((c) => {
        if (c.tool === 'helm' && c.args[0] === 'upgrade') {
          values = JSON.parse(readFileSync(c.args[c.args.indexOf('--wait') - 1], 'utf8'));
          releaseKeptSeen = JSON.parse(readFileSync(c.args.find((a) => a.endsWith('release-kept.json')) ?? '', 'utf8'));
        }
        return undefined;
      }),
    );
    const target = new KindTarget({ runner, chartDir: 'helm/faultline', kindValuesFile: 'kind/values.yaml' });
    await target.start(store());

    const lines = runner.lines();
    assert.equal(lines[0], 'helm status faultline -o json --namespace faultline');
    assert.equal(lines[1], 'helm get values faultline --revision 4 -o json --namespace faultline');
    // The release's image settings stay (the images kind loaded): between kind's values and the lab's.
    assert.match(lines[2], /^helm upgrade --install faultline helm\/faultline --reset-values --values kind\/values.yaml --values \S+\/release-kept\.json --values \S+\/lab-values\.json --wait --timeout 10m --namespace faultline$/);
    assert.deepEqual(releaseKeptSeen, { image: { repository: 'faultline', tag: 'ci-abc123' } });
    // The pods the upgrade replaced are gone before anything is asked of the lab.
    assert.match(lines[3], /^kubectl -n faultline get pods -l app\.kubernetes\.io\/instance=faultline -o 'jsonpath=\{range \.items\[\?\(@\.metadata\.deletionTimestamp\)\]\}/);
    assert.equal(lines[4], 'kubectl -n faultline get secret faultline-admin -o json');

    // The lab's apps on, the others off; the release's image; RABBITMQ_URL dropped (the chart's RabbitMQ).
    assert.deepEqual(values.image, { repository: 'faultline', tag: 'ci-abc123' });
    assert.equal(values.apps['order-service'].enabled, true);
    assert.equal(values.apps['front-end'].enabled, false);
    assert.equal(values.apps['retry-backend'].enabled, false);
    assert.deepEqual(values.apps['order-service'].env, { ORDER_QUEUE_NAME: 'orders-run1', EXTERNAL_SERVER_URL: 'http://myexternalserver.com:8080', EXTERNAL_TIMEOUT_MS: '5000' });
    assert.deepEqual(values.apps['store-front'].service, { port: 8080, targetPort: 8080 });
    // myexternalserver.com:8080 reaches external-server's Service, so it answers on 8080 as the pod does locally.
    assert.deepEqual(values.apps['external-server'].service, { port: 8080, targetPort: 8080 });
    assert.deepEqual(values.apps['dns-server'], { enabled: true, dns: { serviceRecords: { 'myexternalserver.com': 'external-server' } } });

    const forwards = runner.calls.filter((c) => c.background).map((c) => c.args.join(' '));
    assert.deepEqual(forwards, [
      '-n faultline port-forward --address 127.0.0.1 svc/product-service :3002',
      '-n faultline port-forward --address 127.0.0.1 svc/order-service :3000',
      '-n faultline port-forward --address 127.0.0.1 svc/store-front :8080',
      '-n faultline port-forward --address 127.0.0.1 svc/zipkin :9411',
    ]);
    assert.equal(target.serviceUrl('store-front'), 'http://127.0.0.1:40000');
    assert.throws(() => target.serviceUrl('front-end'), /no Service "front-end" in this lab/);

    await target.stop();
    assert.equal(runner.lines().at(-1), 'helm rollback faultline 4 --wait --timeout 10m --namespace faultline');
    assert.ok(runner.forwards.every((f) => f.stopped), 'every port-forward is stopped');
    await target.stop();
    assert.equal(runner.lines().filter((l) => l.startsWith('helm rollback')).length, 1, 'stop() is safe to call twice');
  });

  it("upgrades from the lab's own values: of the release's values only the images stay, not a break file a crashed run left", async () => {
    // As test-kind.sh installs on an offline cluster, then `install.sh --scenario tcp-wrong-target-port` and a crash.
    const installed = {
      image: { repository: 'faultline', tag: 'ci-abc123' },
      rabbitmq: { image: 'faultline-kit/rabbitmq:4.0', username: 'faultline' },
      zipkin: { image: 'faultline-kit/zipkin:3' },
      prometheus: { image: 'faultline-kit/prometheus:debian' },
      authProxy: { image: 'faultline-kit/nginx:debian', enabled: true },
      apps: { 'order-service': { service: { targetPort: 3001 } } },
      tracing: { sampler: 'always_off' },
    };
    const files: Record<string, unknown>[] = [];
    const runner = new FakeCommandRunner(
      clusterReplies((c) => {
        if (c.tool === 'helm' && c.args[0] === 'get') return installed;
        if (c.tool === 'helm' && c.args[0] === 'upgrade') {
          const at = c.args.flatMap((a, i) => (a === '--values' && c.args[i + 1].endsWith('.json') ? [i + 1] : []));
          files.push(...at.map((i) => JSON.parse(readFileSync(c.args[i], 'utf8')) as Record<string, unknown>));
        }
        return undefined;
      }),
    );
    const target = new KindTarget({ runner, chartDir: 'helm/faultline', kindValuesFile: 'kind/values.yaml' });
    await target.start(store());
    await target.stop();
    assert.equal(files.length, 2, 'the release images and the lab values');
    assert.deepEqual(files[0], {
      image: { repository: 'faultline', tag: 'ci-abc123' },
      rabbitmq: { image: 'faultline-kit/rabbitmq:4.0' },
      zipkin: { image: 'faultline-kit/zipkin:3' },
      prometheus: { image: 'faultline-kit/prometheus:debian' },
      authProxy: { image: 'faultline-kit/nginx:debian' },
    });
    const lab = files[1] as { apps: Record<string, { service?: { targetPort: number } }> };
    assert.deepEqual(lab.apps['order-service'].service, { port: 3000, targetPort: 3000 }, "the lab's Service, not the break's targetPort 3001");
    assert.ok(!files.some((f) => 'tracing' in f), 'the tracing override the release held is not passed');
  });

  it('passes the context to kubectl and helm, and a release that is not installed stops start() with what to do', async () => {
    const runner = new FakeCommandRunner((c) =>
      c.tool === 'helm' && c.args[0] === 'status' ? { code: 1, stdout: '', stderr: 'Error: release: not found\n' } : undefined,
    );
    const target = new KindTarget({ runner, context: 'kind-faultline' });
    await assert.rejects(target.start(store()), /the lab is not installed: no Helm release faultline in namespace faultline \(install it with scripts\/cluster\/up\.sh/);
    assert.deepEqual(runner.lines(), ['helm status faultline -o json --namespace faultline --kube-context kind-faultline']);
  });

  it('after the upgrade, waits until the pods it replaced are gone (the previous revision can still answer while they drain)', async () => {
    let asked = 0;
    const replies = clusterReplies();
    const runner = new FakeCommandRunner((c) => {
      if (!c.args.some((a) => a.includes('deletionTimestamp'))) return replies(c);
      asked += 1;
      return asked < 3 ? 'order-service-5d8c9b7f6-old12\nstore-front-7c9d8e6f5-old34\n' : '';
    });
    const target = new KindTarget({ runner, chartDir: 'helm/faultline', kindValuesFile: 'kind/values.yaml' });
    await target.start(store());
    assert.equal(asked, 3, 'asked until none was left terminating');
    const lines = runner.lines();
    const firstUse = lines.findIndex((l) => l.includes('get secret faultline-admin'));
    assert.ok(lines.slice(0, firstUse).filter((l) => l.includes('deletionTimestamp')).length === 3, 'all before the lab is used');
    await target.stop();
  });

  it('refuses a lab the chart cannot express, naming why', async () => {
    const runner = new FakeCommandRunner(clusterReplies());
    const target = new KindTarget({ runner });
    const lab = { deployments: [{ name: 'payments', app: 'payments', port: 8080 }], services: [] };
    await assert.rejects(target.start(lab), /Deployment payments: the chart has no app "payments"/);
    assert.ok(!runner.lines().some((l) => l.startsWith('helm upgrade')), 'nothing is installed');
  });
});

describe('KindTarget reading the cluster (fake kubectl)', () => {
  const targets: KindTarget[] = [];
  afterEach(async () => {
    for (const target of targets.splice(0)) await target.stop();
  });

  async function started(extra: (c: RecordedCommand) => Reply | undefined, lab = resilienceLab({ hangSeconds: 3, backendReplicas: 3 })) {
    const runner = new FakeCommandRunner(clusterReplies(extra));
    const target = new KindTarget({ runner });
    targets.push(target);
    await target.start(lab);
    runner.calls.length = 0;
    return { runner, target };
  }

  it('pods(): kubectl get pods -l app=<name>, terminating pods left out, restarts summed per pod and per Deployment', async () => {
    const { runner, target } = await started((c) => (c.args.includes('pods') ? RETRY_BACKEND_PODS : undefined));
    const pods = await target.pods('retry-backend');
    assert.deepEqual(runner.lines(), ['kubectl -n faultline get pods -l app=retry-backend,app.kubernetes.io/instance=faultline -o json']);
    assert.deepEqual(pods, [
      { name: 'retry-backend-6d9f8b7c5-b7kpz', deployment: 'retry-backend', ip: '10.244.2.4', port: 8080, restarts: 1, running: false },
      { name: 'retry-backend-6d9f8b7c5-x2x4q', deployment: 'retry-backend', ip: '10.244.1.7', port: 8080, restarts: 2, running: true },
    ]);
    assert.equal(await target.restarts('retry-backend'), 3);
    await assert.rejects(target.pods('order-service'), /no deployment "order-service" in this lab/);
  });

  it('services(): ClusterIP, the http port, and the ready addresses of its EndpointSlices', async () => {
    const { runner, target } = await started((c) => {
      if (c.args.includes('services')) return { kind: 'List', items: [ORDER_SERVICE, DNS_SERVER_SERVICE] };
      if (c.args.includes('endpointslices')) {
        return { kind: 'List', items: [endpointSlice('order-service', 3000, [{ ip: '10.244.1.12', ready: true }, { ip: '10.244.2.9', ready: false }, { ip: '10.244.1.13', ready: null }])] };
      }
      return undefined;
    }, store());
    const services = await target.services();
    assert.deepEqual(runner.lines(), [
      'kubectl -n faultline get services -l app.kubernetes.io/instance=faultline -o json',
      'kubectl -n faultline get endpointslices -o json',
    ]);
    // dns-server is not a lab Service (the lab's upstream DNS has no Service of its own): left out.
    assert.deepEqual(services, [{ name: 'order-service', clusterIp: '10.96.112.40', port: 3000, targetPort: 3000, readyEndpoints: ['10.244.1.12', '10.244.1.13'] }]);
  });

  it('setServicePorts(): a JSON patch of the http port, then waits for the EndpointSlices to carry it', async () => {
    let slicePort = 3000;
    const { runner, target } = await started((c) => {
      if (c.args.includes('get') && c.args.includes('service')) return ORDER_SERVICE;
      if (c.args.includes('patch')) {
        slicePort = 3001;
        return 'service/order-service patched\n';
      }
      if (c.args.includes('endpointslices')) return { kind: 'List', items: [endpointSlice('order-service', slicePort, [{ ip: '10.244.1.12', ready: true }])] };
      return undefined;
    }, store());
    await target.setServicePorts('order-service', { targetPort: 3001 });
    assert.deepEqual(runner.lines(), [
      'kubectl -n faultline get service order-service -o json',
      `kubectl -n faultline patch service order-service --type=json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":3001}]'`,
      'kubectl -n faultline get endpointslices -l kubernetes.io/service-name=order-service -o json',
    ]);
  });

  it('setEnv(): kubectl set env (KEY- removes), rollout status, the old pods gone, then reconnects the forward of its Service', async () => {
    const { runner, target } = await started((c) => {
      if (c.args[2] === 'get' && c.args[3] === 'pods') return podList(pod('retry-client-5f6b7c8d9-abcde', 'retry-client', '10.244.1.8', 8080));
      return ['set', 'rollout', 'wait'].includes(c.args[2]) ? '' : undefined;
    });
    await target.setEnv('retry-client', { RETRIES_ENABLED: 'true', MAX_ATTEMPTS: '5', BREAKER_ENABLED: undefined });
    assert.deepEqual(runner.lines(), [
      'kubectl -n faultline get pods -l app=retry-client,app.kubernetes.io/instance=faultline -o json',
      'kubectl -n faultline set env deployment/retry-client RETRIES_ENABLED=true MAX_ATTEMPTS=5 BREAKER_ENABLED-',
      'kubectl -n faultline rollout status deployment/retry-client --timeout=180s',
      // rollout status returns while old pods drain, still reachable until kube-proxy rewrites its rules.
      'kubectl -n faultline wait --for=delete pod/retry-client-5f6b7c8d9-abcde --timeout=120s',
    ]);
    const again = runner.calls.filter((c) => c.background).map((c) => c.args.join(' '));
    assert.deepEqual(again, ['-n faultline port-forward --address 127.0.0.1 svc/retry-client 40000:8080'], 'same local port, so URLs stay valid');
  });

  it('logs(): kubectl logs -l app=<name> --prefix --timestamps, parsed into lines with pod, time and JSON', async () => {
    const { runner, target } = await started((c) => (c.args[2] === 'logs' ? STORE_FRONT_LOGS : undefined), store());
    const since = Date.parse('2025-03-01T10:00:01.500Z');
    const lines = await target.logs('store-front', { since });
    assert.deepEqual(runner.lines(), [
      'kubectl -n faultline logs -l app=store-front,app.kubernetes.io/instance=faultline -c store-front --prefix --timestamps --tail=-1 --max-log-requests=20 --since-time=2025-03-01T10:00:01Z',
    ]);
    assert.deepEqual(
      lines.map((l) => [l.pod, new Date(l.at).toISOString(), l.json?.['error.type'] ?? l.text]),
      [
        ['store-front-7b9c6d5f4-zz9q1', '2025-03-01T10:00:02.500Z', 'not json: a plain line'],
        ['store-front-7b9c6d5f4-k8s2p', '2025-03-01T10:00:03.250Z', 'ECONNREFUSED'],
      ],
    );
    const found = await target.waitForLog('store-front', (l) => l.text.includes('ECONNREFUSED'), { since });
    assert.equal(found.json?.trace_id, '4bf92f3577b34da6');
  });

  it("dnsQueries('cluster'): CoreDNS log plugin lines from kube-system, as query records (the SERVFAIL from the errors plugin)", async () => {
    const { runner, target } = await started((c) => (c.args.includes('k8s-app=kube-dns') ? COREDNS_LOGS : undefined), store());
    const queries = await target.dnsQueries('cluster');
    assert.match(runner.lines()[0], /^kubectl -n kube-system logs -l k8s-app=kube-dns --prefix --timestamps --tail=-1 --since-time=\S+Z$/);
    assert.deepEqual(
      queries.map(({ time, name, qtype, qr, rcode, src, server }) => ({ time, name, qtype, qr, rcode, src, server })),
      [
        { time: '2025-03-01T10:00:02.000Z', name: 'myexternalserver.com.', qtype: 'AAAA', qr: 'R', rcode: 'NOERROR', src: '10.244.1.9:39511', server: 'coredns-668d6bf9bc-9zt2m' },
        { time: '2025-03-01T10:00:04.120Z', name: 'myexternalserver.com.', qtype: 'A', qr: 'R', rcode: 'SERVFAIL', src: '10.244.1.9:43012', server: 'coredns-668d6bf9bc-4kq7x' },
      ],
    );
    assert.equal(queries[1].durationMs, 6005.776);
    // The rcode of a query the log plugin wrote without one comes from the errors plugin's line for it.
    assert.equal(queries[1].error, 'read udp 10.244.0.3:51944->10.96.0.53:53: i/o timeout');
  });

  it('memory(): "unavailable" named clearly when the cluster has no metrics-server; parsed from kubectl top when it has', async () => {
    let hasMetrics = false;
    const { target } = await started((c) => {
      if (c.args[2] !== 'top') return undefined;
      if (!hasMetrics) return { code: 1, stdout: '', stderr: 'error: Metrics API not available\n' };
      return 'retry-backend-6d9f8b7c5-x2x4q   3m   41Mi\nretry-client-7c8d9e6f5-abcde   2m   1024Ki\n';
    });
    await assert.rejects(target.memory(), /memory: unavailable on this cluster \(kubectl top pods needs metrics-server\): error: Metrics API not available/);
    hasMetrics = true;
    assert.deepEqual(await target.memory(), {
      totalBytes: 41 * 1024 ** 2 + 1024 ** 2,
      byPod: { 'retry-backend-6d9f8b7c5-x2x4q': 41 * 1024 ** 2, 'retry-client-7c8d9e6f5-abcde': 1024 ** 2 },
    });
  });
});

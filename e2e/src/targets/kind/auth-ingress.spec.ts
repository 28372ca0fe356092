// stale-dns-server's lab on the kind target. No Kubernetes API, container engine or ingress-nginx can exist on
// this machine: kubectl and helm are a fake command runner, and the ingress-nginx controller behind the fake
// port-forward is a real local HTTP server that routes by Host as ingress-nginx does (404 for an unknown host).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../evidence/http';
import { resilienceLab } from '../../lab/labs';
import { staleDnsLab } from '../../scenarios/stale-dns-server';
import { AUTH_INGRESS_HOST, authIngressMapping, UnmappableAuthProxyError } from './auth-ingress-values';
import { FakeCommandRunner, type RecordedCommand, type Reply } from './fake-command-runner';
import { KindTarget } from './kind-target';
import { type ChartValues, labValues } from './lab-values';

const CHART_APPS = ['product-service', 'order-service', 'store-front', 'external-server', 'front-end', 'business-logic', 'retry-backend', 'retry-client', 'dns-server'];
const TOKEN = 'not-a-real-token-9c1e';

describe('stale-dns-server lab as chart values', () => {
  it('auth-proxy becomes the store-front Ingress with auth-url; auth → external-server, echo → store-front; nothing else runs', () => {
    const values = labValues(staleDnsLab(), CHART_APPS);
    assert.deepEqual(values.ingress, { enabled: true, host: 'store.faultline.test', auth: { enabled: true } });
    const enabled = Object.entries(values.apps)
      .filter(([, app]) => app.enabled)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(enabled, ['external-server', 'store-front']);
    // The chart's own ports, env and Services for the apps behind the Ingress (as scenarios/stale-dns-server.yaml).
    assert.deepEqual(values.apps['external-server'], { enabled: true });
    assert.deepEqual(values.apps['store-front'], { enabled: true });
    assert.equal('auth-proxy' in values.apps, false);
    assert.equal(values.canary, undefined);
  });

  it('the mapping follows AUTH_URL and UPSTREAM_URL by Service name or FQDN', () => {
    assert.deepEqual(authIngressMapping(staleDnsLab())?.playedBy, { auth: 'external-server', echo: 'store-front' });
    const lab = staleDnsLab();
    const proxy = lab.deployments.find((d) => d.app === 'auth-proxy');
    assert.ok(proxy?.env);
    proxy.env.UPSTREAM_URL = 'http://nowhere:8080';
    assert.throws(() => authIngressMapping(lab), UnmappableAuthProxyError);
    assert.throws(() => authIngressMapping(lab), /UPSTREAM_URL=http:\/\/nowhere:8080 names no Deployment of the lab/);
  });

  it('an auth service that is not external-server is refused, naming why; labs without auth-proxy map as before', () => {
    const lab = staleDnsLab();
    const auth = lab.deployments.find((d) => d.name === 'auth');
    assert.ok(auth);
    auth.app = 'retry-backend';
    assert.throws(() => labValues(lab, CHART_APPS), /its auth service auth runs retry-backend; the chart's auth-url is external-server/);
    const resilience = labValues(resilienceLab({ hangSeconds: 3 }), CHART_APPS);
    assert.equal(resilience.ingress, undefined);
    assert.equal(resilience.apps['retry-client'].enabled, true);
  });
});

describe('KindTarget with the stale-dns-server lab (fake kubectl and helm, a local server as ingress-nginx)', () => {
  let controller: http.Server;
  let controllerPort = 0;
  const hosts: (string | undefined)[] = [];
  /** Requests for the Ingress's host answered 404 before ingress-nginx has loaded it. */
  let notLoadedYet = 2;

  before(async () => {
    controller = http.createServer((req, res) => {
      hosts.push(req.headers.host);
      const routed = req.headers.host === AUTH_INGRESS_HOST && notLoadedYet-- <= 0;
      res.writeHead(routed ? 200 : 404, { 'content-type': 'text/html' });
      res.end(routed ? '<html>store-front</html>' : '<html>404 Not Found</html>');
    });
    await new Promise<void>((resolve) => controller.listen(0, '127.0.0.1', resolve));
    controllerPort = (controller.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => controller.close(() => resolve())));

  function replies(values: { current?: ChartValues }) {
    return (c: RecordedCommand): Reply | undefined => {
      const line = c.args.join(' ');
      if (c.tool === 'helm' && c.args[0] === 'status') return { name: 'faultline', version: 7, info: { status: 'deployed' } };
      if (c.tool === 'helm' && line.startsWith('get values')) return { image: { repository: 'faultline', tag: 'ci-abc123' } };
      if (c.tool === 'helm' && c.args[0] === 'upgrade') {
        values.current = JSON.parse(readFileSync(c.args[c.args.indexOf('--wait') - 1], 'utf8')) as ChartValues;
        return 'Release "faultline" has been upgraded. Happy Helming!\n';
      }
      if (c.tool === 'helm' && c.args[0] === 'rollback') return 'Rollback was a success! Happy Helming!\n';
      if (line.includes('get secret faultline-admin')) return { kind: 'Secret', data: { token: Buffer.from(TOKEN).toString('base64') } };
      if (line.includes('deletionTimestamp')) return '';
      if (line.includes('exec deploy/ingress-nginx-controller -- nginx -s reload')) return '';
      return undefined;
    };
  }

  it('start() installs the Ingress values, serves auth-proxy through the controller with the Ingress Host, and reloads it', async () => {
    const values: { current?: ChartValues } = {};
    const runner = new FakeCommandRunner(replies(values), (resource) => (resource === 'svc/ingress-nginx-controller' ? controllerPort : 40_000));
    const target = new KindTarget({ runner });
    await target.start(staleDnsLab());
    try {
      assert.deepEqual(values.current?.ingress, { enabled: true, host: AUTH_INGRESS_HOST, auth: { enabled: true } });
      const forwards = runner.calls.filter((c) => c.background).map((c) => c.args.join(' '));
      // Only the controller and Zipkin: auth-proxy, auth and echo are not Services of the chart.
      assert.deepEqual(forwards, [
        '-n ingress-nginx port-forward --address 127.0.0.1 svc/ingress-nginx-controller :80',
        '-n faultline port-forward --address 127.0.0.1 svc/zipkin :9411',
      ]);
      // start() waited until the controller routed the Host (the first answers were 404).
      assert.ok(notLoadedYet < 0, 'start() polled past the 404s');

      assert.equal(target.serviceUrl('auth-proxy'), `http://127.0.0.1:${controllerPort}`);
      assert.deepEqual(target.serviceHeaders('auth-proxy'), { host: AUTH_INGRESS_HOST });
      assert.equal(target.serviceHeaders('echo'), undefined);
      // The scenario's request: serviceUrl + serviceHeaders reaches the Ingress's backend.
      const routed = await httpRequest(`${target.serviceUrl('auth-proxy')}/`, { headers: target.serviceHeaders('auth-proxy') });
      assert.equal(routed.status, 200);
      assert.equal(hosts.at(-1), AUTH_INGRESS_HOST);
      // Without the Host the controller's default backend answers: why the header matters.
      const bare = await httpRequest(`${target.serviceUrl('auth-proxy')}/`);
      assert.equal(bare.status, 404);
      assert.throws(() => target.serviceUrl('echo'), /Service "echo" is the chart's store-front behind the Ingress on kind: reach it through "auth-proxy"/);

      assert.deepEqual(await target.clusterDns.signalPods('auth-proxy', 'SIGHUP'), ['deploy/ingress-nginx-controller']);
    } finally {
      await target.stop();
    }
    assert.equal(runner.lines().at(-1), 'helm rollback faultline 7 --wait --timeout 10m --namespace faultline');
    assert.ok(runner.forwards.every((f) => f.stopped), 'the controller forward is stopped with the others');
  });
});

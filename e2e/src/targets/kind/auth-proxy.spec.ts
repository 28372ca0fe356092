// stale-dns-server's lab on the kind target. No Kubernetes API, container engine or nginx pod can exist on this
// machine: kubectl and helm are a fake command runner, and the chart's auth-proxy (nginx) behind the fake
// port-forward is a real local HTTP server; its log lines are nginx's error-log format as `kubectl logs` prints them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../evidence/http';
import { resilienceLab } from '../../lab/labs';
import { staleDnsLab } from '../../scenarios/stale-dns-server';
import { authProxyMapping, UnmappableAuthProxyError } from './auth-proxy-values';
import { FakeCommandRunner, type RecordedCommand, type Reply } from './fake-command-runner';
import { KindTarget } from './kind-target';
import { type ChartValues, labValues } from './lab-values';

const CHART_APPS = ['product-service', 'order-service', 'store-front', 'external-server', 'front-end', 'business-logic', 'retry-backend', 'retry-client', 'dns-server'];
const TOKEN = 'not-a-real-token-9c1e';

/** nginx's error and access log lines after the CoreDNS restart, as `kubectl logs --prefix --timestamps` shows them. */
const NGINX_LOGS = [
  '[pod/auth-proxy-5b7c9d8f6-q2w3e/auth-proxy] 2026-12-02T10:00:05.100000000Z 2026/12/02 10:00:05 [error] 7#7: *41 external-server.faultline.svc.cluster.local could not be resolved (110: Operation timed out), client: 127.0.0.1, server: , request: "GET / HTTP/1.1", subrequest: "/_external-auth", host: "127.0.0.1:40000"',
  '[pod/auth-proxy-5b7c9d8f6-q2w3e/auth-proxy] 2026-12-02T10:00:05.100200000Z 2026/12/02 10:00:05 [error] 7#7: *41 auth request unexpected status: 502 while sending to client, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", host: "127.0.0.1:40000"',
  '[pod/auth-proxy-5b7c9d8f6-q2w3e/auth-proxy] 2026-12-02T10:00:05.100300000Z 127.0.0.1 - - [02/Dec/2026:10:00:05 +0000] "GET / HTTP/1.1" 500 177 "-" "faultline"',
  '',
].join('\n');

describe('stale-dns-server lab as chart values', () => {
  it("auth-proxy becomes the chart's authProxy (nginx) with the lab's resolver settings; auth → external-server, echo → store-front; nothing else runs", () => {
    const values = labValues(staleDnsLab(), CHART_APPS);
    assert.deepEqual(values.authProxy, { enabled: true, resolver: { valid: '1s', timeout: '500ms' } });
    const enabled = Object.entries(values.apps)
      .filter(([, app]) => app.enabled)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(enabled, ['external-server', 'store-front']);
    // The chart's own ports, env and Services for the apps behind it (as scenarios/stale-dns-server.yaml).
    assert.deepEqual(values.apps['external-server'], { enabled: true });
    assert.deepEqual(values.apps['store-front'], { enabled: true });
    assert.equal('auth-proxy' in values.apps, false);
    assert.equal(values.canary, undefined);
  });

  it('the mapping follows AUTH_URL and UPSTREAM_URL by Service name or FQDN; valid= is rounded up to whole seconds', () => {
    assert.deepEqual(authProxyMapping(staleDnsLab())?.playedBy, { auth: 'external-server', echo: 'store-front' });
    const slow = staleDnsLab();
    const env = slow.deployments[0].env ?? {};
    env.RESOLVER_VALID_MS = '2500';
    assert.deepEqual(authProxyMapping(slow)?.values.resolver, { valid: '3s', timeout: '500ms' });
    env.UPSTREAM_URL = 'http://nowhere:8080';
    assert.throws(() => authProxyMapping(slow), UnmappableAuthProxyError);
    assert.throws(() => authProxyMapping(slow), /UPSTREAM_URL=http:\/\/nowhere:8080 names no Deployment of the lab/);
  });

  it('an auth service that is not external-server, or a proxy not named auth-proxy, is refused naming why; labs without one map as before', () => {
    const lab = staleDnsLab();
    const auth = lab.deployments.find((d) => d.name === 'auth');
    assert.ok(auth);
    auth.app = 'retry-backend';
    assert.throws(() => labValues(lab, CHART_APPS), /its auth service auth runs retry-backend; the chart's authProxy asks external-server/);
    const renamed = staleDnsLab();
    renamed.deployments[0].name = 'edge';
    assert.throws(() => authProxyMapping(renamed), /Deployment edge \(auth-proxy\): the chart names its nginx Deployment auth-proxy/);
    const resilience = labValues(resilienceLab({ hangSeconds: 3 }), CHART_APPS);
    assert.equal(resilience.authProxy, undefined);
    assert.equal(resilience.apps['retry-client'].enabled, true);
  });
});

describe('KindTarget with the stale-dns-server lab (fake kubectl and helm, a local server as the nginx pod)', () => {
  let nginx: http.Server;
  let nginxPort = 0;

  before(async () => {
    nginx = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>store-front</html>');
    });
    await new Promise<void>((resolve) => nginx.listen(0, '127.0.0.1', resolve));
    nginxPort = (nginx.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => nginx.close(() => resolve())));

  function replies(values: { current?: ChartValues }) {
    return (c: RecordedCommand): Reply | undefined => {
      const line = c.args.join(' ');
      if (c.tool === 'helm' && c.args[0] === 'status') return { name: 'faultline', version: 7, info: { status: 'deployed' } };
      if (c.tool === 'helm' && line.startsWith('get values')) return { image: { repository: 'faultline', tag: 'ci-abc123' }, authProxy: { image: 'faultline-kit/nginx:debian' } };
      if (c.tool === 'helm' && c.args[0] === 'upgrade') {
        values.current = JSON.parse(readFileSync(c.args[c.args.indexOf('--wait') - 1], 'utf8')) as ChartValues;
        return 'Release "faultline" has been upgraded. Happy Helming!\n';
      }
      if (c.tool === 'helm' && c.args[0] === 'rollback') return 'Rollback was a success! Happy Helming!\n';
      if (line.includes('get secret faultline-admin')) return { kind: 'Secret', data: { token: Buffer.from(TOKEN).toString('base64') } };
      if (line.includes('deletionTimestamp')) return '';
      if (line.includes('exec deploy/auth-proxy -- nginx -s reload')) return '';
      if (line.includes('logs -l app=auth-proxy')) return NGINX_LOGS;
      return undefined;
    };
  }

  it("start() installs authProxy, forwards svc/auth-proxy on the chart's port 80; logs are nginx's; the reload is nginx -s reload in its pod", async () => {
    const values: { current?: ChartValues } = {};
    const runner = new FakeCommandRunner(replies(values), (resource) => (resource === 'svc/auth-proxy' ? nginxPort : 40_000));
    const target = new KindTarget({ runner });
    await target.start(staleDnsLab());
    try {
      assert.deepEqual(values.current?.authProxy, { enabled: true, resolver: { valid: '1s', timeout: '500ms' } });
      const forwards = runner.calls.filter((c) => c.background).map((c) => c.args.join(' '));
      // auth and echo are the chart's external-server and store-front behind nginx: no forward of their own.
      assert.deepEqual(forwards, ['-n faultline port-forward --address 127.0.0.1 svc/auth-proxy :80', '-n faultline port-forward --address 127.0.0.1 svc/zipkin :9411']);
      assert.equal(target.serviceUrl('auth-proxy'), `http://127.0.0.1:${nginxPort}`);
      assert.equal((await httpRequest(`${target.serviceUrl('auth-proxy')}/`)).status, 200);
      assert.throws(() => target.serviceUrl('echo'), /Service "echo" is the chart's store-front behind auth-proxy on kind: reach it through "auth-proxy" \(nginx configured like ingress-nginx auth-url\)/);
      assert.equal(target.sources.serviceRequests('auth-proxy'), "the harness's requests to auth-proxy (nginx configured like ingress-nginx auth-url) through kubectl -n faultline port-forward svc/auth-proxy");
      assert.equal(target.sources.logs('auth-proxy'), 'kubectl -n faultline logs -l app=auth-proxy,app.kubernetes.io/instance=faultline (nginx configured like ingress-nginx auth-url)');

      const lines = await target.logs('auth-proxy', { since: Date.parse('2026-12-02T10:00:00Z'), match: (l) => /could not be resolved|auth request unexpected status/.test(l.text) });
      assert.match(runner.lines().at(-1) ?? '', /^kubectl -n faultline logs -l app=auth-proxy,app\.kubernetes\.io\/instance=faultline -c auth-proxy --prefix --timestamps/);
      assert.deepEqual(lines.map((l) => [l.pod, l.json, l.text.replace(/^.*\[error\] \S+ \*\d+ /, '').split(',')[0]]), [
        ['auth-proxy-5b7c9d8f6-q2w3e', undefined, 'external-server.faultline.svc.cluster.local could not be resolved (110: Operation timed out)'],
        ['auth-proxy-5b7c9d8f6-q2w3e', undefined, 'auth request unexpected status: 502 while sending to client'],
      ]);

      assert.deepEqual(await target.clusterDns.signalPods('auth-proxy', 'SIGHUP'), ['deploy/auth-proxy']);
      assert.equal(runner.lines().at(-1), 'kubectl -n faultline exec deploy/auth-proxy -- nginx -s reload');
    } finally {
      await target.stop();
    }
    assert.equal(runner.lines().at(-1), 'helm rollback faultline 7 --wait --timeout 10m --namespace faultline');
    assert.ok(runner.forwards.every((f) => f.stopped), 'every forward is stopped');
  });
});

/**
 * The chart's authProxy (stale-dns-server on a cluster): plain nginx configured as ingress-nginx renders the
 * auth-url annotation. Rendered offline; the nginx.conf is read as nginx would (the auth location through a
 * variable, the resolver, the temp paths), and `nginx -t` checks it where nginx is installed (apt-get install
 * nginx; under CI a missing nginx fails, the policy of @faultline/test-support).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isolateTempDir, makeTempDir, requireTool, skipWithout, unusedLoopbackPort } from '@faultline/test-support';
import { HELM_SKIP, lazyRender, NAMESPACE, render } from './render';
import { repoPath, run, SCENARIOS_DIR } from './repo';

isolateTempDir();

const KIND_VALUES = repoPath('kind', 'values.yaml');
const scenario = lazyRender([KIND_VALUES, path.join(SCENARIOS_DIR, 'stale-dns-server.yaml')]);
const offline = lazyRender([KIND_VALUES, path.join(SCENARIOS_DIR, 'stale-dns-server.yaml'), repoPath('kind', 'offline', 'values.yaml')]);
const confOf = (r: typeof scenario) => r.get('ConfigMap', 'auth-proxy').data['nginx.conf'];

/** The body of the nginx block `name` (e.g. `location = /_external-auth`), braces balanced. */
function block(conf: string, name: string): string {
  const start = conf.indexOf(`${name} {`);
  assert.ok(start >= 0, `no block "${name}" in nginx.conf`);
  let depth = 0;
  for (let i = conf.indexOf('{', start); i < conf.length; i++) {
    if (conf[i] === '{') depth++;
    if (conf[i] === '}' && --depth === 0) return conf.slice(conf.indexOf('{', start) + 1, i);
  }
  throw new Error(`block "${name}" is not closed`);
}

describe('authProxy: nginx configured like ingress-nginx auth-url', { skip: HELM_SKIP }, () => {
  it('is off by default', () => {
    const defaults = render();
    assert.equal(defaults.find('Deployment', 'auth-proxy'), undefined);
    assert.equal(defaults.find('ConfigMap', 'auth-proxy'), undefined);
  });

  it('renders a ConfigMap, one nginx Deployment and a Service auth-proxy (80 -> http 8080) with the lab labels', () => {
    const deployment = scenario.get('Deployment', 'auth-proxy');
    assert.equal(deployment.spec.replicas, 1);
    const pod = deployment.spec.template;
    assert.equal(pod.metadata.labels.app, 'auth-proxy');
    assert.equal(pod.metadata.labels['app.kubernetes.io/part-of'], 'faultline');
    const [container] = pod.spec.containers;
    assert.equal(container.name, 'auth-proxy');
    assert.equal(container.image, 'nginx:1.29');
    assert.deepEqual(container.command, ['nginx', '-c', '/etc/nginx/nginx.conf', '-g', 'daemon off;']);
    assert.deepEqual(container.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/healthz', port: 'http' });
    assert.equal(pod.metadata.annotations['checksum/nginx-conf'].length, 64, 'a changed nginx.conf rolls the pod');
    const service = scenario.get('Service', 'auth-proxy');
    assert.deepEqual(service.spec.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    assert.deepEqual(service.spec.selector, { 'app.kubernetes.io/name': 'auth-proxy', 'app.kubernetes.io/instance': 'lab' });
    assert.equal(offline.get('Deployment', 'auth-proxy').spec.template.spec.containers[0].image, 'faultline-kit/nginx:debian', "the offline kit's Debian nginx");
  });

  it("runs as the chart's non-root user on a read-only root: nginx.conf at nginx's default path, an emptyDir for /tmp", () => {
    const pod = scenario.get('Deployment', 'auth-proxy').spec.template.spec;
    const [container] = pod.containers;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.runAsUser, 1000);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
    const mounts = Object.fromEntries(container.volumeMounts.map((m: { name: string; mountPath: string; subPath?: string }) => [m.mountPath, m]));
    assert.deepEqual(mounts['/etc/nginx/nginx.conf'], { name: 'nginx-conf', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true });
    assert.equal(mounts['/tmp'].name, 'tmp');
    assert.ok(pod.volumes.some((v: { name: string; emptyDir?: unknown }) => v.name === 'tmp' && v.emptyDir));
    const conf = confOf(scenario);
    assert.match(conf, /^pid \/tmp\/nginx\.pid;$/m);
    for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) assert.match(conf, new RegExp(`^\\s*${temp}_temp_path /tmp/`, 'm'), temp);
    assert.doesNotMatch(conf, /^\s*user\s/m, 'no user directive: nginx runs as the pod user');
  });

  it('nginx.conf: the internal auth location proxies GET without the body through a variable; location / asks it first', () => {
    const conf = confOf(scenario);
    const auth = block(conf, 'location = /_external-auth');
    assert.match(auth, /^\s*internal;$/m);
    assert.match(auth, /^\s*proxy_pass_request_body off;$/m);
    assert.match(auth, /^\s*proxy_method GET;$/m);
    assert.match(auth, new RegExp(`^\\s*set \\$target http://external-server\\.${NAMESPACE}\\.svc\\.cluster\\.local/auth;\\s*proxy_pass \\$target;`, 'm'));
    const root = block(conf, 'location /');
    assert.match(root, /^\s*auth_request \/_external-auth;$/m);
    assert.match(root, new RegExp(`set \\$upstream http://store-front\\.${NAMESPACE}\\.svc\\.cluster\\.local;\\s*proxy_pass \\$upstream;`));
    assert.doesNotMatch(block(conf, 'location = /healthz'), /auth_request/, 'the probes never depend on DNS');
  });

  it('nginx.conf: the resolver is the cluster DNS Service with a short valid= and no IPv6; errors and access to the pod log', () => {
    const conf = confOf(scenario);
    assert.match(conf, /^\s*resolver 10\.96\.0\.10 valid=5s ipv6=off;$/m);
    assert.match(conf, /^\s*resolver_timeout 2s;$/m);
    assert.match(conf, /^error_log stderr notice;$/m);
    assert.match(conf, /^\s*access_log \/dev\/stdout;$/m);
    assert.match(conf, /^\s*listen 8080;$/m);
    const custom = render([], ['authProxy.enabled=true', 'authProxy.resolver.address=10.43.0.10', 'authProxy.resolver.valid=1s', 'authProxy.resolver.timeout=500ms', 'authProxy.authUrl=http://auth.example.svc.cluster.local:8080/check']);
    const text = confOf(custom);
    assert.match(text, /resolver 10\.43\.0\.10 valid=1s ipv6=off;/);
    assert.match(text, /resolver_timeout 500ms;/);
    assert.match(text, /set \$target http:\/\/auth\.example\.svc\.cluster\.local:8080\/check;/);
  });

  it('refuses values nginx would not take', () => {
    for (const bad of ['authProxy.resolver.valid=500ms', 'authProxy.resolver.address=kube-dns;', 'authProxy.authUrl=http://a/b;c', 'authProxy.errorLogLevel=verbose']) {
      assert.throws(() => render([], ['authProxy.enabled=true', bad]), /values don't meet the specifications of the schema/, bad);
    }
  });

  it('nginx -t accepts the rendered nginx.conf', { skip: skipWithout('nginx') }, async () => {
    const nginx = requireTool('nginx');
    // nginx -t binds the listen address, creates the temp paths and opens the access log: a free loopback port and
    // the test's own folder instead (the test's stdout is a socket, which /dev/stdout cannot open; a pod's is a pipe).
    const dir = makeTempDir('faultline-nginx-');
    const port = await unusedLoopbackPort();
    const conf = confOf(scenario)
      .replaceAll('/tmp/', `${dir}/`)
      .replace('access_log /dev/stdout;', `access_log ${dir}/access.log;`)
      .replace(/^(\s*)listen 8080;$/m, `$1listen 127.0.0.1:${port};`);
    const file = path.join(dir, 'nginx.conf');
    writeFileSync(file, conf);
    const result = run(nginx, ['-t', '-c', file]);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stderr, /syntax is ok[\s\S]*test is successful/);
  });
});

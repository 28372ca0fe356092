/**
 * The chart, rendered offline: `helm lint --strict` and `helm template` of the defaults, the kind values and
 * every scenario file; every manifest validated against the Kubernetes schemas; what a Kubernetes engineer
 * checks line by line (security, probes, resources, labels, selectors, variables) asserted on each.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHART, CONTRACT_APPS, SCENARIOS_DIR, filesUnder, repoPath, scenarioFiles } from './repo';
import { envOf, helm, HELM_SKIP, lazyRender, NAMESPACE, podTemplates, render, type Rendered } from './render';
import { validateManifest } from './validate';
import { readTracingConfig } from '@faultline/tracer';

const KIND_VALUES = repoPath('kind', 'values.yaml');
const VARIANTS: { name: string; files: string[] }[] = [
  { name: 'defaults', files: [] },
  { name: 'kind values', files: [KIND_VALUES] },
  ...scenarioFiles().map((f) => ({ name: `scenario ${f}`, files: [KIND_VALUES, path.join(SCENARIOS_DIR, f)] })),
];
const rendered = new Map<string, Rendered>(VARIANTS.map((v) => [v.name, lazyRender(v.files)]));
function renderOf(name: string): Rendered {
  const result = rendered.get(name);
  if (!result) throw new Error(`no render named ${name}`);
  return result;
}
const defaults = renderOf('defaults');

describe('helm lint --strict', { skip: HELM_SKIP }, () => {
  for (const variant of VARIANTS) {
    it(`passes with ${variant.name}`, () => {
      const args = ['lint', '--strict', CHART, ...variant.files.flatMap((f) => ['-f', f])];
      const result = helm(args);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('every rendered manifest is valid Kubernetes', { skip: HELM_SKIP }, () => {
  for (const variant of VARIANTS) {
    it(`validates against the API schemas (${variant.name})`, () => {
      const manifests = renderOf(variant.name).manifests;
      assert.ok(manifests.length > 20, `only ${manifests.length} manifests rendered`);
      for (const manifest of manifests) validateManifest(manifest);
    });
  }

  it('rejects a manifest that breaks the schema (the validator can fail)', () => {
    const service = structuredClone(defaults.get('Service', 'order-service'));
    service.spec.ports[0].port = 'three thousand';
    assert.throws(() => validateManifest(service), /Service order-service: .*port/);
  });

  it('has no two objects of the same kind and name', () => {
    for (const variant of VARIANTS) {
      const keys = renderOf(variant.name).manifests.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
      assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], variant.name);
    }
  });
});

describe('the lab', { skip: HELM_SKIP }, () => {
  it('deploys every service of the contract as a Deployment and a Service named after it', () => {
    for (const app of CONTRACT_APPS) {
      const deployment = defaults.get('Deployment', app);
      const service = defaults.get('Service', app);
      assert.equal(deployment.spec.template.spec.containers[0].image, `faultline/${app}:0.1.0`);
      assert.equal(service.spec.type, 'ClusterIP');
    }
  });

  it('deploys every app folder of the repository, but the local target\'s stand-ins for cluster parts', () => {
    // auth-proxy stands in for nginx with ingress-nginx's auth-url on the local target; on a cluster the chart's
    // authProxy (off by default: auth-proxy.spec.ts) runs nginx itself.
    const localStandIns = new Set(['auth-proxy']);
    const apps = filesUnder(repoPath('apps'), 'main.ts').map((f) => path.basename(path.dirname(path.dirname(f))));
    for (const app of apps.filter((a) => !localStandIns.has(a))) {
      assert.ok(defaults.find('Deployment', app), `apps/${app} has no Deployment in the chart`);
    }
    for (const app of localStandIns) assert.equal(defaults.find('Deployment', app), undefined, `${app} is local-only`);
  });

  it('runs RabbitMQ (official image) as a StatefulSet with a volume claim, Zipkin and Prometheus', () => {
    const rabbit = defaults.get('StatefulSet', 'rabbitmq');
    assert.match(rabbit.spec.template.spec.containers[0].image, /^rabbitmq:\d/);
    assert.equal(rabbit.spec.volumeClaimTemplates[0].metadata.name, 'data');
    assert.ok(rabbit.spec.template.spec.containers[0].volumeMounts.some((m: { name: string; mountPath: string }) => m.name === 'data' && m.mountPath === '/var/lib/rabbitmq'));
    assert.match(defaults.get('Deployment', 'zipkin').spec.template.spec.containers[0].image, /^openzipkin\/zipkin:/);
    assert.match(defaults.get('Deployment', 'prometheus').spec.template.spec.containers[0].image, /^prom\/prometheus:v\d/);
  });

  it('gives every container resources, probes and a locked-down security context', () => {
    for (const variant of VARIANTS) {
      for (const { owner, pod } of podTemplates(renderOf(variant.name))) {
        const where = `${variant.name}: ${owner.kind} ${owner.metadata.name}`;
        const podSecurity = pod.spec.securityContext ?? {};
        assert.equal(podSecurity.runAsNonRoot, true, `${where}: pod runAsNonRoot`);
        assert.equal(podSecurity.seccompProfile?.type, 'RuntimeDefault', `${where}: pod seccomp`);
        assert.ok(!pod.spec.hostNetwork && !pod.spec.hostPID, `${where}: host namespaces`);
        for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
          const at = `${where} container ${container.name}`;
          const sc = container.securityContext ?? {};
          assert.equal(sc.runAsNonRoot, true, `${at}: runAsNonRoot`);
          assert.ok(Number.isInteger(sc.runAsUser) && sc.runAsUser > 0, `${at}: numeric non-root runAsUser`);
          assert.equal(sc.readOnlyRootFilesystem, true, `${at}: readOnlyRootFilesystem`);
          assert.equal(sc.allowPrivilegeEscalation, false, `${at}: allowPrivilegeEscalation`);
          assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${at}: capabilities drop ALL`);
          assert.equal(sc.capabilities?.add, undefined, `${at}: no added capabilities`);
          assert.equal(sc.privileged, undefined, `${at}: not privileged`);
          assert.equal(sc.seccompProfile?.type, 'RuntimeDefault', `${at}: seccomp`);
          assert.ok(container.resources?.requests?.cpu && container.resources?.requests?.memory, `${at}: requests`);
          assert.ok(container.resources?.limits?.memory, `${at}: memory limit`);
          assert.doesNotMatch(container.image, /:latest$|^[^:]+$/, `${at}: image tag pinned`);
          if (owner.kind !== 'Pod') {
            assert.ok(container.livenessProbe, `${at}: livenessProbe`);
            assert.ok(container.readinessProbe, `${at}: readinessProbe`);
          }
        }
      }
    }
  });

  it('probes every lab service on /healthz (liveness) and /readyz (readiness) of its http port', () => {
    for (const app of CONTRACT_APPS) {
      const container = defaults.get('Deployment', app).spec.template.spec.containers[0];
      assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' }, app);
      assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' }, app);
      const http = container.ports.find((p: { name: string }) => p.name === 'http');
      assert.equal(String(http.containerPort), envOf(container).PORT, `${app}: the http port is PORT`);
    }
  });

  it('lets the graceful shutdown finish before the kubelet kills the pod', () => {
    for (const app of CONTRACT_APPS) {
      const pod = defaults.get('Deployment', app).spec.template.spec;
      const env = envOf(pod.containers[0]);
      const needed = (Number(env.SHUTDOWN_DELAY_MS) + Number(env.SHUTDOWN_TIMEOUT_MS)) / 1000;
      assert.ok(pod.terminationGracePeriodSeconds > needed, `${app}: grace ${pod.terminationGracePeriodSeconds}s <= ${needed}s`);
    }
  });

  it('sets the contract variables: ADMIN_TOKEN from a Secret, OTEL_* to the chart Zipkin, pod identity', () => {
    const secret = defaults.get('Secret', 'faultline-admin');
    assert.ok(Buffer.from(secret.data.token, 'base64').toString().length >= 32, 'a generated admin token');
    for (const app of CONTRACT_APPS) {
      const env = envOf(defaults.get('Deployment', app).spec.template.spec.containers[0]);
      assert.equal(env.ADMIN_TOKEN, 'secret:faultline-admin/token', app);
      assert.equal(env.OTEL_SERVICE_NAME, app);
      assert.equal(env.OTEL_TRACES_EXPORTER, 'zipkin');
      assert.equal(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT, `http://zipkin.${NAMESPACE}.svc.cluster.local:9411/api/v2/spans`);
      assert.equal(env.OTEL_PROPAGATORS, 'b3multi');
      assert.equal(env.OTEL_TRACES_SAMPLER, 'parentbased_always_on');
      assert.equal(env.POD_NAME, 'field:metadata.name');
      assert.equal(env.POD_NAMESPACE, 'field:metadata.namespace');
      assert.equal(env.HOST, '0.0.0.0');
      for (const name of ['SHUTDOWN_DELAY_MS', 'SHUTDOWN_TIMEOUT_MS', 'LOG_LEVEL', 'BODY_LIMIT_BYTES', 'SERVICE_VERSION']) {
        assert.ok(env[name], `${app}: ${name}`);
      }
      assert.equal(env.FAULTS, undefined, `${app}: no faults by default`);
    }
  });

  it('exports OTLP when tracing.exporter=otlp: the endpoint the tracer reads, http/protobuf; refused without an endpoint', () => {
    const endpoint = 'http://jaeger-collector.observability.svc.cluster.local:4318';
    const otlp = render([], ['tracing.exporter=otlp', `tracing.otlpEndpoint=${endpoint}`]);
    for (const app of CONTRACT_APPS) {
      const env = envOf(otlp.get('Deployment', app).spec.template.spec.containers[0]);
      assert.equal(env.OTEL_TRACES_EXPORTER, 'otlp', app);
      assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, endpoint, app);
      assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf', app);
      // As the service's tracer reads its environment (libs/tracer): spans go to the receiver's /v1/traces.
      const config = readTracingConfig(env);
      assert.equal(config.exporter, 'otlp');
      assert.equal(config.otlp.tracesEndpoint, `${endpoint}/v1/traces`);
    }
    const zipkin = envOf(defaults.get('Deployment', 'order-service').spec.template.spec.containers[0]);
    assert.equal(zipkin.OTEL_EXPORTER_OTLP_ENDPOINT, undefined, 'no OTLP variables with the Zipkin exporter');
    assert.throws(() => render([], ['tracing.exporter=otlp']), /otlpEndpoint/);
    assert.throws(() => render([], ['tracing.exporter=otlp', 'tracing.otlpEndpoint=collector:4318']), /otlpEndpoint/);
  });

  it('wires the services to each other by their Service names and ports', () => {
    const env = (app: string) => envOf(defaults.get('Deployment', app).spec.template.spec.containers[0]);
    const servicePort = (name: string) => defaults.get('Service', name).spec.ports.find((p: { name: string }) => p.name === 'http').port;
    assert.equal(env('store-front').PRODUCT_SERVICE_URL, `http://product-service:${servicePort('product-service')}`);
    assert.equal(env('store-front').ORDER_SERVICE_URL, `http://order-service:${servicePort('order-service')}`);
    assert.equal(env('front-end').BUSINESS_LOGIC_URL, `http://business-logic:${servicePort('business-logic')}`);
    assert.equal(env('retry-client').RETRY_BACKEND_URL, `http://retry-backend:${servicePort('retry-backend')}`);
    assert.equal(servicePort('external-server'), 80, 'http://myexternalserver.com needs port 80');
    const order = env('order-service');
    assert.equal(order.ORDER_QUEUE_HOSTNAME, 'rabbitmq');
    assert.equal(order.ORDER_QUEUE_USERNAME, 'secret:faultline-rabbitmq/username');
    assert.equal(order.ORDER_QUEUE_PASSWORD, 'secret:faultline-rabbitmq/password');
    assert.equal(order.EXTERNAL_SERVER_URL, 'http://myexternalserver.com.');
    const rabbit = envOf(defaults.get('StatefulSet', 'rabbitmq').spec.template.spec.containers[0]);
    assert.equal(rabbit.RABBITMQ_DEFAULT_USER, 'secret:faultline-rabbitmq/username');
    assert.equal(rabbit.RABBITMQ_DEFAULT_PASS, 'secret:faultline-rabbitmq/password');
  });

  it('matches every Service selector to pods that expose its target ports', () => {
    for (const variant of VARIANTS) {
      const r = renderOf(variant.name);
      const pods = podTemplates(r).filter(({ owner }) => owner.kind !== 'Pod');
      for (const service of r.all('Service')) {
        const selector: Record<string, string> = service.spec.selector;
        assert.ok(selector && Object.keys(selector).length, `${service.metadata.name}: a selector`);
        const matching = pods.filter(({ pod }) => Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v));
        assert.equal(matching.length, 1, `${variant.name}: Service ${service.metadata.name} selects ${matching.length} workloads`);
        const containerPorts = matching[0].pod.spec.containers.flatMap((c: { ports?: { name: string; containerPort: number }[] }) => c.ports ?? []);
        for (const port of service.spec.ports) {
          if (service.metadata.name === 'order-service' && port.targetPort === 3001) continue; // the TCP scenario's break
          const found = containerPorts.some((p: { name: string; containerPort: number }) => p.name === port.targetPort || p.containerPort === port.targetPort);
          assert.ok(found, `${variant.name}: Service ${service.metadata.name} port ${port.name} -> ${port.targetPort} matches no container port`);
        }
      }
    }
  });

  it('keeps every workload selector inside its pod labels, with the app and app.kubernetes.io labels', () => {
    for (const variant of VARIANTS) {
      for (const { owner, pod } of podTemplates(renderOf(variant.name))) {
        const labels = pod.metadata.labels ?? {};
        for (const key of ['app', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by']) {
          assert.ok(labels[key], `${owner.kind} ${owner.metadata.name}: pod label ${key}`);
        }
        if (owner.kind === 'Pod') continue;
        for (const [key, value] of Object.entries(owner.spec.selector.matchLabels as Record<string, string>)) {
          assert.equal(labels[key], value, `${owner.kind} ${owner.metadata.name}: selector ${key}`);
        }
      }
    }
  });

  it('lets Prometheus scrape every lab pod and CoreDNS', () => {
    for (const app of CONTRACT_APPS) {
      const annotations = defaults.get('Deployment', app).spec.template.metadata.annotations;
      assert.equal(annotations['prometheus.io/scrape'], 'true');
      assert.equal(annotations['prometheus.io/path'], '/metrics');
    }
    const config = defaults.get('ConfigMap', 'prometheus').data['prometheus.yml'];
    assert.match(config, /job_name: faultline-pods/);
    assert.match(config, /job_name: coredns[\s\S]*kube-dns/);
    const roles = defaults.all('Role').map((r) => r.metadata.namespace);
    assert.deepEqual(roles.sort(), [NAMESPACE, 'kube-system'].sort());
    assert.equal(defaults.all('ClusterRole').length, 0);
  });

  it('runs the dns-server as the upstream DNS with myexternalserver.com -> external-server, on Service port 53', () => {
    const deployment = defaults.get('Deployment', 'dns-server');
    const container = deployment.spec.template.spec.containers[0];
    const env = envOf(container);
    assert.equal(env.DNS_ROLE, 'upstream');
    assert.deepEqual(JSON.parse(env.DNS_SERVICE_RECORDS), { 'myexternalserver.com': 'external-server' });
    assert.match(container.args[0], /exec node --require \.\/dist\/apps\/dns-server\/tracing\.js dist\/apps\/dns-server\/main\.js/);
    const service = defaults.get('Service', 'dns-server');
    const dnsPorts = service.spec.ports.filter((p: { port: number }) => p.port === 53).map((p: { protocol: string }) => p.protocol).sort();
    assert.deepEqual(dnsPorts, ['TCP', 'UDP']);
    const kind = renderOf('kind values');
    assert.equal(kind.get('Service', 'dns-server').spec.clusterIP, '10.96.0.53');
    assert.equal(kind.get('Deployment', 'store-front').spec.template.spec.containers[0].image, 'faultline/store-front:dev');
  });

  it('renders the AKS-style coredns-custom forward only with a pinned dns-server address', () => {
    assert.throws(() => render([], ['corednsForward.customConfigMap.enabled=true']), /needs apps.dns-server.service.clusterIP/);
    const custom = render([KIND_VALUES], ['corednsForward.customConfigMap.enabled=true']).get('ConfigMap', 'coredns-custom');
    assert.equal(custom.metadata.namespace, 'kube-system');
    assert.match(custom.data['faultline.server'], /^myexternalserver\.com:53 \{[\s\S]*forward \. 10\.96\.0\.53:53/);
  });

  it('has helm test pods that load the store and place orders through store-front', () => {
    const tests = defaults.all('Pod').filter((p) => p.metadata.annotations?.['helm.sh/hook'] === 'test');
    assert.deepEqual(tests.map((p) => p.metadata.name).sort(), ['faultline-test-place-order', 'faultline-test-store-front']);
    const order = defaults.get('Pod', 'faultline-test-place-order').spec.containers[0].args[0];
    assert.match(order, /http:\/\/store-front\.faultline\.svc\.cluster\.local:80/);
    assert.match(order, /'\/api\/orders', \{ method: 'POST'/);
    assert.match(order, /const wanted = \[1, 11\]/);
    for (const test of tests) assert.equal(test.spec.restartPolicy, 'Never');
  });

  it('refuses values the schema forbids', () => {
    for (const bad of ['apps.order-service.service.targetPort=0', 'tracing.propagators=jaeger', 'canary.ingress.weight=101', 'unknownKey=1', 'apps.web.enabled=true']) {
      assert.throws(() => render([], [bad]), /values don't meet the specifications of the schema/, bad);
    }
  });
});

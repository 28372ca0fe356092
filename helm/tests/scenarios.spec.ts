/**
 * One values file per scenario of the catalog, each producing exactly its break: the whole difference
 * between the chart rendered with and without the file is listed here, line by line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { diffRenders } from './diff';
import { envOf, HELM_SKIP, lazyRender, render } from './render';
import { repoPath, SCENARIO_IDS, scenarioFiles, SCENARIOS_DIR } from './repo';

const KIND_VALUES = repoPath('kind', 'values.yaml');
const base = lazyRender([KIND_VALUES]);
const withScenario = (id: string, sets: string[] = []) => render([KIND_VALUES, path.join(SCENARIOS_DIR, `${id}.yaml`)], sets);
const env = (r: ReturnType<typeof render>, deployment: string) => envOf(r.get('Deployment', deployment).spec.template.spec.containers[0]);

const EXPECTED: Record<(typeof SCENARIO_IDS)[number], string[]> = {
  'tcp-wrong-target-port': ['Service/order-service spec.ports[0].targetPort: 3000 -> 3001'],
  'dns-upstream-failure': [
    'Deployment/dns-server spec.template.spec.containers[0].env.FAULTS: undefined -> {"name":"FAULTS","value":"{\\"dns\\":{\\"myexternalserver.com\\":{\\"action\\":\\"drop\\"}}}"}',
  ],
  'dns-ndots-amplification': [
    'Deployment/order-service spec.template.spec.containers[0].env.EXTERNAL_SERVER_URL.value: "http://myexternalserver.com." -> "http://myexternalserver.com"',
  ],
  // Nothing breaks: the file pins what the scenario relies on, equal to the defaults.
  'slow-page-trace': [],
  'service-load-balancing': ['Deployment/retry-backend spec.replicas: 1 -> 3'],
  'retry-fail-rate': ['Deployment/retry-client spec.template.spec.containers[0].env.RETRIES_ENABLED.value: "true" -> "false"'],
  // No retries and no breaker (the breaker is off by default; the fix turns it on).
  'crash-circuit-breaker': ['Deployment/retry-client spec.template.spec.containers[0].env.RETRIES_ENABLED.value: "true" -> "false"'],
  'canary-split': ['+Deployment/retry-backend-v2', '+Ingress/retry-backend', '+Ingress/retry-backend-canary', '+Service/retry-backend-v2'],
  'stale-dns-server': ['+ConfigMap/auth-proxy', '+Deployment/auth-proxy', '+Service/auth-proxy'],
  // Nothing breaks in values: the pod is deleted with kubectl.
  'broker-pod-loss': [],
  // Nothing breaks in values: the node's container is stopped with docker; the file pins the 20 s tolerations.
  'node-loss': [],
  'network-policy-deny': ['-NetworkPolicy/order-service-to-rabbitmq'],
};

describe('scenario values files', () => {
  it('exist for every scenario of the catalog, and only for those', () => {
    assert.deepEqual(scenarioFiles(), SCENARIO_IDS.map((id) => `${id}.yaml`).sort());
  });

  it('say in their header which scenario they break and how it is fixed or observed', () => {
    for (const id of SCENARIO_IDS) {
      const text = readFileSync(path.join(SCENARIOS_DIR, `${id}.yaml`), 'utf8');
      assert.match(text, new RegExp(`^# Scenario ${id} \\(seed 00\\d\\)`), id);
      assert.ok(parse(text), `${id}: not empty`);
    }
  });

  describe('each changes exactly what its break needs', { skip: HELM_SKIP }, () => {
    for (const id of SCENARIO_IDS) {
      it(id, () => {
        assert.deepEqual(diffRenders(base, withScenario(id)), EXPECTED[id]);
      });
    }
  });
});

describe('the breaks, as the cluster will see them', { skip: HELM_SKIP }, () => {
  it('tcp-wrong-target-port: only this file points the order-service Service at 3001, where no container listens', () => {
    const broken = withScenario('tcp-wrong-target-port');
    const service = broken.get('Service', 'order-service').spec.ports[0];
    assert.equal(service.targetPort, 3001);
    const ports = broken.get('Deployment', 'order-service').spec.template.spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort);
    assert.ok(!ports.includes(3001) && ports.includes(3000));
    for (const id of SCENARIO_IDS.filter((s) => s !== 'tcp-wrong-target-port')) {
      assert.equal(withScenario(id).get('Service', 'order-service').spec.ports[0].targetPort, 3000, id);
    }
  });

  it('dns-upstream-failure: the upstream dns-server starts with the drop fault for myexternalserver.com only', () => {
    const faults = JSON.parse(env(withScenario('dns-upstream-failure'), 'dns-server').FAULTS);
    assert.deepEqual(faults, { dns: { 'myexternalserver.com': { action: 'drop' } } });
  });

  it('dns-ndots-amplification: a host with fewer than 5 dots and no trailing dot, so the search list is walked', () => {
    const host = new URL(env(withScenario('dns-ndots-amplification'), 'order-service').EXTERNAL_SERVER_URL).hostname;
    assert.equal(host, 'myexternalserver.com');
    assert.ok(host.split('.').length - 1 < 5 && !host.endsWith('.'));
    assert.ok(new URL(env(base, 'order-service').EXTERNAL_SERVER_URL).hostname.endsWith('.'), 'the default is the FQDN');
  });

  it('canary-split: v1 and v2 behind separate Services, 10% by weight, header and cookie to v2', () => {
    const r = withScenario('canary-split');
    assert.equal(env(r, 'retry-backend').VERSION, 'v1');
    assert.equal(env(r, 'retry-backend-v2').VERSION, 'v2');
    assert.deepEqual(r.get('Service', 'retry-backend').spec.selector.version, 'v1');
    assert.deepEqual(r.get('Service', 'retry-backend-v2').spec.selector.version, 'v2');
    const stable = r.get('Ingress', 'retry-backend');
    const canary = r.get('Ingress', 'retry-backend-canary');
    assert.equal(stable.spec.rules[0].host, canary.spec.rules[0].host);
    assert.equal(stable.spec.rules[0].http.paths[0].backend.service.name, 'retry-backend');
    assert.equal(canary.spec.rules[0].http.paths[0].backend.service.name, 'retry-backend-v2');
    assert.deepEqual(canary.metadata.annotations, {
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
      'nginx.ingress.kubernetes.io/canary-by-header': 'tester',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'true',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'tester',
    });
    assert.equal(stable.metadata.annotations, undefined, 'the stable route carries no canary annotation');
  });

  it('canary-split: rollback, promotion and an erroring v2 are values changes', () => {
    const rollback = withScenario('canary-split', ['canary.ingress.weight=0']);
    assert.equal(rollback.get('Ingress', 'retry-backend-canary').metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'], '0');
    const erroring = withScenario('canary-split', ['canary.faults.error.status=503', 'canary.faults.error.rate=1']);
    assert.deepEqual(JSON.parse(env(erroring, 'retry-backend-v2').FAULTS), { error: { status: 503, rate: 1 } });
    assert.equal(env(erroring, 'retry-backend').FAULTS, undefined, 'v1 stays healthy');
  });

  it('stale-dns-server: store-front behind nginx configured like ingress-nginx auth-url, resolved through cluster DNS, no Ingress', () => {
    const r = withScenario('stale-dns-server');
    const conf = r.get('ConfigMap', 'auth-proxy').data['nginx.conf'];
    assert.match(conf, /set \$target http:\/\/external-server\.faultline\.svc\.cluster\.local\/auth;\s*proxy_pass \$target;/);
    assert.match(conf, /auth_request \/_external-auth;/);
    assert.match(conf, /set \$upstream http:\/\/store-front\.faultline\.svc\.cluster\.local;/);
    assert.match(conf, /resolver 10\.96\.0\.10 valid=5s ipv6=off;/);
    assert.equal(r.find('Ingress', 'store-front'), undefined, 'no ingress controller needed');
    assert.equal(r.get('Service', 'store-front').spec.ports[0].port, 80);
    assert.equal(r.get('Service', 'external-server').spec.ports[0].port, 80);
  });

  it('crash-circuit-breaker: the fix is one value, the breaker on', () => {
    const fixed = withScenario('crash-circuit-breaker', ['apps.retry-client.env.BREAKER_ENABLED=true']);
    assert.equal(env(fixed, 'retry-client').BREAKER_ENABLED, 'true');
    assert.equal(env(withScenario('crash-circuit-breaker'), 'retry-client').BREAKER_ENABLED, 'false');
  });
});

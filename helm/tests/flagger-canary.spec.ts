/**
 * The chart's flaggerCanary (canary-split with the real Flagger), rendered offline: seed 004's two Canaries
 * (ingress-app-canary and ingress-app-ab) on the gatewayapi provider, a target Deployment whose selector is not
 * retry-backend's, and the success-rate query evaluated by Debian's promtool on series shaped as the lab's Prometheus
 * stores them. The same series show why Flagger's builtin request-success-rate cannot be used: it reads a `status`
 * label the apps do not have, so an erroring canary reads 100 %. (Flagger's CRD schema itself is checked where the
 * CRDs exist: the API server refuses a bad Canary at `helm upgrade` in npm run test:kind.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { requireTool, skipWithout } from '@faultline/test-support';
import { CHART } from './repo';
import { helm, HELM_SKIP, lazyRender, NAMESPACE } from './render';

const canary = lazyRender([], ['flaggerCanary.enabled=true']);
const ab = lazyRender([], ['flaggerCanary.enabled=true', 'flaggerCanary.strategy=ab']);

/** Flagger's own request-success-rate for the kubernetes and gatewayapi providers (flagger v1.44.0, pkg/metrics/observers/http.go). */
const FLAGGER_BUILTIN_SUCCESS_RATE = `sum(rate(http_request_duration_seconds_count{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",status!~"5.*"}[{{ interval }}])) / sum(rate(http_request_duration_seconds_count{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[{{ interval }}])) * 100`;

/** Flagger's template variables as its analysis fills them for Canary myweb with interval 1m. */
function filled(query: string): string {
  return query
    .replace(/\{\{\s*namespace\s*\}\}/g, NAMESPACE)
    .replace(/\{\{\s*target\s*\}\}/g, 'myweb')
    .replace(/\{\{\s*interval\s*\}\}/g, '1m')
    .trim();
}

/**
 * A counter of one pod at one status, 10 requests per 5 s scrape, with the labels of the lab's Prometheus
 * (namespace, pod) and of Flagger's bundled one (kubernetes_namespace, kubernetes_pod_name). Both metric names the
 * apps export are given, so each query finds the one it reads.
 */
function series(pod: string, statusCode: string): string[] {
  const labels = `namespace="${NAMESPACE}",pod="${pod}",kubernetes_namespace="${NAMESPACE}",kubernetes_pod_name="${pod}",method="GET",route="/",status_code="${statusCode}"`;
  return [`http_requests_total{${labels}}`, `http_request_duration_seconds_count{${labels}}`];
}

/** Evaluates each query at 2 m over the given series with `promtool test rules`; throws promtool's report when a value differs. */
function evaluate(inputs: { pod: string; statusCode: string }[], expectations: { expr: string; value: number }[]): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-flagger-query-'));
  try {
    writeFileSync(path.join(dir, 'rules.yaml'), 'groups: []\n');
    const test = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '5s',
      tests: [
        {
          interval: '5s',
          input_series: inputs.flatMap(({ pod, statusCode }) => series(pod, statusCode).map((name) => ({ series: name, values: '0+10x30' }))),
          promql_expr_test: expectations.map(({ expr, value }) => ({ expr, eval_time: '2m', exp_samples: [{ labels: '{}', value }] })),
        },
      ],
    };
    writeFileSync(path.join(dir, 'test.yaml'), JSON.stringify(test));
    const result = spawnSync(requireTool('promtool'), ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("flaggerCanary: seed 004's Canaries for the real Flagger", { skip: HELM_SKIP }, () => {
  it('targets Deployment myweb, selected apart from retry-backend, with no version label to outlive a release', () => {
    const target = canary.get('Deployment', 'myweb');
    assert.deepEqual(target.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'myweb', 'app.kubernetes.io/instance': 'lab' });
    assert.equal(target.spec.template.metadata.labels.version, undefined);
    const env = Object.fromEntries(target.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    assert.equal(env.VERSION, 'v1');
    assert.equal(env.OTEL_SERVICE_NAME, 'retry-backend');
    assert.deepEqual(canary.get('Deployment', 'retry-backend').spec.selector.matchLabels['app.kubernetes.io/name'], 'retry-backend');
  });

  it("is the seed's ingress-app-canary on the gatewayapi provider: 10s, threshold 10, 5 % steps to 50 %, ≥ 99 % over 1m", () => {
    const spec = canary.get('Canary', 'myweb').spec;
    assert.equal(spec.provider, 'gatewayapi:v1');
    assert.deepEqual(spec.targetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'myweb' });
    assert.deepEqual(spec.service.gatewayRefs, [{ name: 'faultline', namespace: 'traefik' }]);
    assert.deepEqual(spec.service.hosts, ['retry-backend.faultline.test']);
    assert.deepEqual(
      { interval: spec.analysis.interval, threshold: spec.analysis.threshold, stepWeight: spec.analysis.stepWeight, maxWeight: spec.analysis.maxWeight, match: spec.analysis.match },
      { interval: '10s', threshold: 10, stepWeight: 5, maxWeight: 50, match: undefined },
    );
    assert.deepEqual(spec.analysis.metrics, [{ name: 'success-rate-by-status-code', templateRef: { name: 'success-rate-by-status-code' }, thresholdRange: { min: 99 }, interval: '1m' }]);
  });

  it("strategy ab is the seed's ingress-app-ab: 12 iterations, header tester: true or cookie tester=always, no weights", () => {
    const analysis = ab.get('Canary', 'myweb').spec.analysis;
    assert.equal(analysis.iterations, 12);
    assert.equal(analysis.stepWeight, undefined);
    assert.deepEqual(analysis.match, [{ headers: { tester: { exact: 'true' } } }, { headers: { cookie: { regex: '^(.*?;\\s*)?(tester=always)(;.*)?$' } } }]);
    const cookie = new RegExp(analysis.match[1].headers.cookie.regex);
    // A browser separates cookies with "; " (Flagger's documented regex, without \s*, misses a cookie that is not first).
    assert.ok(cookie.test('tester=always') && cookie.test('a=1; tester=always; b=2') && cookie.test('a=1;tester=always'));
    assert.ok(!cookie.test('tester=never') && !cookie.test('xtester=always'));
  });

  it("refuses a metric named like one of Flagger's builtins, whose own query would run instead", () => {
    for (const name of ['request-success-rate', 'request-duration']) {
      const result = helm(['template', 'lab', CHART, '--set', 'flaggerCanary.enabled=true', '--set', `flaggerCanary.metricName=${name}`]);
      assert.notEqual(result.status, 0, name);
      assert.match(result.stderr, new RegExp(`flaggerCanary\\.metricName "${name}" is a Flagger builtin`));
    }
  });

  it('its success rate reads 0 for a canary answering 503, 100 when only the primary fails, and Flagger\'s builtin would read 100', { skip: skipWithout('promtool') }, () => {
    const template = canary.get('MetricTemplate', 'success-rate-by-status-code');
    assert.equal(template.spec.provider.address, `http://prometheus.${NAMESPACE}:9090`);
    const ours = filled(template.spec.query);
    const builtin = filled(FLAGGER_BUILTIN_SUCCESS_RATE);
    const canaryPod = 'myweb-6d9f8b7c4-x2kqz';
    const primaryPod = 'myweb-primary-7c5d9f6b8-abcde';
    // The erroring v2: every answer of the canary's pod is a 503; the primary's are 200s.
    evaluate(
      [
        { pod: canaryPod, statusCode: '503' },
        { pod: primaryPod, statusCode: '200' },
      ],
      [
        { expr: ours, value: 0 },
        { expr: builtin, value: 100 },
      ],
    );
    // A good canary beside a failing primary: the primary's pods are not the canary's.
    evaluate(
      [
        { pod: canaryPod, statusCode: '200' },
        { pod: primaryPod, statusCode: '503' },
      ],
      [{ expr: ours, value: 100 }],
    );
    // One in four answers failing: 75 %, below the seed's 99.
    evaluate(
      [
        { pod: canaryPod, statusCode: '200' },
        { pod: canaryPod, statusCode: '201' },
        { pod: canaryPod, statusCode: '404' },
        { pod: canaryPod, statusCode: '500' },
      ],
      [{ expr: ours, value: 75 }],
    );
  });
});

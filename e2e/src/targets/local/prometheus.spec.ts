// The lab's Prometheus (Debian's /usr/bin/prometheus): its config is the chart's faultline-pods job over
// file_sd (promtool checks it), every pod of a running lab is an `up` target with the chart's labels, the
// targets follow pods as they come and go, and the harness reads pod metrics through it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inCi, pollUntil, skipWithout } from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import { metricsSource, sumMetric } from '../../evidence/metrics';
import { tracingLab } from '../../lab/labs';
import { isAlive } from '../../process-alive';
import { LocalTarget } from './local-target';
import { isBuilt, WORKSPACE_ROOT } from './paths';
import { chartRelabelConfigs, fileSdTargets, PROMETHEUS_JOB, prometheusConfig, prometheusRuntime } from './prometheus';

const runtime = prometheusRuntime();

describe('Prometheus config of the local lab', () => {
  it('copies the relabelling of the chart job faultline-pods', () => {
    const relabel = chartRelabelConfigs();
    const chart = readFileSync(path.join(WORKSPACE_ROOT, 'helm', 'faultline', 'templates', 'prometheus.yaml'), 'utf8');
    assert.ok(relabel.length >= 20, relabel.join('\n'));
    assert.ok(relabel.some((line) => line.includes('__meta_kubernetes_pod_annotation_prometheus_io_scrape')));
    assert.ok(relabel.some((line) => line.includes('target_label: version')));
    assert.ok(!relabel.some((line) => line.includes('{{') || line.includes('kube-dns')), 'no template directive and nothing of the coredns job');
    for (const line of relabel) assert.ok(chart.includes(line.trim()), `not in the chart: ${line}`);
  });

  it('gives each pod the labels Kubernetes pod discovery would', () => {
    const [group] = fileSdTargets([{ name: 'web-abcde', app: 'web', ip: '127.3.1.4', port: 8080, namespace: 'default', version: 'v2' }]) as {
      targets: string[];
      labels: Record<string, string>;
    }[];
    assert.deepEqual(group.targets, ['127.3.1.4:8080']);
    assert.equal(group.labels.__meta_kubernetes_pod_name, 'web-abcde');
    assert.equal(group.labels.__meta_kubernetes_pod_label_app, 'web');
    assert.equal(group.labels.__meta_kubernetes_pod_label_version, 'v2');
    assert.equal(group.labels.__meta_kubernetes_pod_annotation_prometheus_io_scrape, 'true');
  });

  it('is a config promtool accepts', { skip: skipWithout('promtool') }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-promtool-'));
    try {
      const targets = path.join(dir, 'targets.json');
      writeFileSync(targets, '[]');
      writeFileSync(path.join(dir, 'prometheus.yml'), prometheusConfig(targets));
      const check = spawnSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says why the lab runs without it when the binary is missing', () => {
    const missing = prometheusRuntime('/nonexistent/prometheus');
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.match(missing.reason, /no prometheus on PATH .*scraped directly/);
  });
});

const unbuilt = ['front-end', 'business-logic', 'dns-server'].filter((app) => !isBuilt(app));
const skip = skipWithout('promtool') || (!runtime.ok && !inCi() ? runtime.reason : false) || (unbuilt.length ? `build ${unbuilt.join(', ')} first (node e2e/bin/build-lab.mjs)` : false);

describe('Prometheus in the local lab', { skip, timeout: 120_000 }, () => {
  const target = new LocalTarget({ traceUi: false });
  let prometheusPid: number | undefined;

  before(async () => {
    await target.start(tracingLab({ slowSeconds: 0.2 }));
  });
  after(() => target.stop());

  const upTargets = async () => {
    const result = await httpRequest(`${target.observability.prometheusUrl}/api/v1/targets?state=active`);
    assert.equal(result.status, 200, result.body);
    return (result.json as { data: { activeTargets: { labels: Record<string, string>; health: string }[] } }).data.activeTargets;
  };

  it('scrapes every pod as an up target of job faultline-pods, with the chart labels', async () => {
    assert.match(target.observability.prometheusUrl ?? '', /^http:\/\/127\.\d+\.0\.90:9090$/, target.observability.skipped.join('; '));
    prometheusPid = target.observability.pids()[0];
    const pods = await target.pods();
    const targets = await pollUntil(
      async () => {
        const active = await upTargets();
        return pods.every((pod) => active.some((t) => t.labels.pod === pod.name && t.health === 'up')) ? active : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'every pod up in Prometheus' },
    );
    assert.equal(targets.length, pods.length);
    for (const pod of pods) {
      const labels: Record<string, string> = targets.find((t) => t.labels.pod === pod.name)?.labels ?? {};
      assert.deepEqual(
        { job: labels.job, instance: labels.instance, app: labels.app, namespace: labels.namespace },
        { job: PROMETHEUS_JOB, instance: `${pod.ip}:${pod.port}`, app: pod.deployment, namespace: 'default' },
      );
    }
  });

  it('reads pod metrics from Prometheus, from a scrape begun after the request', async () => {
    const page = await httpRequest(`${target.serviceUrl('front-end')}/slow-page`, { timeoutMs: 10_000 });
    assert.equal(page.status, 200);
    const texts = await target.scrapeMetrics('business-logic');
    assert.match(metricsSource(texts), /^Prometheus http:\/\/127\.\d+\.0\.90:9090$/);
    const where = { route: '/slow-endpoint', method: 'GET', status_code: '200' };
    assert.equal(sumMetric(texts, 'http_request_duration_seconds_count', where), 1);
    assert.ok(sumMetric(texts, 'http_request_duration_seconds_sum', where) >= 0.2);
  });

  it('follows pods as they come and go', async () => {
    const { before: old, after: fresh } = await target.clusterDns.rolloutRestart();
    await pollUntil(
      async () => {
        const instances = (await upTargets()).filter((t) => t.health === 'up').map((t) => t.labels.instance.split(':')[0]);
        return fresh.every((ip) => instances.includes(ip)) && !old.some((ip) => instances.includes(ip));
      },
      { timeoutMs: 15_000, intervalMs: 250, what: `targets ${fresh.join(', ')} in place of ${old.join(', ')}` },
    );
  });

  it('stops Prometheus with the lab', async () => {
    await target.stop();
    assert.ok(prometheusPid && !isAlive(prometheusPid), `Prometheus (pid ${prometheusPid}) should be gone`);
  });
});

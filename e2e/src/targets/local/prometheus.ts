/**
 * The lab's Prometheus: Debian's /usr/bin/prometheus on 127.N.0.90:9090, scraping every pod each second.
 * Pods are found as the chart's Prometheus finds them (job `faultline-pods`, the same relabelling, copied
 * from helm/faultline/templates/prometheus.yaml) but through file_sd: the lab writes each pod as a target
 * carrying the `__meta_kubernetes_*` labels Kubernetes' pod discovery would give it. Storage lives in a
 * temp folder removed at stop.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pollUntil } from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import { LabProcess } from './lab-process';
import { WORKSPACE_ROOT } from './paths';

export const PROMETHEUS_PORT = 9090;
export const PROMETHEUS_JOB = 'faultline-pods';
export const SCRAPE_INTERVAL = '1s';
const CHART_PROMETHEUS = path.join(WORKSPACE_ROOT, 'helm', 'faultline', 'templates', 'prometheus.yaml');

export function prometheusAddress(block: number): string {
  return `127.${block}.0.90`;
}

export type PrometheusRuntime = { ok: true; binary: string } | { ok: false; reason: string };

export function prometheusRuntime(binary = 'prometheus'): PrometheusRuntime {
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return { ok: false, reason: 'no prometheus on PATH (Debian: apt-get install prometheus); metrics are scraped directly' };
  return { ok: true, binary };
}

/** The `relabel_configs` of the chart's faultline-pods job, as YAML lines (no template directives inside). */
export function chartRelabelConfigs(chartText = readFileSync(CHART_PROMETHEUS, 'utf8')): string[] {
  const lines = chartText.split('\n');
  const job = lines.findIndex((line) => line.trim() === `- job_name: ${PROMETHEUS_JOB}`);
  const start = lines.findIndex((line, index) => index > job && line.trim() === 'relabel_configs:');
  if (job < 0 || start < 0) throw new Error(`${CHART_PROMETHEUS}: no relabel_configs for job ${PROMETHEUS_JOB}`);
  const indent = lines[start].search(/\S/);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.search(/\S/) <= indent || line.includes('{{')) break;
    body.push(line.slice(indent + 2));
  }
  return body;
}

export function prometheusConfig(targetsFile: string, relabel = chartRelabelConfigs()): string {
  return [
    'global:',
    `  scrape_interval: ${SCRAPE_INTERVAL}`,
    `  scrape_timeout: ${SCRAPE_INTERVAL}`,
    `  evaluation_interval: ${SCRAPE_INTERVAL}`,
    'scrape_configs:',
    `  - job_name: ${PROMETHEUS_JOB}`,
    '    file_sd_configs:',
    `      - files: [${JSON.stringify(targetsFile)}]`,
    `        refresh_interval: ${SCRAPE_INTERVAL}`,
    '    relabel_configs:',
    ...relabel.map((line) => `      ${line}`),
    '',
  ].join('\n');
}

export interface ScrapedPod {
  name: string;
  /** The Deployment: the pod's `app` label, as in the chart. */
  app: string;
  ip: string;
  port: number;
  namespace: string;
  version?: string;
}

/** One file_sd target group per pod, with the labels Kubernetes' pod discovery would give it. */
export function fileSdTargets(pods: readonly ScrapedPod[]): unknown[] {
  return pods.map((pod) => ({
    targets: [`${pod.ip}:${pod.port}`],
    labels: {
      __meta_kubernetes_namespace: pod.namespace,
      __meta_kubernetes_pod_name: pod.name,
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_label_app: pod.app,
      ...(pod.version ? { __meta_kubernetes_pod_label_version: pod.version } : {}),
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_port: String(pod.port),
      __meta_kubernetes_pod_annotation_prometheus_io_path: '/metrics',
    },
  }));
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromTarget {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastScrape: string;
  lastError: string;
}

export class LocalPrometheus {
  private process: LabProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'faultline-prometheus-'));

  constructor(private readonly options: { host: string; port?: number; runtime: Extract<PrometheusRuntime, { ok: true }> }) {}

  get url(): string {
    return `http://${this.options.host}:${this.options.port ?? PROMETHEUS_PORT}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  rssBytes(): number {
    return this.process?.rssBytes() ?? 0;
  }

  private get targetsFile(): string {
    return path.join(this.dir, 'targets.json');
  }

  async start(pods: readonly ScrapedPod[] = []): Promise<void> {
    this.writeTargets(pods);
    writeFileSync(path.join(this.dir, 'prometheus.yml'), prometheusConfig(this.targetsFile));
    this.process = await LabProcess.start({
      name: 'Prometheus',
      command: this.options.runtime.binary,
      args: [
        `--config.file=${path.join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
        '--storage.tsdb.retention.time=1d',
        `--web.listen-address=${this.options.host}:${this.options.port ?? PROMETHEUS_PORT}`,
        '--log.level=warn',
      ],
      readyUrl: `${this.url}/-/ready`,
      readyTimeoutMs: 30_000,
    });
  }

  /** Replaces the targets file atomically; Prometheus reloads it within a scrape interval. */
  writeTargets(pods: readonly ScrapedPod[]): void {
    const next = `${this.targetsFile}.next`;
    writeFileSync(next, `${JSON.stringify(fileSdTargets(pods), null, 2)}\n`);
    renameSync(next, this.targetsFile);
  }

  private async api<T>(pathname: string): Promise<T> {
    const result = await httpRequest(`${this.url}${pathname}`, { timeoutMs: 5_000 });
    const json = result.json as { status?: string; data?: T; error?: string } | undefined;
    if (result.status !== 200 || json?.status !== 'success' || json.data === undefined) {
      throw new Error(`Prometheus ${pathname}: ${result.status ?? result.errorCode} ${json?.error ?? result.body.slice(0, 200)}`);
    }
    return json.data;
  }

  async targets(): Promise<PromTarget[]> {
    return (await this.api<{ activeTargets: PromTarget[] }>('/api/v1/targets?state=active')).activeTargets;
  }

  /** An instant PromQL query (a vector result). */
  async query(promql: string): Promise<PromSample[]> {
    const data = await this.api<{ resultType: string; result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (data.resultType !== 'vector') throw new Error(`Prometheus: ${promql} gave a ${data.resultType}, not a vector`);
    return data.result;
  }

  /** Waits until every named pod is a target scraped (up) after `since` (ms since the epoch). */
  async scrapedAfter(pods: readonly string[], since: number, timeoutMs = 10_000): Promise<void> {
    await pollUntil(
      async () => {
        const targets = await this.targets();
        return pods.every((pod) => targets.some((t) => t.labels.pod === pod && t.health === 'up' && Date.parse(t.lastScrape) >= since));
      },
      { timeoutMs, intervalMs: 200, what: `Prometheus scraping ${pods.join(', ')} after ${new Date(since).toISOString()}` },
    );
  }

  /**
   * Each pod's samples as exposition text, from a scrape that began after this call: what `curl /metrics`
   * would have shown, with the labels Prometheus added (namespace, pod, app, version, job, instance).
   */
  async podMetrics(pods: readonly string[]): Promise<string[]> {
    await this.scrapedAfter(pods, Date.now());
    const selector = `{job=${JSON.stringify(PROMETHEUS_JOB)},pod=~${JSON.stringify(pods.map(escapeRegex).join('|'))}}`;
    const samples = await this.query(selector);
    return pods.map((pod) => [`# source: Prometheus ${this.url}`, ...samples.filter((s) => s.metric.pod === pod).map(expositionLine), ''].join('\n'));
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expositionLine(sample: PromSample): string {
  const { __name__: name, ...labels } = sample.metric;
  const text = Object.entries(labels)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(',');
  return `${name}{${text}} ${sample.value[1]}`;
}

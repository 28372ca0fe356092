/**
 * The lab's Helm release as the kind target uses it: check it is installed (and remember its revision),
 * read its image settings, upgrade it with a lab's values, roll it back to where it was.
 *
 * An upgrade starts from kind/values.yaml and the lab's own values (lab-values.ts). Of what the release was
 * installed with it keeps only what belongs to the cluster it was installed on (RELEASE_KEPT_VALUES: where the
 * images come from, the tag kind loaded and an offline kit's stand-ins; the broker's layout, three brokers with a
 * quorum queue on kind/ha-broker.yaml), never the rest: an `install.sh --scenario` break file or a crashed run's
 * lab left in the release would otherwise be reapplied under every scenario.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type CommandRunner, runJson } from './command-runner';
import type { ImageValues } from './lab-values';

export interface HelmReleaseOptions {
  runner: CommandRunner;
  release: string;
  namespace: string;
  context?: string;
  chartDir: string;
  /** Values every upgrade starts from (kind/values.yaml). */
  baseValuesFile: string;
  /** helm's --timeout (default 10m). */
  timeout?: string;
}

const HELM_TIMEOUT_MS = 11 * 60_000;

/**
 * The installed values an upgrade keeps: the lab images' repository, tag and pull policy (install.sh sets
 * them), pull secrets, the images of the chart's RabbitMQ, Zipkin, Prometheus and authProxy nginx
 * (kind/offline/values.yaml), and the broker's layout (kind/ha-broker.values.yaml: a StatefulSet's pod management
 * cannot change in an upgrade, and order-service's queue must stay of the type it was declared).
 */
export const RELEASE_KEPT_VALUES: readonly (readonly string[])[] = [
  ['image'],
  ['imagePullSecrets'],
  ['rabbitmq', 'image'],
  ['zipkin', 'image'],
  ['prometheus', 'image'],
  ['authProxy', 'image'],
  ['rabbitmq', 'replicas'],
  ['apps', 'order-service', 'env', 'ORDER_QUEUE_TYPE'],
];

/** The RELEASE_KEPT_VALUES found in `values`, at their paths; nothing else. */
export function releaseKeptValues(values: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const keys of RELEASE_KEPT_VALUES) {
    let from: unknown = values;
    for (const key of keys) from = from !== null && typeof from === 'object' ? (from as Record<string, unknown>)[key] : undefined;
    if (from === undefined) continue;
    let to = kept;
    for (const key of keys.slice(0, -1)) to = (to[key] ??= {}) as Record<string, unknown>;
    to[keys[keys.length - 1]] = from;
  }
  return kept;
}

export class HelmRelease {
  private revision: number | undefined;
  private workdir: string | undefined;
  /** RELEASE_KEPT_VALUES of the user-supplied values of the revision checkInstalled() found (helm get values). */
  private kept: Record<string, unknown> | undefined;

  constructor(private readonly options: HelmReleaseOptions) {}

  private args(args: readonly string[]): string[] {
    const { namespace, context } = this.options;
    return [...args, '--namespace', namespace, ...(context ? ['--kube-context', context] : [])];
  }

  /** The apps the chart knows (the keys of `apps` in its values.yaml). */
  chartApps(): string[] {
    const values = parseYaml(readFileSync(path.join(this.options.chartDir, 'values.yaml'), 'utf8')) as { apps?: Record<string, unknown> };
    return Object.keys(values.apps ?? {});
  }

  /** Fails, saying how to install it, when the release is absent; remembers its revision for rollback(). */
  async checkInstalled(): Promise<void> {
    const { runner, release, namespace } = this.options;
    const status = await runner.run('helm', this.args(['status', release, '-o', 'json']), { allowFailure: true });
    if (status.code !== 0) {
      throw new Error(
        `the lab is not installed: no Helm release ${release} in namespace ${namespace} (install it with scripts/cluster/up.sh or scripts/cluster/install.sh): ${status.stderr.trim()}`,
      );
    }
    this.revision = (JSON.parse(status.stdout) as { version: number }).version;
  }

  /**
   * What the release keeps of its cluster's setup (RELEASE_KEPT_VALUES of its user-supplied values at the revision
   * checkInstalled() found): every upgrade keeps them, and only them.
   */
  async releaseKept(): Promise<Record<string, unknown>> {
    const { runner, release } = this.options;
    const revision = this.revision === undefined ? [] : ['--revision', String(this.revision)];
    const installed = await runJson<Record<string, unknown> | null>(runner, 'helm', this.args(['get', 'values', release, ...revision, '-o', 'json']));
    this.kept = releaseKeptValues(installed ?? {});
    return this.kept;
  }

  /** The release's own lab image settings (install.sh sets repository and tag): the images kind has loaded. */
  async imageValues(): Promise<ImageValues> {
    return ((await this.releaseKept()).image ?? {}) as ImageValues;
  }

  /** `helm upgrade --install --reset-values --wait` with the base values, what the release keeps, then `values`. */
  async upgrade(values: unknown): Promise<void> {
    const { runner, release, chartDir, baseValuesFile, timeout = '10m' } = this.options;
    const workdir = (this.workdir ??= mkdtempSync(path.join(tmpdir(), 'faultline-kind-')));
    const write = (name: string, content: unknown) => {
      const file = path.join(workdir, name);
      writeFileSync(file, JSON.stringify(content, null, 2));
      return ['--values', file];
    };
    const kept = this.kept ? write('release-kept.json', this.kept) : [];
    const lab = write('lab-values.json', values);
    await runner.run(
      'helm',
      this.args(['upgrade', '--install', release, chartDir, '--reset-values', '--values', baseValuesFile, ...kept, ...lab, '--wait', '--timeout', timeout]),
      { timeoutMs: HELM_TIMEOUT_MS },
    );
  }

  /** Back to the revision checkInstalled() found, which also undoes kubectl edits of chart fields. */
  async rollback(): Promise<void> {
    if (this.revision === undefined) return;
    const { runner, release, timeout = '10m' } = this.options;
    await runner.run('helm', this.args(['rollback', release, String(this.revision), '--wait', '--timeout', timeout]), { timeoutMs: HELM_TIMEOUT_MS });
  }

  /** Removes the values file written for upgrades. */
  cleanUp(): void {
    if (this.workdir) rmSync(this.workdir, { recursive: true, force: true });
    this.workdir = undefined;
  }
}

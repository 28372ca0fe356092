/**
 * The lab's Helm release as the kind target uses it: check it is installed (and remember its revision),
 * read its image settings, upgrade it with a lab's values, roll it back to where it was.
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

export class HelmRelease {
  private revision: number | undefined;
  private workdir: string | undefined;
  /** The user-supplied values of the revision checkInstalled() found (helm get values). */
  private installed: Record<string, unknown> | undefined;

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
   * The values the release was installed with, at the revision checkInstalled() found: every upgrade keeps
   * them (the images of an offline cluster, a pinned address), with the lab's values on top.
   */
  async installedValues(): Promise<Record<string, unknown>> {
    const { runner, release } = this.options;
    const revision = this.revision === undefined ? [] : ['--revision', String(this.revision)];
    const installed = await runJson<Record<string, unknown> | null>(runner, 'helm', this.args(['get', 'values', release, ...revision, '-o', 'json']));
    this.installed = installed ?? {};
    return this.installed;
  }

  /** The release's own image settings (install.sh sets repository and tag): the images kind has loaded. */
  async imageValues(): Promise<ImageValues> {
    return ((await this.installedValues()).image ?? {}) as ImageValues;
  }

  /** `helm upgrade --install --reset-values --wait` with the base values, the installed values, then `values`. */
  async upgrade(values: unknown): Promise<void> {
    const { runner, release, chartDir, baseValuesFile, timeout = '10m' } = this.options;
    const workdir = (this.workdir ??= mkdtempSync(path.join(tmpdir(), 'faultline-kind-')));
    const write = (name: string, content: unknown) => {
      const file = path.join(workdir, name);
      writeFileSync(file, JSON.stringify(content, null, 2));
      return ['--values', file];
    };
    const installed = this.installed ? write('installed-values.json', this.installed) : [];
    const lab = write('lab-values.json', values);
    await runner.run(
      'helm',
      this.args(['upgrade', '--install', release, chartDir, '--reset-values', '--values', baseValuesFile, ...installed, ...lab, '--wait', '--timeout', timeout]),
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

/**
 * The kind target's podRequest: curl run by `kubectl exec` in a probe pod (see pod-curl.ts), which is
 * created on first use and deleted when the target stops.
 */
import type { HttpResult, RequestOptions } from '../../evidence/http';
import { CommandError, type CommandRunner, commandLine } from './command-runner';
import { curlArgs, curlBody, parseCurlOutput, PROBE_POD, probePodManifest, remoteExitCode } from './pod-curl';

export class ProbePod {
  private ready: Promise<void> | undefined;

  /** `scope`: kubectl's context and namespace arguments. */
  constructor(
    private readonly runner: CommandRunner,
    private readonly scope: readonly string[],
    private readonly image: string,
  ) {}

  private kubectl(args: readonly string[]): string[] {
    return [...this.scope, ...args];
  }

  private ensureRunning(): Promise<void> {
    this.ready ??= (async () => {
      await this.runner.run('kubectl', this.kubectl(['apply', '-f', '-']), { input: probePodManifest(this.image) });
      await this.runner.run('kubectl', this.kubectl(['wait', '--for=condition=Ready', `pod/${PROBE_POD}`, '--timeout=120s']), { timeoutMs: 130_000 });
    })();
    return this.ready;
  }

  async request(url: string, options: RequestOptions = {}): Promise<HttpResult> {
    await this.ensureRunning();
    const body = curlBody(options);
    const args = this.kubectl(['exec', ...(body !== undefined ? ['-i'] : []), PROBE_POD, '--', ...curlArgs(url, options)]);
    const started = performance.now();
    const result = await this.runner.run('kubectl', args, { input: body, allowFailure: true, timeoutMs: (options.timeoutMs ?? 10_000) + 15_000 });
    const durationMs = Math.round(performance.now() - started);
    const curlExit = result.code === 0 ? 0 : remoteExitCode(result.stderr);
    if (curlExit === undefined) throw new CommandError(commandLine('kubectl', args), result, `exit code ${result.code}: ${result.stderr.trim()}`);
    return parseCurlOutput(url, result.stdout, result.stderr, curlExit, durationMs);
  }

  /** Deletes the pod if it was created (without waiting for it to go). */
  async delete(): Promise<void> {
    if (!this.ready) return;
    await this.runner.run('kubectl', this.kubectl(['delete', 'pod', PROBE_POD, '--ignore-not-found', '--wait=false']));
  }
}

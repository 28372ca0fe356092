/**
 * `kubectl port-forward` as the harness uses it: a local port for a Service or a pod, read from the
 * "Forwarding from 127.0.0.1:<port>" line. A forward to a Service ends when the pod behind it goes (a
 * rollout, a crash); it is started again on the same local port, so a URL handed out stays valid.
 */
import type { BackgroundProcess, CommandRunner } from './command-runner';
import { commandLine } from './command-runner';

const FORWARDING = /^Forwarding from 127\.0\.0\.1:(\d+) ->/;

export interface PortForwardOptions {
  /** kubectl arguments before `port-forward` (context, namespace). */
  scope: readonly string[];
  /** `svc/store-front`, `pod/order-service-6d9f-abcde`. */
  resource: string;
  remotePort: number;
  /** Start again when kubectl exits (Services); a pod's forward is not restarted. */
  restart: boolean;
  readyTimeoutMs?: number;
}

export class PortForward {
  private process: BackgroundProcess | undefined;
  private localPort = 0;
  private stopped = false;
  private restarts = 0;

  constructor(
    private readonly runner: CommandRunner,
    private readonly options: PortForwardOptions,
  ) {}

  get url(): string {
    if (!this.localPort) throw new Error(`port-forward to ${this.options.resource} is not running`);
    return `http://127.0.0.1:${this.localPort}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Resolves once kubectl says it forwards; the first start picks a free local port. */
  async start(): Promise<string> {
    const args = [...this.options.scope, 'port-forward', '--address', '127.0.0.1', this.options.resource, `${this.localPort || ''}:${this.options.remotePort}`];
    const child = this.runner.background('kubectl', args);
    this.process = child;
    const output: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${commandLine('kubectl', args)}: not forwarding within ${(this.options.readyTimeoutMs ?? 20_000) / 1000} s`)), this.options.readyTimeoutMs ?? 20_000);
      child.onLine((line) => {
        if (output.length < 20) output.push(line);
        const match = FORWARDING.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      void child.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${commandLine('kubectl', args)}: exited (${code}) before forwarding: ${output.join(' ').trim()}`));
      });
    }).catch(async (error: unknown) => {
      await child.stop();
      throw error;
    });
    this.localPort = port;
    void child.exited.then(() => this.restartAfterExit(child));
    return this.url;
  }

  private restartAfterExit(child: BackgroundProcess | undefined): void {
    if (this.stopped || !this.options.restart || child !== this.process || this.restarts >= 50) return;
    this.restarts += 1;
    // The pod behind the Service is going; a replacement may need a moment to be ready.
    setTimeout(() => {
      if (!this.stopped) this.start().catch(() => this.restartAfterExit(this.process));
    }, 500);
  }

  /** Ends the forward now and starts it again (after a rollout replaced its pod). */
  async reconnect(): Promise<void> {
    const old = this.process;
    this.process = undefined;
    await old?.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process?.stop();
  }
}

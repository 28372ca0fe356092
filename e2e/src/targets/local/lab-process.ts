/**
 * A lab part that is not an app (the trace UI's JVM, Prometheus): one child process, ready once an HTTP
 * path answers 200, stopped by its PID (SIGTERM, then SIGKILL), and killed when the harness exits. On
 * Linux it also dies with the harness when that is killed outright (setpriv's parent-death signal, as the
 * pods' pod-guard.cjs does for Node).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pollUntil } from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import { killOnExit } from './kill-on-exit';
import { rssBytes } from './memory';

export interface LabProcessOptions {
  /** What it is, for messages: "trace UI (zipkin-server)". */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Polled until it answers 200. */
  readyUrl: string;
  readyTimeoutMs: number;
}

const SETPRIV = '/usr/bin/setpriv';

/** The command line that runs `command` so that the kernel kills it when this process dies (where setpriv exists). */
export function dyingWithHarness(command: string, args: readonly string[]): [string, string[]] {
  if (process.platform !== 'linux' || !existsSync(SETPRIV)) return [command, [...args]];
  return [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]];
}

export class LabProcess {
  private readonly output: string[] = [];
  private exited: Promise<void> | undefined;
  private readonly releaseExitKill: () => void;

  private constructor(private readonly child: ChildProcess) {
    this.releaseExitKill = killOnExit(() => {
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    });
  }

  /** Starts the process and waits until it is ready; throws (having stopped it) with its last output when not. */
  static async start(options: LabProcessOptions): Promise<LabProcess> {
    const [command, args] = dyingWithHarness(options.command, options.args);
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const running = new LabProcess(child);
    running.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        running.output.push(chunk);
        if (running.output.length > 50) running.output.shift();
      });
    }
    try {
      await pollUntil(
        async () => {
          if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
          return (await httpRequest(options.readyUrl, { timeoutMs: 2_000 })).status === 200;
        },
        { timeoutMs: options.readyTimeoutMs, intervalMs: 250, what: `${options.name} answering ${options.readyUrl}` },
      );
    } catch (error) {
      await running.stop();
      throw new Error(`${options.name} did not start: ${(error as Error).message}\n${running.lastOutput()}`);
    }
    return running;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  rssBytes(): number {
    return this.child.pid && this.child.exitCode === null ? rssBytes(this.child.pid) : 0;
  }

  lastOutput(): string {
    return this.output.join('').split('\n').slice(-10).join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    const { child } = this;
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && child.pid && process.kill(child.pid, 'SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.releaseExitKill();
  }
}

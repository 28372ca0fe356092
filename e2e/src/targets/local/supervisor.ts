/**
 * Runs one pod's process and restarts it when it dies, as kubelet does for a container with
 * restartPolicy: Always: the wait between restarts doubles from `backoffMs` up to `maxBackoffMs`
 * (kubelet: 10 s up to 5 min) and resets once the process stayed up for `resetAfterMs`.
 * Restarts are counted. stop() ends the process by its PID (SIGTERM, then SIGKILL after a grace period).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

export interface SupervisedProcessOptions {
  /** Pod name: used in messages. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  backoffMs?: number;
  maxBackoffMs?: number;
  resetAfterMs?: number;
  /** Time between SIGTERM and SIGKILL on stop(). */
  gracePeriodMs?: number;
  /** Called with every line the process writes (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ExitRecord {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** Events: 'start' (pid), 'exit' (ExitRecord), 'restart' (count). */
export class SupervisedProcess extends EventEmitter {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private nextBackoffMs: number;
  private startedAt = 0;
  restarts = 0;
  readonly exits: ExitRecord[] = [];

  constructor(readonly options: SupervisedProcessOptions) {
    super();
    this.nextBackoffMs = options.backoffMs ?? 200;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  start(): void {
    if (this.stopping) return;
    const { command, args, env, cwd } = this.options;
    // Its own process group: a Ctrl-C in the terminal reaches the harness, which stops pods in order.
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.startedAt = Date.now();
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: child[stream] });
      lines.on('line', (line) => this.options.onLine?.(line, stream));
    }
    child.once('error', (error) => {
      this.options.onLine?.(JSON.stringify({ level: 'fatal', msg: `cannot start: ${error.message}` }), 'stderr');
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    if (child.pid) this.emit('start', child.pid);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const record = { code, signal, at: Date.now() };
    this.exits.push(record);
    this.emit('exit', record);
    if (this.stopping) return;
    const upFor = Date.now() - this.startedAt;
    if (upFor >= (this.options.resetAfterMs ?? 10_000)) this.nextBackoffMs = this.options.backoffMs ?? 200;
    const wait = this.nextBackoffMs;
    this.nextBackoffMs = Math.min(wait * 2, this.options.maxBackoffMs ?? 5_000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.restarts += 1;
      this.emit('restart', this.restarts);
      this.start();
    }, wait);
  }

  /** Stops supervising and ends the process: SIGTERM, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signal(child.pid, 'SIGTERM');
    const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), this.options.gracePeriodMs ?? 3_000).unref());
    if ((await Promise.race([exited, grace])) === 'late') {
      signal(child.pid, 'SIGKILL');
      await exited;
    }
  }

  /** Synchronous last resort (process 'exit' handlers): SIGKILL without waiting. */
  killNow(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.pid) signal(this.pid, 'SIGKILL');
  }
}

function signal(pid: number | undefined, name: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Every cluster access of the kind target goes through here: kubectl and helm (and docker, for a kind node's
 * container: node-loss) run as child processes
 * with their arguments, a timeout, stdin when needed, and errors that name the command and quote its
 * stderr. Tests substitute a fake CommandRunner (no cluster can exist where they run).
 */
import { spawn } from 'node:child_process';
import { findCachedTool } from '@faultline/test-support';

export type Tool = 'kubectl' | 'helm' | 'docker';

export interface RunOptions {
  /** Written to the command's stdin (a manifest, a request body). */
  input?: string;
  /** Default 60 s; the process is killed by PID when it runs longer. */
  timeoutMs?: number;
  /** Resolve with a non-zero exit code instead of throwing. */
  allowFailure?: boolean;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command that keeps running (kubectl port-forward): its output lines, its end, and a way to stop it. */
export interface BackgroundProcess {
  readonly pid: number | undefined;
  /** Called with each line the process writes (stdout and stderr). */
  onLine(listener: (line: string) => void): void;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface CommandRunner {
  run(tool: Tool, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  background(tool: Tool, args: readonly string[]): BackgroundProcess;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: CommandResult | undefined,
    reason: string,
  ) {
    super(`${command}: ${reason}`);
  }
}

/** `kubectl -n faultline get pods -o json`: a command line for messages. */
export function commandLine(tool: Tool, args: readonly string[]): string {
  return [tool, ...args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))].join(' ');
}

function failureReason(result: CommandResult): string {
  const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
  return `exit code ${result.code}${detail ? `: ${detail}` : ''}`;
}

/** Runs the command and parses its stdout as JSON; errors name the command. */
export async function runJson<T>(runner: CommandRunner, tool: Tool, args: readonly string[], options: RunOptions = {}): Promise<T> {
  const result = await runner.run(tool, args, options);
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new CommandError(commandLine(tool, args), result, `output is not JSON: ${result.stdout.slice(0, 200)}`);
  }
}

/** The pinned helm of the project's tool cache (scripts/dev/install-helm.sh), else helm on PATH, as scripts/cluster/lib.sh does. */
export function helmBinary(): string {
  return findCachedTool('helm') ?? 'helm';
}

/** The real runner: child processes, killed by PID on timeout or stop(). */
export class ProcessCommandRunner implements CommandRunner {
  private readonly binaries: Record<Tool, string>;

  constructor(binaries: Partial<Record<Tool, string>> = {}) {
    this.binaries = { kubectl: binaries.kubectl ?? 'kubectl', helm: binaries.helm ?? helmBinary(), docker: binaries.docker ?? 'docker' };
  }

  run(tool: Tool, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const command = commandLine(tool, args);
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const child = spawn(this.binaries[tool], args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const reason = error.code === 'ENOENT' ? `${tool} is not installed or not on PATH` : error.message;
        reject(new CommandError(command, undefined, reason));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const result = { code: code ?? -1, stdout, stderr };
        if (timedOut) reject(new CommandError(command, result, `no result within ${Math.round(timeoutMs / 1000)} s (killed)`));
        else if (result.code !== 0 && !options.allowFailure) reject(new CommandError(command, result, failureReason(result)));
        else resolve(result);
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }

  background(tool: Tool, args: readonly string[]): BackgroundProcess {
    const child = spawn(this.binaries[tool], args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const listeners: ((line: string) => void)[] = [];
    const feed = (stream: NodeJS.ReadableStream) => {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) for (const listener of listeners) listener(line);
      });
    };
    feed(child.stdout);
    feed(child.stderr);
    const exited = new Promise<number | null>((resolve) => {
      child.on('error', () => resolve(-1));
      child.on('close', (code) => resolve(code));
    });
    return {
      pid: child.pid,
      onLine: (listener) => void listeners.push(listener),
      exited,
      async stop() {
        if (child.exitCode === null && child.signalCode === null && child.pid) {
          try {
            process.kill(child.pid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
        await exited;
      },
    };
  }
}

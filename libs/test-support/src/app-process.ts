/**
 * Runs an app as it runs for real: its bundle, built by tools/build-app.mjs into a private folder (a
 * parallel build is never read half-written), with the tracing preload, as a child process on an
 * ephemeral loopback port, its JSON log lines collected. The test stops it by PID.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from './poll';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface BuiltApp {
  readonly app: string;
  readonly main: string;
  readonly tracing: string;
  remove(): Promise<void>;
}

export async function bundleApp(app: string): Promise<BuiltApp> {
  const outdir = path.join(REPO_ROOT, 'dist', 'test-builds', `${app}-${randomUUID()}`);
  await promisify(execFile)(process.execPath, ['tools/build-app.mjs', app, '--outdir', outdir], { cwd: REPO_ROOT });
  return {
    app,
    main: path.join(outdir, 'main.js'),
    tracing: path.join(outdir, 'tracing.js'),
    remove: () => rm(outdir, { recursive: true, force: true }),
  };
}

export interface AppProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Parsed JSON log lines from stdout so far (other lines as {raw}). */
  readonly logs: Record<string, unknown>[];
  /** SIGTERM by PID, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL by PID, then waits for the exit. */
  kill(): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts the bundle on 127.0.0.1 with an ephemeral port; resolves once it logged "listening". */
export async function runApp(built: BuiltApp, env: Record<string, string> = {}): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', '--require', built.tracing, built.main], {
    env: { PATH: process.env.PATH ?? '', OTEL_SERVICE_NAME: built.app, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, name);
    await exited;
  };
  const kill = signal('SIGKILL');
  try {
    const listening = await pollUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`${built.app} exited with ${child.exitCode}: ${stderr}`);
        return logs.find((line) => line.msg === 'listening');
      },
      { timeoutMs: 15_000, what: `${built.app} to listen` },
    );
    const url = String(listening.url);
    return { child, url, port: Number(new URL(url).port), logs, stop: signal('SIGTERM'), kill, exited };
  } catch (error) {
    await kill();
    throw error;
  }
}

/** bundleApp + runApp; stopping the process also removes its bundle. */
export async function startApp(app: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const built = await bundleApp(app);
  try {
    const running = await runApp(built, env);
    void running.exited.then(() => built.remove());
    return running;
  } catch (error) {
    await built.remove();
    throw error;
  }
}

/**
 * Test support: bundles an app as tools/build-app.mjs does (into a private folder under dist/, so a
 * parallel build is never read half-written) and runs it with the tracing preload, as `serve` does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { pollUntil } from '@faultline/service-kit/testing';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export interface BuiltApp {
  main: string;
  tracing: string;
  remove(): Promise<void>;
}

export async function bundleApp(app: string): Promise<BuiltApp> {
  const outdir = path.join(REPO_ROOT, 'dist', 'test-builds', `${app}-${randomUUID()}`);
  await build({
    entryPoints: { main: path.join(REPO_ROOT, `apps/${app}/src/main.ts`), tracing: path.join(REPO_ROOT, 'libs/tracer/src/register.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: true,
    tsconfig: path.join(REPO_ROOT, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
  return {
    main: path.join(outdir, 'main.js'),
    tracing: path.join(outdir, 'tracing.js'),
    remove: () => rm(outdir, { recursive: true, force: true }),
  };
}

export interface AppProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Parsed JSON log lines from stdout so far. */
  readonly logs: Record<string, unknown>[];
  /** Kills the process by its PID and waits for it to exit. */
  kill(): Promise<void>;
}

/** Starts the bundle on an ephemeral loopback port with the tracer preloaded; resolves once it listens. */
export async function runApp(built: BuiltApp, env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', '--require', built.tracing, built.main], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  try {
    const listening = await pollUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}: ${stderr}`);
        return logs.find((line) => line.msg === 'listening');
      },
      { timeoutMs: 15_000, what: 'the app to listen' },
    );
    return { child, url: String(listening.url), logs, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}

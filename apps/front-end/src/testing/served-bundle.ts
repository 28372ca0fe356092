/**
 * Runs an app as it runs for real: its built bundle with the tracing preload, as a child process on an
 * ephemeral loopback port, its JSON log lines collected. The caller kills it by PID.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pollUntil } from '@faultline/test-support';

export interface ServedBundle {
  readonly child: ChildProcess;
  readonly url: string;
  readonly lines: Record<string, unknown>[];
  kill(): void;
}

/** Builds dist/apps/<app> unless the bundle is there (the test target builds it first). */
export function ensureBuilt(app: string): void {
  if (existsSync(`dist/apps/${app}/main.js`) && existsSync(`dist/apps/${app}/tracing.js`)) return;
  const built = spawnSync(process.execPath, ['tools/build-app.mjs', app], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`building ${app} failed`);
}

export async function serveBundle(app: string, env: Record<string, string>): Promise<ServedBundle> {
  ensureBuilt(app);
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--require', `./dist/apps/${app}/tracing.js`, `dist/apps/${app}/main.js`],
    { env: { ...process.env, OTEL_SERVICE_NAME: app, HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete.filter(Boolean)) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    const url = await pollUntil(
      () => (child.exitCode !== null ? Promise.reject(new Error(`${app} exited with ${child.exitCode}`)) : (lines.find((l) => l.msg === 'listening')?.url as string | undefined)),
      { timeoutMs: 15_000, what: `${app} to log "listening"` },
    );
    return { child, url, lines, kill };
  } catch (error) {
    kill();
    throw error;
  }
}

/**
 * retry-backend as a real process for the retry-client's tests: its built bundle on an ephemeral loopback
 * port (this app cannot import another app; the process is the real thing anyway).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pollUntil } from '@faultline/test-support';

export interface BackendProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  kill(): void;
}

export async function startBackendProcess(env: Record<string, string> = {}): Promise<BackendProcess> {
  if (!existsSync('dist/apps/retry-backend/main.js')) {
    const built = spawnSync(process.execPath, ['tools/build-app.mjs', 'retry-backend'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('building retry-backend failed');
  }
  const child = spawn(
    process.execPath,
    ['--require', './dist/apps/retry-backend/tracing.js', 'dist/apps/retry-backend/main.js'],
    {
      env: { ...process.env, OTEL_SERVICE_NAME: 'retry-backend', OTEL_TRACES_EXPORTER: 'none', HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    const url = await pollUntil(() => /"msg":"listening","url":"([^"]+)"/.exec(output)?.[1], { timeoutMs: 15_000, what: 'retry-backend to listen' });
    return { child, url, port: Number(new URL(url).port), kill };
  } catch (error) {
    kill();
    throw error;
  }
}

/** retry-backend as a real process (the built bundle with the tracing preload): crash and hang end it non-zero. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@faultline/test-support';

const children: ChildProcess[] = [];

async function startBackend(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--require', './dist/apps/retry-backend/tracing.js', 'dist/apps/retry-backend/main.js'],
    { env: { ...process.env, OTEL_SERVICE_NAME: 'retry-backend', OTEL_TRACES_EXPORTER: 'none', HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const url = await pollUntil(() => /"msg":"listening","url":"([^"]+)"/.exec(output)?.[1], { timeoutMs: 15_000, what: 'retry-backend to listen' });
  return { child, url };
}

const exited = (child: ChildProcess) => pollUntil(() => (child.exitCode !== null ? child.exitCode : undefined), { timeoutMs: 10_000, what: 'the process to exit' });

describe('retry-backend process', () => {
  before(() => {
    if (existsSync('dist/apps/retry-backend/main.js')) return;
    assert.equal(spawnSync(process.execPath, ['tools/build-app.mjs', 'retry-backend'], { stdio: 'inherit' }).status, 0);
  });
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('mode crash: the caller gets no answer and the process exits non-zero', async () => {
    const { child, url } = await startBackend({ CRASH_DELAY_MS: '50' });
    // failRate 100 fails 99 draws in 100: ask until one crashes (bounded).
    for (let i = 0; i < 20 && child.exitCode === null; i++) {
      const answer = await fetch(`${url}/?failRate=100&mode=crash`).then((r) => r.status, () => 'no answer');
      if (answer === 'no answer') break;
      assert.equal(answer, 200);
    }
    assert.equal(await exited(child), 1);
    await assert.rejects(fetch(`${url}/`), /fetch failed/, 'nothing listens any more');
  });

  it('mode hang: the request is held, then the process exits non-zero', async () => {
    const { child, url } = await startBackend({ HANG_SECONDS: '0.5' });
    let answered = 0;
    for (let i = 0; i < 20 && child.exitCode === null; i++) {
      const answer = await fetch(`${url}/?failRate=100&mode=hang`).then((r) => r.status, () => 'no answer');
      if (answer === 'no answer') break;
      answered++;
    }
    assert.ok(answered < 20);
    assert.equal(await exited(child), 1);
  });
});

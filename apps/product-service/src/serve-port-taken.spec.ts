/**
 * A service that cannot start must not look started: with its port taken, the `serve` target's command
 * and `npx nx run product-service:serve` exit non-zero with the EADDRINUSE error on the terminal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil, REPO_ROOT } from '@faultline/test-support';

const serve = JSON.parse(readFileSync(path.join(REPO_ROOT, 'apps/product-service/project.json'), 'utf8')).targets.serve;

interface Exit {
  code: number | null;
  output: string;
}

/** Runs a shell command from the workspace root, output collected; killed by PID if it outlives the deadline. */
async function run(command: string, env: Record<string, string>, timeoutMs: number): Promise<Exit> {
  const child = spawn('sh', ['-c', `exec ${command}`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await pollUntil(() => child.exitCode !== null || child.signalCode !== null, { timeoutMs, what: `${command} to exit` });
  } finally {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  }
  return { code: await exited, output };
}

describe('serve with the port already taken', () => {
  let holder: Server;
  let env: Record<string, string>;

  before(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    env = { ...serve.options.env, HOST: '127.0.0.1', PORT: String(port), OTEL_SDK_DISABLED: 'true' };
  });
  after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('the serve command exits 1 and prints the EADDRINUSE error', async () => {
    const { code, output } = await run(serve.command, env, 15_000);
    assert.equal(code, 1);
    assert.match(output, /failed to start: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+/);
  });

  it('npx nx run product-service:serve fails too, instead of reporting success', async () => {
    const { code, output } = await run('npx nx run product-service:serve --excludeTaskDependencies', env, 60_000);
    assert.match(output, /EADDRINUSE/);
    assert.doesNotMatch(output, /Successfully ran target/);
    assert.notEqual(code, 0);
  });
});

describe('every app serve target', () => {
  it('is a plain task: nx reports a service that exits as a failure, not as a finished continuous task', () => {
    const apps = readdirSync(path.join(REPO_ROOT, 'apps'));
    for (const app of apps) {
      const project = JSON.parse(readFileSync(path.join(REPO_ROOT, 'apps', app, 'project.json'), 'utf8'));
      assert.ok(project.targets.serve, `${app} has a serve target`);
      assert.notEqual(project.targets.serve.continuous, true, `${app}:serve is not continuous`);
    }
  });
});

// A lab part (Prometheus, the trace UI's JVM) dies with the harness, even when the harness is killed
// outright and no exit hook runs. A real child process and a real kill.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil, unusedLoopbackPort } from '@faultline/test-support';
import { isAlive } from '../../process-alive';
import { dyingWithHarness } from './lab-process';

describe('LabProcess', () => {
  it('is run through setpriv --pdeathsig KILL on Linux', { skip: process.platform !== 'linux' ? 'Linux only' : false }, () => {
    assert.deepEqual(dyingWithHarness('prometheus', ['--x']), ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', '--', 'prometheus', '--x']]);
  });

  it('dies when the harness that started it is killed with SIGKILL', { skip: process.platform !== 'linux' ? 'Linux only' : false, timeout: 30_000 }, async () => {
    const harness = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'testing', 'lab-process-harness.ts'), String(await unusedLoopbackPort())], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    harness.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let partPid = 0;
    try {
      partPid = await pollUntil(async () => Number(/^(\d+)$/m.exec(out)?.[1]) || undefined, { timeoutMs: 20_000, what: 'the lab part to be ready' });
      assert.ok(isAlive(partPid));
      harness.kill('SIGKILL');
      await pollUntil(async () => !isAlive(partPid), { timeoutMs: 5_000, what: `the lab part (pid ${partPid}) to die with the harness` });
    } finally {
      harness.kill('SIGKILL');
      if (partPid && isAlive(partPid)) process.kill(partPid, 'SIGKILL');
    }
  });
});

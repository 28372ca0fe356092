// The supervisor restarts a dying process with growing backoff and counts restarts, and stop() ends it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pollUntil } from '@faultline/test-support';
import { SupervisedProcess } from './supervisor';
import { isAlive } from '../../process-alive';


describe('SupervisedProcess', () => {
  const started: SupervisedProcess[] = [];
  after(async () => {
    await Promise.all(started.map((p) => p.stop()));
  });

  it('restarts a crashing process with doubling backoff and counts the restarts', async () => {
    const lines: string[] = [];
    const proc = new SupervisedProcess({
      name: 'crasher',
      command: process.execPath,
      args: ['-e', 'console.log("up"); process.exit(3)'],
      env: { PATH: process.env.PATH },
      backoffMs: 50,
      maxBackoffMs: 400,
      onLine: (line) => lines.push(line),
    });
    started.push(proc);
    const restartTimes: number[] = [];
    proc.on('restart', () => restartTimes.push(Date.now()));
    proc.start();
    await pollUntil(() => proc.restarts >= 3, { timeoutMs: 5_000, what: '3 restarts' });
    await proc.stop();
    assert.ok(proc.exits.slice(0, 3).every((e) => e.code === 3), 'exit codes recorded');
    assert.ok(lines.filter((l) => l === 'up').length >= 3, 'output of every run captured');
    const gaps = restartTimes.slice(1).map((t, i) => t - restartTimes[i]);
    assert.ok(gaps[1] >= gaps[0], `backoff grows: ${gaps.join(', ')} ms`);
  });

  it('stop() ends a process that ignores SIGTERM with SIGKILL after the grace period, and does not restart it', async () => {
    const proc = new SupervisedProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
      env: { PATH: process.env.PATH },
      gracePeriodMs: 300,
      onLine: () => undefined,
    });
    started.push(proc);
    let ready = false;
    proc.options.onLine = (line) => void (ready ||= line === 'ready');
    proc.start();
    await pollUntil(() => ready, { what: 'the process to start' });
    const pid = proc.pid;
    assert.ok(pid !== undefined, 'the started process has a pid');
    await proc.stop();
    assert.equal(isAlive(pid), false);
    assert.equal(proc.restarts, 0);
    assert.equal(proc.exits.at(-1)?.signal, 'SIGKILL');
  });
});

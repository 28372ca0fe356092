// The real command runner and port-forward handling, with node scripts standing in for kubectl (this
// machine has no cluster, so a real `kubectl port-forward` cannot run): errors name the command,
// timeouts kill by PID, a forward that ends is started again on the same local port, stop() ends it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pollUntil } from '@faultline/test-support';
import { CommandError, ProcessCommandRunner, runJson } from './command-runner';
import { PortForward } from './port-forward';
import { isAlive } from '../../process-alive';


describe('ProcessCommandRunner', () => {
  const runner = new ProcessCommandRunner({ kubectl: process.execPath });

  it('returns stdout, parses JSON, and passes stdin', async () => {
    assert.deepEqual(await runJson(runner, 'kubectl', ['-e', 'process.stdout.write(JSON.stringify({ items: [1, 2] }))']), { items: [1, 2] });
    const echoed = await runner.run('kubectl', ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'apiVersion: v1' });
    assert.equal(echoed.stdout, 'apiVersion: v1');
  });

  it('a failing command is an error naming the command, its exit code and stderr', async () => {
    const failing = runner.run('kubectl', ['-e', 'console.error("Error from server (NotFound): services \\"nope\\" not found"); process.exit(1)']);
    await assert.rejects(failing, (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.match(error.message, /^kubectl -e .*: exit code 1: Error from server \(NotFound\): services "nope" not found$/s);
      return true;
    });
    const allowed = await runner.run('kubectl', ['-e', 'process.exit(3)'], { allowFailure: true });
    assert.equal(allowed.code, 3);
    await assert.rejects(runJson(runner, 'kubectl', ['-e', 'process.stdout.write("not json")']), /output is not JSON: not json/);
  });

  it('kills a command that outlives its timeout, and names a missing binary', async () => {
    await assert.rejects(runner.run('kubectl', ['-e', 'setTimeout(() => {}, 60_000)'], { timeoutMs: 300 }), /: no result within \d+ s \(killed\)$/);
    const missing = new ProcessCommandRunner({ kubectl: '/nonexistent/kubectl' });
    await assert.rejects(missing.run('kubectl', ['version']), /kubectl version: kubectl is not installed or not on PATH/);
  });
});

describe('PortForward', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-pf-'));
  const forwards: PortForward[] = [];
  after(async () => {
    await Promise.all(forwards.map((f) => f.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the local port, starts again on the same port when kubectl exits, and stop() ends it by PID', async () => {
    // Plays `kubectl port-forward`: prints the Forwarding line; the first run exits after 200 ms, as a
    // forward does when its pod is replaced.
    const script = path.join(dir, 'fake-kubectl.cjs');
    const runs = path.join(dir, 'runs');
    writeFileSync(runs, '');
    writeFileSync(
      script,
      `const fs = require('node:fs');
const [local, remote] = process.argv.at(-1).split(':');
fs.appendFileSync(${JSON.stringify(runs)}, process.argv.slice(2).join(' ') + '\\n');
const first = fs.readFileSync(${JSON.stringify(runs)}, 'utf8').trim().split('\\n').length === 1;
console.log('Forwarding from 127.0.0.1:' + (local || '43123') + ' -> ' + remote);
setTimeout(() => process.exit(first ? 1 : 0), first ? 200 : 60_000);`,
    );
    const runner = new ProcessCommandRunner({ kubectl: process.execPath });
    const forward = new PortForward(runner, { scope: [script, '-n', 'faultline'], resource: 'svc/store-front', remotePort: 8080, restart: true });
    forwards.push(forward);
    assert.equal(await forward.start(), 'http://127.0.0.1:43123');
    const firstPid = forward.pid;
    await pollUntil(() => forward.pid !== firstPid && forward.pid !== undefined, { timeoutMs: 5_000, what: 'the forward to start again' });
    const lines = await pollUntil(
      () => {
        const text = readFileSync(runs, 'utf8').trim().split('\n');
        return text.length >= 2 ? text : undefined;
      },
      { timeoutMs: 5_000, what: 'a second kubectl run' },
    );
    assert.deepEqual(lines, [
      '-n faultline port-forward --address 127.0.0.1 svc/store-front :8080',
      '-n faultline port-forward --address 127.0.0.1 svc/store-front 43123:8080',
    ]);
    assert.equal(forward.url, 'http://127.0.0.1:43123');
    const pid = forward.pid;
    assert.ok(pid !== undefined && isAlive(pid));
    await forward.stop();
    await pollUntil(() => !isAlive(pid), { timeoutMs: 5_000, what: 'the forward process to end' });
  });

  it('a forward that never says "Forwarding" fails naming the command and what kubectl printed', async () => {
    const runner = new ProcessCommandRunner({ kubectl: process.execPath });
    const forward = new PortForward(runner, {
      scope: ['-e', 'console.error("error: services \\"nope\\" not found"); process.exit(1)', '--'],
      resource: 'svc/nope',
      remotePort: 80,
      restart: false,
    });
    forwards.push(forward);
    await assert.rejects(forward.start(), /port-forward --address 127\.0\.0\.1 svc\/nope :80: exited \(1\) before forwarding: error: services "nope" not found/);
  });
});

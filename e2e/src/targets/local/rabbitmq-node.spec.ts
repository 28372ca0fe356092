// The local lab's own broker: a real rabbitmq-server node on its own address, port, folder and epmd; a
// taken port, a start-up deadline and a harness killed outright leave nothing running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import amqp from 'amqplib';
import { inCi, isolateTempDir, makeTempDir, pollUntil } from '@faultline/test-support';
import { isAlive } from '../../process-alive';
import { BrokerUnavailableError, findRabbitmqServer, installHint } from './rabbitmq-install';
import { AMQP_PORT, RabbitmqNode } from './rabbitmq-node';

isolateTempDir();
const HOST = '127.0.0.72';
const skip = !findRabbitmqServer() && !inCi() ? `rabbitmq-server is not installed (install: ${installHint()})` : false;

/** PIDs of processes whose command line mentions `text` (the node's folder is in its -home argument). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('RabbitmqNode', () => {
  const started: RabbitmqNode[] = [];
  after(async () => {
    for (const node of started) await node.stop();
  });

  it('takes another port when its own is taken and says which; serves AMQP and /metrics; stop() leaves no process and no folder', { skip, timeout: 90_000 }, async () => {
    // Taken by this test, or already by a broker listening on all addresses (Debian's, say).
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.once('error', () => resolve()).listen(AMQP_PORT, HOST, resolve));
    const said: string[] = [];
    const dir = path.join(makeTempDir('faultline-broker-'), 'rabbitmq');
    try {
      const node = await RabbitmqNode.start({ host: HOST, dir, say: (line) => said.push(line) });
      started.push(node);
      assert.notEqual(node.port, AMQP_PORT);
      assert.deepEqual(said, [`broker: ${HOST}:${AMQP_PORT} is taken (another broker listening on all addresses?), using ${HOST}:${node.port}`]);
      assert.match(node.url, new RegExp(`^amqp://faultline:[0-9a-f]{24}@${HOST.replace(/\./g, '\\.')}:${node.port}$`));
      const connection = await amqp.connect(node.url);
      const channel = await connection.createConfirmChannel();
      await channel.assertQueue('orders', { durable: true });
      channel.sendToQueue('orders', Buffer.from('{"orderId":"o-1"}'), { persistent: true });
      await channel.waitForConfirms();
      assert.equal((await channel.get('orders', { noAck: true }) || undefined)?.content.toString(), '{"orderId":"o-1"}');
      await connection.close();
      const metrics = await (await fetch(node.metricsUrl)).text();
      assert.match(metrics, /^rabbitmq_queues 1$/m, 'rabbitmq_prometheus counts the queue');
      const pids = node.pids();
      assert.equal(pids.length, 2, 'the node and its epmd');
      assert.ok(pids.every(isAlive));
      await node.stop();
      assert.deepEqual(pids.filter(isAlive), [], 'node and epmd stopped by PID');
      assert.deepEqual(processesMentioning(dir), [], 'no process of that node left');
      assert.equal(existsSync(dir), false, 'its folder is removed');
    } finally {
      if (squatter.listening) squatter.close();
    }
  });

  it('replace(): stopped as a deleted pod is, then started again on its folder with the same name and port; what it confirmed is still there', { skip, timeout: 120_000 }, async () => {
    const dir = path.join(makeTempDir('faultline-broker-'), 'rabbitmq');
    const node = await RabbitmqNode.start({ host: HOST, dir, anyPort: true });
    started.push(node);
    const connection = await amqp.connect(node.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('orders', { durable: true });
    channel.sendToQueue('orders', Buffer.from('{"orderId":"o-2"}'), { persistent: true });
    await channel.waitForConfirms();
    const closed = new Promise((resolve) => connection.once('close', resolve));
    connection.on('error', () => undefined);
    const [oldPid, port] = [node.pid, node.port];
    await node.replace(500);
    assert.equal(isAlive(oldPid as number), false, 'the old node is gone');
    assert.equal(node.takingLogins, false);
    await closed;
    await node.ready;
    assert.notEqual(node.pid, oldPid);
    assert.equal(node.port, port);
    assert.equal(node.restarts, 1);
    assert.equal(node.takingLogins, true);
    const again = await amqp.connect(node.url);
    const reader = await again.createChannel();
    assert.equal((await reader.get('orders', { noAck: true }) || undefined)?.content.toString(), '{"orderId":"o-2"}', 'the confirmed persistent message survived');
    await again.close();
    await node.stop();
    assert.deepEqual(processesMentioning(dir), [], 'no process of that node left');
  });

  it('a node not up within its deadline: a clear error, and nothing left running', { skip, timeout: 30_000 }, async () => {
    const dir = path.join(makeTempDir('faultline-broker-'), 'rabbitmq');
    await assert.rejects(RabbitmqNode.start({ host: HOST, dir, anyPort: true, readyTimeoutMs: 300 }), (error: Error) => {
      assert.ok(error instanceof BrokerUnavailableError);
      assert.match(error.message, /^the lab's broker \(\S+rabbitmq-server\) did not start: timed out after 300 ms waiting for an AMQP login at 127\.0\.0\.72:\d+/);
      return true;
    });
    assert.deepEqual(processesMentioning(dir), []);
    assert.equal(existsSync(dir), false);
  });

  it('dies with a harness killed by SIGKILL (no exit hook runs)', { skip: skip || (process.platform !== 'linux' ? 'Linux only' : false), timeout: 90_000 }, async () => {
    const dir = path.join(makeTempDir('faultline-broker-'), 'rabbitmq');
    const harness = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'testing', 'rabbitmq-node-harness.ts'), dir], {
      // tsx keeps a cache in the harness's temp folder.
      env: { ...process.env, TMPDIR: makeTempDir('faultline-harness-') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    harness.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let pids: number[] = [];
    try {
      pids = await pollUntil(() => (/^\[.*\]$/m.exec(out) ? (JSON.parse(/^\[.*\]$/m.exec(out)?.[0] ?? '[]') as number[]) : undefined), { timeoutMs: 75_000, intervalMs: 200, what: 'the broker to be ready' });
      assert.ok(pids.length === 2 && pids.every(isAlive));
      harness.kill('SIGKILL');
      await pollUntil(() => !pids.some(isAlive), { timeoutMs: 10_000, what: `the broker's processes (${pids.join(', ')}) to die with the harness` });
    } finally {
      harness.kill('SIGKILL');
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  });

  it('names the install command when rabbitmq-server cannot be found', () => {
    const previous = process.env.FAULTLINE_RABBITMQ_SERVER;
    process.env.FAULTLINE_RABBITMQ_SERVER = '/nonexistent/rabbitmq-server';
    try {
      assert.equal(findRabbitmqServer(), undefined);
    } finally {
      if (previous === undefined) delete process.env.FAULTLINE_RABBITMQ_SERVER;
      else process.env.FAULTLINE_RABBITMQ_SERVER = previous;
    }
    assert.equal(installHint('darwin'), 'brew install rabbitmq');
    assert.equal(installHint('linux', { PATH: '' }), 'install RabbitMQ (Debian/Ubuntu: sudo apt-get install rabbitmq-server; Fedora: sudo dnf install rabbitmq-server; macOS: brew install rabbitmq)');
  });
});

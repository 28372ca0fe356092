// The CLI as a user runs it (a real process, a real broker where one is needed): bad input stops it at
// once with exit code 2, a broker problem before any lab starts, and `--json` gives one object a line.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import amqp from 'amqplib';
import { brokerAvailable, inCi, NO_BROKER_MESSAGE, pollUntil, TEST_BROKER_URL, unusedLoopbackPort } from '@faultline/test-support';
import { isAlive } from '../process-alive';
import { peekQueue } from '../evidence/queue';
import { findRabbitmqServer, installHint } from '../targets/local/rabbitmq-install';
import { WORKSPACE_ROOT } from '../targets/local/paths';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-cli-'));
const children = new Set<number>();

const STATE = path.join(dir, 'up.json');

/** The CLI with the test run's broker as its external broker (`env` may unset it: RABBITMQ_URL: undefined). */
function startCli(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  const child = spawn(process.execPath, [path.join(WORKSPACE_ROOT, 'e2e/bin/faultline.cjs'), ...args], {
    env: { ...process.env, FAULTLINE_STATE: STATE, RABBITMQ_URL: TEST_BROKER_URL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid) children.add(child.pid);
  child.once('close', () => child.pid && children.delete(child.pid));
  return child;
}

/** Runs the CLI with no lab state of the machine's own; killed (and failing) after `timeoutMs`. */
async function faultline(args: string[], timeoutMs = 20_000, env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  return { code, stdout, stderr, ms: Date.now() - started };
}

after(() => {
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already ended
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('faultline CLI: bad input and a bad broker stop it before any lab starts', async () => {
  const noBroker = (await brokerAvailable()) ? false : NO_BROKER_MESSAGE;

  it('a URL that is not AMQP is a usage error (exit 2), for `scenario run` and for `up`', async () => {
    const run = await faultline(['scenario', 'run', 'tcp-wrong-target-port', '--rabbitmq-url', 'http://x']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^faultline: --rabbitmq-url: "http:\/\/x" is not an AMQP URL/);
    const up = await faultline(['up', '--rabbitmq-url', 'http://x']);
    assert.equal(up.code, 2, up.stderr);
    assert.doesNotMatch(up.stdout, /starting the lab/);
  });

  it('a broker that does not answer fails the store scenarios in seconds, naming the address', async () => {
    const port = await unusedLoopbackPort();
    const run = await faultline(['scenario', 'run', 'tcp-wrong-target-port', '--rabbitmq-url', `amqp://guest:guest@127.0.0.1:${port}`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`RabbitMQ is not reachable at amqp://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    assert.doesNotMatch(run.stdout, /▶/, 'no scenario started');
    assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
  });

  it('wrong credentials: ACCESS_REFUSED in one line, before any pod starts', { skip: noBroker }, async () => {
    const wrong = new URL(TEST_BROKER_URL);
    wrong.password = 'not-the-password';
    const up = await faultline(['up', '--rabbitmq-url', wrong.href]);
    assert.equal(up.code, 1, up.stderr);
    assert.match(up.stderr, /refused user "[^"]+" \(ACCESS_REFUSED\): check the user and password/);
    assert.doesNotMatch(up.stderr, /not-the-password/);
    assert.doesNotMatch(up.stdout, /starting the lab/);
  });

  it("a lab's broker that cannot start: exit 2 with what it printed, before any pod starts", async () => {
    // A start script that prints a line and exits at once, as a broken RabbitMQ install would.
    const script = path.join(dir, 'broken-rabbitmq-server');
    writeFileSync(script, '#!/bin/sh\necho "BOOT FAILED: this broker is broken on purpose"\nexit 1\n', { mode: 0o755 });
    const up = await faultline(['up', '--no-ui'], 30_000, { RABBITMQ_URL: undefined, FAULTLINE_RABBITMQ_SERVER: script });
    assert.equal(up.code, 2, up.stderr);
    assert.match(up.stderr, /^faultline: the lab's broker \(\S+broken-rabbitmq-server\) did not start: rabbitmq-server exited \(1\)/);
    assert.match(up.stderr, /BOOT FAILED: this broker is broken on purpose/, "the broker's last lines");
    assert.doesNotMatch(up.stdout, /lab ready/);
  });

  it('--jobs above 1 on kind, or not a whole number, is a usage error', async () => {
    assert.match((await faultline(['scenario', 'run', '--all', '--target', 'kind', '--jobs', '2'])).stderr, /--jobs above 1 needs the local target/);
    const half = await faultline(['scenario', 'run', '--all', '--jobs', '1.5']);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--jobs must be a whole number of 1 or more/);
  });

  it('with no lab running, `trace` says how to start one that works on a fresh clone', async () => {
    const trace = await faultline(['trace']);
    assert.equal(trace.code, 1);
    assert.match(trace.stderr, /no lab is running: start one with `npm start`/);
  });
});

describe('faultline scenario run --json', () => {
  it('prints one JSON object a line per scenario, with its steps and their evidence, and nothing else', { timeout: 60_000 }, async () => {
    const run = await faultline(['scenario', 'run', 'service-load-balancing', 'slow-page-trace', '--json'], 55_000);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 2, run.stdout);
    const results = lines.map((line) => JSON.parse(line) as { id: string; status: string; steps: { phase: string; status: string; evidence: { source: string; text: string }[] }[] });
    assert.deepEqual(results.map((r) => r.id).sort(), ['service-load-balancing', 'slow-page-trace']);
    for (const result of results) {
      assert.equal(result.status, 'passed');
      assert.ok(result.steps.some((s) => s.phase === 'symptom' && s.status === 'passed' && s.evidence.length > 0), `${result.id}: a symptom step with evidence`);
    }
  });
});

/** True while the broker has a queue of that name. */
async function queueExists(queue: string): Promise<boolean> {
  const connection = await amqp.connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.checkQueue(queue);
    return true;
  } catch {
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe('faultline up and down', async () => {
  const skip = (await brokerAvailable()) ? false : NO_BROKER_MESSAGE;

  it('up prints the pages to open, which answer; a second up --build is refused before building; down stops the lab and deletes its queue', { skip, timeout: 60_000 }, async () => {
    const up = startCli(['up']);
    let stdout = '';
    up.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    up.stderr?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await pollUntil(async () => /Ctrl-C or/.test(stdout) || up.exitCode !== null, { timeoutMs: 40_000, what: `faultline up to be ready: ${stdout}` });
      assert.equal(up.exitCode, null, stdout);
      const store = /Open in a browser:\n {2}(http:\/\/\S+\/) +the pet store/.exec(stdout);
      const demo = /(http:\/\/\S+\/demo-app\/) +the slow\/fast page demo/.exec(stdout);
      assert.ok(store && demo, stdout);
      for (const page of [store[1], demo[1]]) {
        const response = await fetch(page);
        assert.equal(response.status, 200, page);
        assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      }
      const second = await faultline(['up', '--build']);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /^faultline: a lab is already running \(pid \d+\); stop it with `npx faultline down`/);
      assert.doesNotMatch(second.stdout, /building/, 'refused before building anything');
      const unknown = await faultline(['trace', '--service', 'nosuch']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^faultline: no traces from a service "nosuch"; services with traces: /);
      await fetch(demo[1].replace('/demo-app/', '/fast-page'));
      const listed = await pollUntil(
        async () => {
          const list = await faultline(['trace', '--service', 'front-end']);
          return list.code === 0 && /^[0-9a-f]{16,32} /m.test(list.stdout) ? list.stdout : undefined;
        },
        { timeoutMs: 15_000, what: 'a front-end trace in `faultline trace`' },
      );
      const traceId = /^([0-9a-f]{16,32}) /m.exec(listed)?.[1] ?? '';
      const shown = await faultline(['trace', traceId]);
      assert.equal(shown.code, 0, shown.stderr);
      const ui = new RegExp(`open it in the trace UI: (http://\\S+/zipkin/traces/${traceId})$`, 'm').exec(shown.stdout);
      if (/Trace UI: /.test(stdout)) {
        assert.ok(ui, shown.stdout);
        assert.equal((await fetch(ui[1])).status, 200, ui[1]);
      } else assert.match(stdout, /Left out: {5}trace UI: /, 'no trace UI, and up said why');
      const queue = /queue (orders-lab-[0-9a-f]+) \(deleted when the lab stops\)/.exec(stdout)?.[1];
      assert.ok(queue, stdout);
      assert.ok(await queueExists(queue), 'order-service declared the lab queue');
      const down = await faultline(['down']);
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, /lab stopped/);
      await pollUntil(async () => up.exitCode !== null || up.signalCode !== null, { timeoutMs: 5_000, what: 'faultline up to exit' });
      assert.equal(existsSync(STATE), false, 'the state file is gone');
      assert.equal(await queueExists(queue), false, 'the lab queue is deleted from the broker');
    } finally {
      up.kill('SIGTERM');
    }
  });
});

describe("faultline up with the lab's own broker", () => {
  const skip = !findRabbitmqServer() && !inCi() ? `rabbitmq-server is not installed (install: ${installHint()})` : false;

  it('with no broker named, up starts its own: an order through store-front gets 201 and is in the lab queue; down leaves no broker process', { skip, timeout: 90_000 }, async () => {
    const up = startCli(['up', '--no-ui'], { RABBITMQ_URL: undefined });
    let stdout = '';
    up.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    up.stderr?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await pollUntil(async () => /Ctrl-C or/.test(stdout) || up.exitCode !== null, { timeoutMs: 75_000, intervalMs: 200, what: `faultline up to be ready: ${stdout}` });
      assert.equal(up.exitCode, null, stdout);
      const broker = /Broker: +(amqp:\/\/\S+) \(the lab's own rabbitmq-server, pid (\d+); metrics (\S+)\), queue (orders-lab-[0-9a-f]+)$/m.exec(stdout);
      assert.ok(broker, stdout);
      const [, url, pid, metricsUrl, queue] = broker;
      assert.match(stdout, /^ {2}rabbitmq-0 +amqp:\/\/127\.0\.0\.72:\d+ +pid \d+$/m, 'the broker is listed among the pods');
      const store = /(http:\/\/\S+\/) +the pet store/.exec(stdout)?.[1];
      assert.ok(store, stdout);
      const order = await fetch(`${store}api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'c-own-broker', items: [{ productId: 1, quantity: 1, price: 9.99 }] }),
      });
      const placed = (await order.json()) as { orderId?: string };
      assert.equal(order.status, 201, JSON.stringify(placed));
      assert.ok(placed.orderId);
      const bodies = await peekQueue(url, queue);
      assert.ok(bodies.some((body) => body.includes(placed.orderId as string)), `order ${placed.orderId} in ${queue}: ${bodies.join(', ')}`);
      const metrics = await (await fetch(metricsUrl)).text();
      assert.match(metrics, /^rabbitmq_queues /m, 'rabbitmq_prometheus answers');
      const down = await faultline(['down']);
      assert.equal(down.code, 0, down.stderr);
      await pollUntil(async () => up.exitCode !== null || up.signalCode !== null, { timeoutMs: 10_000, what: 'faultline up to exit' });
      assert.equal(isAlive(Number(pid)), false, `the broker (pid ${pid}) is stopped`);
      assert.equal(existsSync(path.join(dir, 'rabbitmq')), false, "the broker's data folder is removed");
    } finally {
      up.kill('SIGTERM');
    }
  });
});

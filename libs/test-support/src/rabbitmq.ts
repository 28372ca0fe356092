/**
 * The real RabbitMQ the tests run against: the test run's own broker (tools/test-broker.mjs starts one
 * per run and gives its URL as RABBITMQ_URL), availability, unique queues, reading a queue back.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import amqp, { type GetMessage } from 'amqplib';
import { inCi } from './system-tools';

/** RABBITMQ_URL (the run's broker) when set, else a broker on loopback. */
export const TEST_BROKER_URL = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';

const SHOWN_URL = TEST_BROKER_URL.replace(/\/\/[^@]*@/, '//');

/** Why broker tests skip here: the test runner's reason (no rabbitmq-server, and how to install it), or no broker at the URL. */
export const NO_BROKER_MESSAGE = process.env.FAULTLINE_NO_BROKER
  ? `broker tests skipped: ${process.env.FAULTLINE_NO_BROKER}`
  : `no RabbitMQ reachable at ${SHOWN_URL} (\`npm test\` starts one, or set RABBITMQ_URL); broker tests skipped`;

/**
 * Whether the broker tests can run: true when the broker accepts a login, false (skip them with
 * NO_BROKER_MESSAGE) when it does not. Under CI it never says skip: an absent broker throws, failing the tests.
 */
export async function brokerAvailable(): Promise<boolean> {
  try {
    await (await amqp.connect(TEST_BROKER_URL, { timeout: 2_000 })).close();
    return true;
  } catch (error) {
    if (inCi()) throw new Error(`no RabbitMQ at ${SHOWN_URL} (${(error as Error).message}): CI must have one (npm test starts the run's broker)`);
    return false;
  }
}

export function brokerTarget(): { host: string; port: number } {
  const url = new URL(TEST_BROKER_URL);
  return { host: url.hostname, port: Number(url.port || 5672) };
}

/** A queue name nobody else uses. */
export function uniqueQueue(prefix = 'orders-test'): string {
  return `${prefix}-${randomUUID()}`;
}

async function withChannel<T>(use: (channel: amqp.Channel) => Promise<T>, url = TEST_BROKER_URL): Promise<T> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // a missing queue rejects the call; no stray 'error' event
    return await use(channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Takes every message out of `queue` and returns them; deletes the queue unless `keep`. */
export function drainQueue(queue: string, { keep = false } = {}): Promise<GetMessage[]> {
  return withChannel(async (channel) => {
    const messages: GetMessage[] = [];
    const { messageCount } = await channel.checkQueue(queue);
    for (let i = 0; i < messageCount + 1000; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      messages.push(message);
    }
    if (!keep) await channel.deleteQueue(queue);
    return messages;
  });
}

/** Deletes `queue` on the test broker, or on the broker at `url`. */
export async function deleteQueue(queue: string, url = TEST_BROKER_URL): Promise<void> {
  await withChannel((channel) => channel.deleteQueue(queue), url);
}

/**
 * Runs `rabbitmqctl` against the test broker: the run's own node when the test runner started one
 * (FAULTLINE_RABBITMQCTL: its rabbitmqctl, node name, epmd port and cookie's home), else the system's node.
 */
export function rabbitmqctl(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const raw = process.env.FAULTLINE_RABBITMQCTL;
  const node = raw ? (JSON.parse(raw) as { rabbitmqctl: string; nodeName: string; epmdPort: number; home: string }) : undefined;
  const command = node?.rabbitmqctl ?? 'rabbitmqctl';
  const argv = node ? ['-n', node.nodeName, ...args] : [...args];
  const env = node ? { ...process.env, HOME: node.home, ERL_EPMD_PORT: String(node.epmdPort) } : process.env;
  return new Promise((resolve, reject) => {
    execFile(command, argv, { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`rabbitmqctl ${args.join(' ')}: ${error.message}${stderr ? `\n${stderr.trim()}` : ''}`));
      else resolve({ stdout, stderr });
    });
  });
}

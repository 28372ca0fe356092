/** The real RabbitMQ the tests run against: reachability, unique queues, reading a queue back. */
import { randomUUID } from 'node:crypto';
import amqp, { type GetMessage } from 'amqplib';

/** RABBITMQ_URL when set, else the broker on loopback. */
export const TEST_BROKER_URL = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';

export const NO_BROKER_MESSAGE = `no RabbitMQ reachable at ${TEST_BROKER_URL.replace(/\/\/[^@]*@/, '//')} (set RABBITMQ_URL); broker tests skipped`;

export async function brokerReachable(): Promise<boolean> {
  try {
    await (await amqp.connect(TEST_BROKER_URL, { timeout: 2_000 })).close();
    return true;
  } catch {
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

/** Test support: the real RabbitMQ behind order-service in the browser test, and reading a queue back. */
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';

export const TEST_BROKER_URL = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
export const NO_BROKER_MESSAGE = `no RabbitMQ reachable at ${TEST_BROKER_URL.replace(/\/\/[^@]*@/, '//')} (set RABBITMQ_URL); skipped`;

export async function brokerReachable(): Promise<boolean> {
  try {
    await (await amqp.connect(TEST_BROKER_URL, { timeout: 2_000 })).close();
    return true;
  } catch {
    return false;
  }
}

export function uniqueQueue(): string {
  return `store-front-test-${randomUUID()}`;
}

/** The message bodies in `queue`, parsed; the queue is deleted afterwards. */
export async function drainQueue(queue: string): Promise<{ messageId: string; body: Record<string, unknown> }[]> {
  const connection = await amqp.connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // a missing queue rejects the call below; no stray 'error' event
    const out: { messageId: string; body: Record<string, unknown> }[] = [];
    for (let i = 0; i < 10_000; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      out.push({ messageId: String(message.properties.messageId), body: JSON.parse(message.content.toString()) as Record<string, unknown> });
    }
    await channel.deleteQueue(queue);
    return out;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

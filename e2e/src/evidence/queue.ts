/** The RabbitMQ side of an order: how many messages wait in a queue, and their bodies (read without consuming). */
import amqp from 'amqplib';

export async function queueDepth(url: string, queue: string): Promise<number> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.assertQueue(queue, { durable: true });
    await channel.close();
    return messageCount;
  } finally {
    await connection.close();
  }
}

/** Bodies of the messages in `queue`, peeked: fetched, then requeued (nacked) so that they stay. */
export async function peekQueue(url: string, queue: string, max = 50): Promise<string[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true });
    const bodies: string[] = [];
    const held: amqp.GetMessage[] = [];
    for (let i = 0; i < max; i += 1) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      held.push(message);
      bodies.push(message.content.toString());
    }
    for (const message of held) channel.nack(message, false, true);
    await channel.close();
    return bodies;
  } finally {
    await connection.close();
  }
}

export async function deleteQueue(url: string, queue: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.close();
  } finally {
    await connection.close();
  }
}

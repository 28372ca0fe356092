/** The RabbitMQ side of an order: the bodies waiting in a queue, read without consuming them. */
import amqp from 'amqplib';

/** Bodies of the messages in `queue`, peeked: fetched, then requeued (nacked) so that they stay. */
export async function peekQueue(url: string, queue: string, max = 50): Promise<string[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    // Checked, not declared: the queue is order-service's (classic or quorum, which a declaration must match).
    await channel.checkQueue(queue);
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

/**
 * Publishing an order: a persistent JSON message on the live confirm channel, to the durable queue,
 * mandatory (a message no queue took comes back and counts as a failure), with the trace context in
 * its headers. Resolves only when the broker confirmed; every other outcome is BrokerUnavailable.
 */
import { context, propagation } from '@opentelemetry/api';
import type { ConfirmChannel, Message } from 'amqplib';
import { type BrokerConnection, queueOptions, type QueueType } from './broker';
import type { OrderItem } from './validation';

export interface OrderMessage {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  createdAt: string;
}

export class BrokerUnavailable extends Error {
  readonly code = 'BROKER_UNAVAILABLE';
  override readonly name = 'BrokerUnavailable';
}

export class OrderPublisher {
  /** Message ids the broker returned as unroutable, per channel, until their confirm arrives. */
  private readonly returned = new WeakMap<ConfirmChannel, Set<string>>();

  constructor(
    private readonly broker: BrokerConnection,
    private readonly queue: string,
    private readonly confirmTimeoutMs = 10_000,
    private readonly queueType: QueueType = 'classic',
  ) {}

  publish(message: OrderMessage): Promise<void> {
    const channel = this.broker.liveChannel();
    if (!channel) return Promise.reject(new BrokerUnavailable('not connected to the message broker'));
    const returned = this.returnsOf(channel);
    // The amqplib instrumentation, when loaded, replaces these with its publish span's context.
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    return new Promise<void>((resolve, reject) => {
      const fail = (why: string, cause?: unknown) => {
        clearTimeout(timer);
        returned.delete(message.orderId);
        reject(new BrokerUnavailable(why, { cause }));
      };
      const timer = setTimeout(() => fail(`no confirm from the broker within ${this.confirmTimeoutMs} ms`), this.confirmTimeoutMs);
      try {
        channel.sendToQueue(
          this.queue,
          Buffer.from(JSON.stringify(message)),
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            messageId: message.orderId,
            timestamp: Math.floor(Date.parse(message.createdAt) / 1000),
            headers,
          },
          (error: unknown) => {
            if (error) return fail(`the broker did not confirm the order: ${(error as Error).message ?? error}`, error);
            if (returned.delete(message.orderId)) return fail(`queue ${this.queue} did not take the order`);
            clearTimeout(timer);
            resolve();
          },
        );
      } catch (error) {
        fail(`could not publish: ${(error as Error).message}`, error);
      }
    });
  }

  private returnsOf(channel: ConfirmChannel): Set<string> {
    let returned = this.returned.get(channel);
    if (!returned) {
      const ids = new Set<string>();
      returned = ids;
      this.returned.set(channel, ids);
      channel.on('return', (message: Message) => {
        const id = message.properties.messageId as string | undefined;
        if (id) ids.add(id);
        // The queue is gone (deleted by hand, say): declare it again so later orders find it.
        channel.assertQueue(this.queue, queueOptions(this.queueType)).catch(() => undefined);
      });
    }
    return returned;
  }
}

/**
 * Test support: the real RabbitMQ the tests run against, a loopback TCP proxy the tests can cut to
 * drop the service's broker connection, and reading back what a queue holds.
 */
import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import amqp, { type GetMessage } from 'amqplib';

/** RABBITMQ_URL when set, else the broker every project machine runs on loopback. */
export const TEST_BROKER_URL = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';

export const NO_BROKER_MESSAGE = `no RabbitMQ reachable at ${TEST_BROKER_URL.replace(/\/\/[^@]*@/, '//')} (set RABBITMQ_URL); broker tests skipped`;

export async function brokerReachable(): Promise<boolean> {
  try {
    const connection = await amqp.connect(TEST_BROKER_URL, { timeout: 2_000 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** A queue name nobody else uses. */
export function uniqueQueue(prefix = 'orders-test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Removes every message from `queue` and returns them (noAck gets), then deletes the queue. */
export async function drainQueue(queue: string, { keep = false } = {}): Promise<GetMessage[]> {
  const connection = await amqp.connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // a missing queue rejects the call below; no stray 'error' event
    const messages: GetMessage[] = [];
    const { messageCount } = await channel.checkQueue(queue);
    for (let i = 0; i < messageCount + 1000; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      messages.push(message);
    }
    if (!keep) await channel.deleteQueue(queue);
    return messages;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function deleteQueue(queue: string): Promise<void> {
  const connection = await amqp.connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // a missing queue rejects the call below; no stray 'error' event
    await channel.deleteQueue(queue);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * A loopback TCP proxy in front of the broker. `cut()` destroys every proxied connection and, until
 * `restore()`, closes new ones at once: to the service it is a broker that went away.
 */
export class BrokerProxy {
  private readonly sockets = new Set<Socket>();
  private up: boolean;

  private constructor(
    private readonly server: Server,
    up: boolean,
  ) {
    this.up = up;
  }

  static start(target: { host: string; port: number }, { up = true } = {}): Promise<BrokerProxy> {
    return new Promise((resolve, reject) => {
      let proxy: BrokerProxy | undefined = undefined;
      const server = createServer((client) => {
        if (!proxy?.up) return void client.destroy();
        const upstream = createConnection(target);
        proxy.sockets.add(client).add(upstream);
        const end = () => {
          client.destroy();
          upstream.destroy();
          proxy?.sockets.delete(client);
          proxy?.sockets.delete(upstream);
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      proxy = new BrokerProxy(server, up);
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(proxy));
    });
  }

  /** The broker URL through this proxy, with the credentials and vhost of `brokerUrl`. */
  urlFor(brokerUrl: string): string {
    const url = new URL(brokerUrl);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as AddressInfo).port);
    return url.toString();
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.up = true;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function brokerTarget(): { host: string; port: number } {
  const url = new URL(TEST_BROKER_URL);
  return { host: url.hostname, port: Number(url.port || 5672) };
}

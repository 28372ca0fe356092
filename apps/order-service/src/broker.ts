/**
 * The broker connection: one AMQP connection with one confirm channel on which the orders queue is
 * declared durable. The service starts without it; when the connection cannot be made or is lost, it
 * reconnects with capped exponential backoff. Only a channel that is live right now is handed out.
 */
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { errorCode, type Logger } from '@faultline/tracer';
import { redactedUrl } from './config';

export interface ReconnectPolicy {
  /** First wait after a failure. */
  initialMs: number;
  /** Longest wait between attempts. */
  maxMs: number;
}

export type QueueType = 'classic' | 'quorum';

/** How the orders queue is declared: durable; a quorum queue is replicated over the broker's cluster. */
export function queueOptions(type: QueueType = 'classic'): { durable: true; arguments?: Record<string, string> } {
  return type === 'quorum' ? { durable: true, arguments: { 'x-queue-type': 'quorum' } } : { durable: true };
}

export interface BrokerOptions {
  url: string;
  queue: string;
  queueType?: QueueType;
  log: Logger;
  reconnect?: ReconnectPolicy;
  /** Longest wait for the TCP connection and AMQP handshake. */
  connectTimeoutMs?: number;
  /** AMQP heartbeat, unless the URL names one: a silent broker is noticed after two missed beats. */
  heartbeatSeconds?: number;
  /** Shown by `rabbitmqctl list_connections client_properties`. */
  connectionName?: string;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { initialMs: 200, maxMs: 5_000 };

/** Delay before attempt number `attempt` (0-based): doubled each time, capped, with ±20% jitter. */
export function backoffDelay(attempt: number, policy: ReconnectPolicy, random = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(Math.min(policy.maxMs, base * (0.8 + 0.4 * random())));
}

function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}

export class BrokerConnection {
  private connection?: ChannelModel;
  private channel?: ConfirmChannel;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private nextAttemptAt = 0;
  private closed = false;
  private readonly policy: ReconnectPolicy;
  private readonly url: string;

  constructor(private readonly options: BrokerOptions) {
    this.policy = options.reconnect ?? DEFAULT_RECONNECT;
    this.url = withHeartbeat(options.url, options.heartbeatSeconds ?? 15);
  }

  /** Starts connecting in the background; never throws. */
  start(): void {
    void this.connect();
  }

  /** The confirm channel, only while the connection is up. */
  liveChannel(): ConfirmChannel | undefined {
    return this.channel;
  }

  isConnected(): boolean {
    return this.channel !== undefined;
  }

  /** Seconds until the next connection attempt (at least 1): the Retry-After of a 503. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.nextAttemptAt - Date.now()) / 1000));
  }

  /** Stops reconnecting and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    if (connection) await connection.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const { log, queue } = this.options;
    let connection: ChannelModel | undefined;
    let dead = false;
    let current = false;
    try {
      connection = await amqp.connect(this.url, {
        timeout: this.options.connectTimeoutMs ?? 5_000,
        clientProperties: { connection_name: this.options.connectionName ?? 'order-service' },
      });
      const opened = connection;
      opened.on('error', (error: unknown) => log.warn('broker connection error', { error, code: errorCode(error) }));
      opened.once('close', (error?: unknown) => {
        dead = true;
        if (current) this.lost(opened, error);
      });
      const channel = await opened.createConfirmChannel();
      channel.on('error', (error: unknown) => log.warn('broker channel error', { error, code: errorCode(error) }));
      channel.once('close', () => {
        // A channel closed by the broker (e.g. a queue that cannot be declared) takes the connection down too.
        if (!dead) opened.close().catch(() => undefined);
      });
      await channel.assertQueue(queue, queueOptions(this.options.queueType));
      if (dead) throw new Error('connection closed while setting up the channel');
      if (this.closed) {
        await opened.close().catch(() => undefined);
        return;
      }
      current = true;
      this.connection = opened;
      this.channel = channel;
      log.info('broker connected', { broker: redactedUrl(this.options.url), queue, attempts: this.attempt + 1 });
      this.attempt = 0;
    } catch (error) {
      if (connection && !dead) await connection.close().catch(() => undefined);
      this.schedule('broker connection failed', error);
    }
  }

  private lost(connection: ChannelModel, error: unknown): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.channel = undefined;
    if (this.closed) return;
    this.schedule('broker connection lost', error);
  }

  private schedule(msg: string, error: unknown): void {
    if (this.closed) return;
    const delay = backoffDelay(this.attempt, this.policy);
    this.attempt += 1;
    this.nextAttemptAt = Date.now() + delay;
    this.options.log.warn(msg, {
      broker: redactedUrl(this.options.url),
      error: error ?? 'closed',
      code: error ? errorCode(error) : 'CLOSED',
      retry_in_ms: delay,
      attempt: this.attempt,
    });
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }
}

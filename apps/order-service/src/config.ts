/**
 * order-service settings. The broker comes from RABBITMQ_URL or, as in aks-store-demo, from the
 * ORDER_QUEUE_* parts; RABBITMQ_URL wins when both are set.
 */
import type { ConfigSpec, ServiceConfig } from '@faultline/service-kit';

export const DEFAULT_BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';

export const orderServiceConfig = {
  rabbitmqUrl: { env: 'RABBITMQ_URL', type: 'url', help: `broker URL (default ${DEFAULT_BROKER_URL} unless ORDER_QUEUE_HOSTNAME is set)` },
  queueHostname: { env: 'ORDER_QUEUE_HOSTNAME', type: 'string', help: 'broker host, when RABBITMQ_URL is unset' },
  queuePort: { env: 'ORDER_QUEUE_PORT', type: 'port', default: 5672, help: 'broker port, with ORDER_QUEUE_HOSTNAME' },
  queueUsername: { env: 'ORDER_QUEUE_USERNAME', type: 'string', default: 'guest', help: 'broker user, with ORDER_QUEUE_HOSTNAME' },
  queuePassword: { env: 'ORDER_QUEUE_PASSWORD', type: 'string', default: 'guest', help: 'broker password, with ORDER_QUEUE_HOSTNAME' },
  queueName: { env: 'ORDER_QUEUE_NAME', type: 'string', default: 'orders', help: 'durable queue the orders are published to' },
  queueType: {
    env: 'ORDER_QUEUE_TYPE',
    type: 'enum',
    values: ['classic', 'quorum'],
    default: 'classic',
    help: 'the queue as declared: classic, or quorum (replicated over a broker cluster: survives one node of three)',
  },
  externalServerUrl: {
    env: 'EXTERNAL_SERVER_URL',
    type: 'url',
    default: 'http://myexternalserver.com',
    help: 'server called before accepting an order holding product 11 (a trailing-dot FQDN host works)',
  },
  externalTimeoutMs: { env: 'EXTERNAL_TIMEOUT_MS', type: 'int', min: 1, default: 5_000, help: 'longest wait for the external server' },
} as const satisfies ConfigSpec;

export type OrderServiceConfig = ServiceConfig<typeof orderServiceConfig>;

/** The AMQP URL to connect to. */
export function brokerUrl(config: OrderServiceConfig): string {
  if (config.rabbitmqUrl) return config.rabbitmqUrl;
  if (!config.queueHostname) return DEFAULT_BROKER_URL;
  const user = encodeURIComponent(config.queueUsername);
  const password = encodeURIComponent(config.queuePassword);
  const host = config.queueHostname.includes(':') ? `[${config.queueHostname}]` : config.queueHostname;
  return `amqp://${user}:${password}@${host}:${config.queuePort}`;
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

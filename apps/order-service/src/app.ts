/**
 * order-service: aks-store-demo's order intake. POST / validates an order and publishes it to the
 * durable RabbitMQ queue, answering 201 only after the broker confirmed it. Starts without the broker
 * (/readyz 503 until connected), reconnects when the connection drops, and refuses orders with 503 +
 * Retry-After meanwhile.
 */
import type { ServiceDefinition } from '@faultline/service-kit';
import { BrokerConnection, type ReconnectPolicy } from './broker';
import { brokerUrl, orderServiceConfig } from './config';
import { OrderPublisher } from './publisher';
import { mountOrderRoutes } from './routes';

export interface OrderServiceOptions {
  reconnect?: ReconnectPolicy;
  confirmTimeoutMs?: number;
  /** AMQP connection name, as `rabbitmqctl list_connections client_properties` shows it. */
  connectionName?: string;
}

export function orderService(options: OrderServiceOptions = {}): ServiceDefinition<typeof orderServiceConfig> {
  return {
    name: 'order-service',
    defaultPort: 3000,
    config: orderServiceConfig,
    routes(app, ctx) {
      const { config, log } = ctx;
      const broker = new BrokerConnection({
        url: brokerUrl(config),
        queue: config.queueName,
        queueType: config.queueType,
        log,
        reconnect: options.reconnect,
        connectionName: options.connectionName ?? `order-service ${ctx.version}`,
      });
      ctx.readiness.add('broker', () => broker.isConnected());
      ctx.onShutdown(() => broker.close());
      broker.start();
      const publisher = new OrderPublisher(broker, config.queueName, options.confirmTimeoutMs, config.queueType);
      mountOrderRoutes(app, {
        broker,
        publisher,
        log,
        externalServerUrl: config.externalServerUrl,
        externalTimeoutMs: config.externalTimeoutMs,
      });
    },
  };
}

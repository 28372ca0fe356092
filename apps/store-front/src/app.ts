/**
 * store-front: the pet store's page, and the proxy to product-service and order-service behind it.
 * When an upstream cannot be reached, its JSON error, its log line and its span name the upstream and
 * the error code (ECONNREFUSED for a Service whose targetPort is wrong).
 */
import type { ServiceDefinition } from '@faultline/service-kit';
import { storeFrontConfig } from './config';
import { mountStoreRoutes } from './routes';

export function storeFront(): ServiceDefinition<typeof storeFrontConfig> {
  return {
    name: 'store-front',
    defaultPort: 8080,
    config: storeFrontConfig,
    routes(app, ctx) {
      const { config, log } = ctx;
      mountStoreRoutes(app, {
        products: { name: 'product-service', baseUrl: config.productServiceUrl, timeoutMs: config.upstreamTimeoutMs },
        orders: { name: 'order-service', baseUrl: config.orderServiceUrl, timeoutMs: config.upstreamTimeoutMs },
        log,
      });
    },
  };
}

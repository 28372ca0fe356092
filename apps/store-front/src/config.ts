/** store-front settings: where the two upstreams are, and how long to wait for them. */
import type { ConfigSpec } from '@faultline/service-kit';

export const storeFrontConfig = {
  productServiceUrl: { env: 'PRODUCT_SERVICE_URL', type: 'url', default: 'http://product-service:3002', help: 'product-service base URL (/api/products*)' },
  orderServiceUrl: { env: 'ORDER_SERVICE_URL', type: 'url', default: 'http://order-service:3000', help: 'order-service base URL (/api/orders)' },
  upstreamTimeoutMs: { env: 'UPSTREAM_TIMEOUT_MS', type: 'int', min: 1, default: 5_000, help: 'longest wait for an upstream answer (then 504)' },
} as const satisfies ConfigSpec;

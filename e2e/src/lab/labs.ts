/**
 * The lab's demos as Deployments and Services, shared by `faultline up` and the scenarios, following the
 * service contract: each app on its default port, Services of the same name and port, names resolved
 * through the cluster DNS (so `http://order-service:3000` works as in a pod).
 */
import type { DeploymentSpec, LabSpec, ServiceSpec } from './spec';

/** A Service named like its Deployment with port = targetPort = the container port. */
export function serviceFor(deployment: DeploymentSpec): ServiceSpec {
  return { name: deployment.name, port: deployment.port, targetPort: deployment.port, selector: deployment.name };
}

export interface StoreOptions {
  rabbitmqUrl: string;
  queueName: string;
  /** How order-service names the external server (FQDN with a trailing dot, or not). */
  externalServerUrl?: string;
  externalTimeoutMs?: number;
}

export const EXTERNAL_HOST = 'myexternalserver.com';
export const EXTERNAL_PORT = 8080;

/** Seed 000: aks-store-demo (store-front, product-service, order-service + RabbitMQ, the external server). */
export function storeLab(options: StoreOptions): LabSpec {
  const productService: DeploymentSpec = { name: 'product-service', app: 'product-service', port: 3002 };
  const orderService: DeploymentSpec = {
    name: 'order-service',
    app: 'order-service',
    port: 3000,
    env: {
      RABBITMQ_URL: options.rabbitmqUrl,
      ORDER_QUEUE_NAME: options.queueName,
      EXTERNAL_SERVER_URL: options.externalServerUrl ?? `http://${EXTERNAL_HOST}:${EXTERNAL_PORT}`,
      EXTERNAL_TIMEOUT_MS: String(options.externalTimeoutMs ?? 5000),
    },
  };
  const storeFront: DeploymentSpec = {
    name: 'store-front',
    app: 'store-front',
    port: 8080,
    env: { PRODUCT_SERVICE_URL: 'http://product-service:3002', ORDER_SERVICE_URL: 'http://order-service:3000' },
  };
  // The server outside the cluster names itself by its host on spans, as the store's calls name it: Zipkin's
  // dependency graph then shows order-service → myexternalserver.com.
  const externalServer: DeploymentSpec = { name: 'external-server', app: 'external-server', port: EXTERNAL_PORT, serviceName: EXTERNAL_HOST };
  return {
    deployments: [productService, orderService, storeFront, externalServer],
    services: [serviceFor(productService), serviceFor(orderService), serviceFor(storeFront)],
    upstreamDns: { records: { [EXTERNAL_HOST]: { deployment: 'external-server' } } },
  };
}

/** Seed 001: kind-e2e's front-end and business-logic, traced across both with B3 headers. */
export function tracingLab(options: { slowSeconds: number }): LabSpec {
  const businessLogic: DeploymentSpec = {
    name: 'business-logic',
    app: 'business-logic',
    port: 8000,
    env: { SLOW_SECONDS: String(options.slowSeconds) },
  };
  const frontEnd: DeploymentSpec = { name: 'front-end', app: 'front-end', port: 8080, env: { BUSINESS_LOGIC_URL: 'http://business-logic:8000' } };
  return { deployments: [frontEnd, businessLogic], services: [serviceFor(frontEnd), serviceFor(businessLogic)] };
}

export interface ResilienceOptions {
  backendReplicas?: number;
  hangSeconds: number;
  clientEnv?: Record<string, string>;
}

/** Seed 004: retry-backend (fails at a requested rate) and retry-client (retries, timeouts, breaker). */
export function resilienceLab(options: ResilienceOptions): LabSpec {
  const backend: DeploymentSpec = {
    name: 'retry-backend',
    app: 'retry-backend',
    port: 8080,
    replicas: options.backendReplicas ?? 1,
    env: { VERSION: 'v1', SERVER_ID: '$(POD_NAME)', HANG_SECONDS: String(options.hangSeconds) },
  };
  const client: DeploymentSpec = {
    name: 'retry-client',
    app: 'retry-client',
    port: 8080,
    env: { RETRY_BACKEND_URL: 'http://retry-backend:8080', ...options.clientEnv },
  };
  return { deployments: [backend, client], services: [serviceFor(backend), serviceFor(client)] };
}

/** Several labs as one (for `faultline up`). */
export function mergeLabs(...labs: LabSpec[]): LabSpec {
  return {
    deployments: labs.flatMap((l) => l.deployments),
    services: labs.flatMap((l) => l.services),
    upstreamDns: { records: Object.assign({}, ...labs.map((l) => l.upstreamDns?.records ?? {})) },
  };
}

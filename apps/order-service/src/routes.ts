/** POST / : validate, call the external server for product 11, publish, and answer 201 only once confirmed. */
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { Express } from 'express';
import { HttpError, validationError } from '@faultline/service-kit';
import { errorCode, type Logger } from '@faultline/tracer';
import type { BrokerConnection } from './broker';
import { callExternalServer, EXTERNAL_PRODUCT_ID } from './external';
import { BrokerUnavailable, type OrderMessage, type OrderPublisher } from './publisher';
import { parseOrder } from './validation';

export interface OrderRoutesDeps {
  broker: BrokerConnection;
  publisher: OrderPublisher;
  log: Logger;
  externalServerUrl: string;
  externalTimeoutMs: number;
}

async function checkExternalServer(deps: OrderRoutesDeps): Promise<void> {
  try {
    await callExternalServer(deps.externalServerUrl, deps.externalTimeoutMs);
  } catch (error) {
    const code = errorCode(error);
    trace.getActiveSpan()?.setAttribute('error.type', code);
    deps.log.error('external server call failed', { code, url: deps.externalServerUrl, error });
    throw new HttpError(502, 'external_call_failed', (error as Error).message, {
      code,
      upstream: 'external-server',
      url: deps.externalServerUrl,
    });
  }
}

export function mountOrderRoutes(app: Express, deps: OrderRoutesDeps): void {
  app.post('/', async (req, res) => {
    const { order, problems } = parseOrder(req.body);
    if (!order) throw validationError(problems);
    if (order.items.some((item) => item.productId === EXTERNAL_PRODUCT_ID)) await checkExternalServer(deps);

    const message: OrderMessage = { orderId: randomUUID(), ...order, createdAt: new Date().toISOString() };
    try {
      await deps.publisher.publish(message);
    } catch (error) {
      if (!(error instanceof BrokerUnavailable)) throw error;
      const retryAfter = deps.broker.retryAfterSeconds();
      deps.log.warn('order refused: broker unavailable', { reason: error.message, retry_after_s: retryAfter });
      res.set('Retry-After', String(retryAfter));
      throw new HttpError(503, 'broker_unavailable', `order not taken: ${error.message}; retry later`, {
        code: error.code,
        retryAfterSeconds: retryAfter,
      });
    }
    deps.log.info('order accepted', { orderId: message.orderId, customerId: message.customerId, items: message.items.length });
    res.status(201).json({ orderId: message.orderId });
  });
}

/** What a shopper does in the store: list products, place an order (through store-front, as the browser does). */
import { pollUntil } from '@faultline/test-support';
import { httpRequest, type HttpResult } from '../evidence/http';
import type { Target } from '../targets/target';

export const INSPEKTOR_GADGET = 11;

export function order(productId: number, customerId = 'faultline-shopper'): Record<string, unknown> {
  return { customerId, items: [{ productId, quantity: 1, price: 9.99 }] };
}

export function listProducts(target: Target): Promise<HttpResult> {
  return httpRequest(`${target.serviceUrl('store-front')}/api/products`, { timeoutMs: 10_000 });
}

export function placeOrder(target: Target, productId: number): Promise<HttpResult> {
  return httpRequest(`${target.serviceUrl('store-front')}/api/orders`, { method: 'POST', body: order(productId), timeoutMs: 15_000 });
}

/** Places orders until one is taken (201), polling with a deadline. */
export function placeOrderUntilTaken(target: Target, productId: number, wait: { timeoutMs: number; intervalMs: number; what: string }): Promise<HttpResult> {
  return pollUntil(
    async () => {
      const result = await placeOrder(target, productId);
      return result.status === 201 ? result : undefined;
    },
    wait,
  );
}

/** A short JSON rendering of a response for evidence. */
export function shown(result: HttpResult): string {
  const body = result.body.length > 300 ? `${result.body.slice(0, 300)}...` : result.body;
  return result.status !== undefined ? `HTTP ${result.status} ${body}` : `no response: ${result.errorCode}`;
}

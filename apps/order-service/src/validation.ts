/** Field-level validation of an order body: {customerId, items: [{productId, quantity, price}]}. */
import type { FieldProblem } from '@faultline/service-kit';

export interface OrderItem {
  productId: number;
  quantity: number;
  price: number;
}

export interface OrderRequest {
  customerId: string;
  items: OrderItem[];
}

export const LIMITS = { customerIdLength: 100, items: 100, quantity: 10_000, price: 1_000_000 } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function customerIdOf(value: unknown, problems: FieldProblem[]): string {
  // aks-store-demo's store-front sends a string; a non-negative integer is accepted as its decimal form.
  if (Number.isSafeInteger(value) && (value as number) >= 0) return String(value);
  if (typeof value !== 'string') problems.push({ field: 'customerId', message: 'must be a string' });
  else if (!value.trim()) problems.push({ field: 'customerId', message: 'must not be empty' });
  else if (value.length > LIMITS.customerIdLength) {
    problems.push({ field: 'customerId', message: `must be at most ${LIMITS.customerIdLength} characters` });
  } else return value.trim();
  return '';
}

function itemOf(value: unknown, field: string, problems: FieldProblem[]): OrderItem | undefined {
  if (!isRecord(value)) {
    problems.push({ field, message: 'must be an object with productId, quantity and price' });
    return undefined;
  }
  const before = problems.length;
  const { productId, quantity, price } = value;
  if (!Number.isSafeInteger(productId) || (productId as number) < 1) {
    problems.push({ field: `${field}.productId`, message: 'must be a positive integer' });
  }
  if (!Number.isSafeInteger(quantity) || (quantity as number) < 1 || (quantity as number) > LIMITS.quantity) {
    problems.push({ field: `${field}.quantity`, message: `must be an integer from 1 to ${LIMITS.quantity}` });
  }
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > LIMITS.price) {
    problems.push({ field: `${field}.price`, message: `must be a number from 0 to ${LIMITS.price}` });
  }
  if (problems.length > before) return undefined;
  return { productId: productId as number, quantity: quantity as number, price: price as number };
}

export function parseOrder(body: unknown): { order?: OrderRequest; problems: FieldProblem[] } {
  if (!isRecord(body)) return { problems: [{ field: 'body', message: 'must be a JSON object {customerId, items}' }] };
  const problems: FieldProblem[] = [];
  const customerId = customerIdOf(body.customerId, problems);
  const items: OrderItem[] = [];
  if (!Array.isArray(body.items)) problems.push({ field: 'items', message: 'must be an array of {productId, quantity, price}' });
  else if (body.items.length === 0) problems.push({ field: 'items', message: 'must hold at least one item' });
  else if (body.items.length > LIMITS.items) problems.push({ field: 'items', message: `must hold at most ${LIMITS.items} items` });
  else {
    body.items.forEach((value, index) => {
      const item = itemOf(value, `items[${index}]`, problems);
      if (item) items.push(item);
    });
  }
  if (problems.length) return { problems };
  return { order: { customerId, items }, problems };
}

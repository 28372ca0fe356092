/**
 * Orders placed through store-front while a fault happens, as a shopper keeps clicking "place order": a bounded
 * loop (a count and a deadline) at a steady pace, each answer recorded with its time, status and order id. Then
 * the accounting a broker fault is judged by: every order answered 201 must be in the queue exactly once.
 */
import type { HttpResult } from '../evidence/http';
import type { Target } from '../targets/target';
import { placeOrder } from './store-requests';

export interface OrderAttempt {
  /** When it was sent and answered (ms epoch). */
  sentAt: number;
  answeredAt: number;
  status?: number;
  errorCode?: string;
  /** The id order-service gave it (201 only). */
  orderId?: string;
  retryAfter?: string;
  /** order-service's or store-front's JSON error code (broker_unavailable, upstream_unreachable, ...). */
  error?: string;
}

export interface OrderTrafficOptions {
  /** Orders a second (one at a time when an answer takes longer). */
  perSecond: number;
  maxOrders: number;
  maxMs: number;
  productId: number;
}

function attemptOf(sentAt: number, result: HttpResult): OrderAttempt {
  const json = (result.json ?? {}) as { orderId?: unknown; error?: unknown };
  const retryAfter = result.headers['retry-after'];
  return {
    sentAt,
    answeredAt: Date.now(),
    ...(result.status !== undefined ? { status: result.status } : { errorCode: result.errorCode }),
    ...(result.status === 201 && typeof json.orderId === 'string' ? { orderId: json.orderId } : {}),
    ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
    ...(typeof json.error === 'string' ? { error: json.error } : {}),
  };
}

/** Places orders until stop(), maxOrders or maxMs, whichever comes first. */
export class OrderTraffic {
  readonly attempts: OrderAttempt[] = [];
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly target: Target,
    private readonly options: OrderTrafficOptions,
  ) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    const started = Date.now();
    const gap = 1000 / this.options.perSecond;
    for (let i = 0; i < this.options.maxOrders && !this.stopping && Date.now() - started < this.options.maxMs; i += 1) {
      const sentAt = Date.now();
      this.attempts.push(attemptOf(sentAt, await placeOrder(this.target, this.options.productId)));
      const wait = sentAt + gap - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Whether the loop ended by itself (its count or deadline). */
  get finished(): Promise<void> {
    return this.done;
  }

  async stop(): Promise<OrderAttempt[]> {
    this.stopping = true;
    await this.done;
    return this.attempts;
  }
}

/** "HTTP 201 ×40, HTTP 503 broker_unavailable ×3, HTTP 502 upstream_unreachable ×12". */
export function tally(attempts: readonly OrderAttempt[]): string {
  const counts = new Map<string, number>();
  for (const a of attempts) {
    const key = a.status !== undefined ? `HTTP ${a.status}${a.error ? ` ${a.error}` : ''}` : `no response (${a.errorCode})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key} ×${n}`).join(', ') || 'no orders';
}

export interface FaultWindow {
  /** Orders sent from the fault on until the last failed one, and how many of them failed. */
  during: { orders: number; failed: number };
  /** From the fault to the first 201 after the last failure (ms); undefined while orders still fail. */
  backToNoErrorsMs?: number;
  firstFailureAt?: number;
  lastFailureAt?: number;
}

/** The error rate from `from` (the fault) and the time until orders stopped failing. */
export function faultWindow(attempts: readonly OrderAttempt[], from: number): FaultWindow {
  const after = attempts.filter((a) => a.sentAt >= from);
  const failures = after.filter((a) => a.status !== 201);
  if (!failures.length) return { during: { orders: 0, failed: 0 }, backToNoErrorsMs: 0 };
  const last = failures[failures.length - 1];
  const during = after.filter((a) => a.sentAt <= last.sentAt);
  const recovered = after.find((a) => a.sentAt > last.sentAt && a.status === 201);
  return {
    during: { orders: during.length, failed: failures.length },
    ...(recovered ? { backToNoErrorsMs: recovered.answeredAt - from } : {}),
    firstFailureAt: failures[0].sentAt,
    lastFailureAt: last.sentAt,
  };
}

export interface QueueAccount {
  acknowledged: number;
  /** Acknowledged (201) orders whose id no message carries. */
  missing: string[];
  /** Acknowledged orders in more than one message. */
  duplicated: string[];
  /** Messages of orders that were not answered 201 (taken by the broker though the answer was an error). */
  unacknowledgedQueued: number;
}

/** Every 201 against the queue's messages (JSON bodies with an orderId). */
export function accountQueue(attempts: readonly OrderAttempt[], bodies: readonly string[]): QueueAccount {
  const inQueue = new Map<string, number>();
  for (const body of bodies) {
    const id = (JSON.parse(body) as { orderId?: string }).orderId;
    if (id) inQueue.set(id, (inQueue.get(id) ?? 0) + 1);
  }
  const acknowledged = attempts.flatMap((a) => (a.orderId ? [a.orderId] : []));
  const acked = new Set(acknowledged);
  return {
    acknowledged: acknowledged.length,
    missing: acknowledged.filter((id) => !inQueue.has(id)),
    duplicated: acknowledged.filter((id) => (inQueue.get(id) ?? 0) > 1),
    unacknowledgedQueued: [...inQueue.keys()].filter((id) => !acked.has(id)).length,
  };
}

/** Orders after `from`, ending with `count` answered 201 in a row. */
export function cleanRunAfter(attempts: readonly OrderAttempt[], from: number, count: number): boolean {
  const after = attempts.filter((a) => a.sentAt >= from);
  return after.length >= count && after.slice(-count).every((a) => a.status === 201);
}

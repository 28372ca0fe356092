/**
 * The steps the cluster-fault scenarios share around their fault (broker-pod-loss, node-loss): orders placed 5 a
 * second through store-front from setup on (order-traffic.ts), and at the end the table and the check that every
 * order answered 201 is in the queue exactly once.
 */
import { deleteQueue, pollUntil } from '@faultline/test-support';
import { peekQueue } from '../evidence/queue';
import type { ScenarioOptions, StepContext } from './model';
import { expect } from './model';
import { accountQueue, cleanRunAfter, faultWindow, type OrderAttempt, OrderTraffic, type OrderTrafficOptions, tally } from './order-traffic';

/** Orders in a row answered 201 that count as back to no errors (and as a steady start). */
export const CLEAN_RUN = 10;
export const ORDER_LOOP_SOURCE = "the harness's order loop through store-front";

/** Each run's loop, by run id: stopped by the scenario's cleanup too, when a step failed before the last one did. */
const loops = new Map<string, OrderTraffic>();

/** Starts placing orders and waits until CLEAN_RUN were placed, every one taken. */
export async function startOrders({ target, options, evidence }: StepContext, traffic: OrderTrafficOptions): Promise<void> {
  const orders = new OrderTraffic(target, traffic);
  loops.set(options.runId, orders);
  await pollUntil(() => orders.attempts.length >= CLEAN_RUN, { timeoutMs: 30_000, intervalMs: 200, what: `${CLEAN_RUN} orders placed before the fault` });
  evidence(ORDER_LOOP_SOURCE, tally(orders.attempts));
  expect(orders.attempts.every((a) => a.status === 201), `every order before the fault should be taken: ${tally(orders.attempts)}`);
}

export function ordersOf(runId: string): OrderTraffic {
  const loop = loops.get(runId);
  if (!loop) throw new Error('the order loop was not started (setup did not run)');
  return loop;
}

/** Waits for the first order sent since `faultAt` that was not taken, and records it ("first failure 3 s after the delete"). */
export async function firstFailureAfter({ options, evidence }: StepContext, faultAt: number, fault: string): Promise<OrderAttempt> {
  const orders = ordersOf(options.runId);
  const failed = await pollUntil(() => orders.attempts.find((a) => a.sentAt >= faultAt && a.status !== 201), {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: `an order to fail after the ${fault}`,
  });
  const answer = failed.status ? `HTTP ${failed.status} ${failed.error ?? ''}`.trim() : failed.errorCode;
  evidence(ORDER_LOOP_SOURCE, `first failure ${Math.round((failed.answeredAt - faultAt) / 1000)} s after the ${fault}: ${answer}`);
  return failed;
}

/**
 * After the fix: waits for CLEAN_RUN orders in a row taken after `recoveredAt`, stops the loop, prints the table
 * (orders by status, the share failed from `faultAt` to the last failure, the time back to no errors) and checks
 * the queue: every 201's order id in exactly one message.
 */
export async function settleAndAccount({ target, options, evidence }: StepContext, faultAt: number, recoveredAt: number, timeoutMs: number): Promise<void> {
  const orders = ordersOf(options.runId);
  await pollUntil(() => cleanRunAfter(orders.attempts, recoveredAt, CLEAN_RUN), {
    timeoutMs,
    intervalMs: 500,
    what: `${CLEAN_RUN} orders in a row taken after the fix`,
  }).finally(() => orders.stop());
  const attempts = await orders.stop();
  const window = faultWindow(attempts, faultAt);
  const back = window.backToNoErrorsMs !== undefined ? `${(window.backToNoErrorsMs / 1000).toFixed(1)} s` : 'not yet';
  const share = Math.round((100 * window.during.failed) / Math.max(1, window.during.orders));
  evidence(ORDER_LOOP_SOURCE, `${attempts.length} orders: ${tally(attempts)}; from the fault to the last failure ${window.during.failed} of ${window.during.orders} failed (${share} %); back to no errors ${back} after the fault`);
  const queue = `orders-${options.runId}`;
  const brokerUrl = target.brokerControl?.brokerUrl?.() ?? options.rabbitmqUrl;
  const bodies = await pollUntil(() => peekQueue(brokerUrl, queue, attempts.length + 100).catch(() => undefined), {
    timeoutMs: 30_000,
    intervalMs: 1_000,
    what: "the lab's broker to answer the harness again (on a cluster, a kubectl port-forward to it ends with its pod: start it again)",
  });
  const account = accountQueue(attempts, bodies);
  evidence(
    `rabbitmq queue ${queue}`,
    `${bodies.length} messages; ${account.acknowledged} orders got a 201: ${account.missing.length} missing, ${account.duplicated.length} twice; ${account.unacknowledgedQueued} ${account.unacknowledgedQueued === 1 ? 'message' : 'messages'} of orders answered with an error (taken by the broker, the answer lost on the way)`,
  );
  expect(!account.missing.length, `every order that got a 201 should be in the queue; missing ${account.missing.length}: ${account.missing.slice(0, 5).join(', ')}`);
  expect(!account.duplicated.length, `no order should be in the queue twice; twice: ${account.duplicated.slice(0, 5).join(', ')}`);
}

/** The scenario's cleanup: the loop stopped if a step failed first, the run's queue deleted. */
export async function stopOrdersAndDeleteQueue(options: ScenarioOptions): Promise<void> {
  await loops.get(options.runId)?.stop();
  loops.delete(options.runId);
  await deleteQueue(`orders-${options.runId}`, options.rabbitmqUrl);
}

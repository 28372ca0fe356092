/**
 * The broker's pod lost under load: while orders are placed through store-front, `kubectl delete pod rabbitmq-0`.
 * RabbitMQ shuts down and closes order-service's connection; order-service refuses orders with 503 and Retry-After
 * (it has no live confirm channel), its readiness fails and store-front gets no endpoint (502) until the
 * StatefulSet's new pod is up on the same PersistentVolumeClaim and order-service has reconnected. Every order
 * answered 201 was confirmed by the broker after it wrote the persistent message to the durable queue, so every one
 * must be in the queue, once: checked by order id against the queue's messages.
 */
import { pollUntil } from '@faultline/test-support';
import { storeLab } from '../lab/labs';
import { brokerControlOf, type BrokerPodState } from '../targets/cluster-faults';
import type { Target } from '../targets/target';
import { expect, type Scenario } from './model';
import { firstFailureAfter, ORDER_LOOP_SOURCE, ordersOf, settleAndAccount, startOrders, stopOrdersAndDeleteQueue } from './order-loss';
import { tally } from './order-traffic';

/** The loop's bounds: 5 orders a second, at most 4 minutes. */
const TRAFFIC = { perSecond: 5, maxOrders: 1_200, maxMs: 240_000, productId: 1 };
/** RabbitMQ's shutdown, the new pod's boot and readiness on a kind node. */
const REPLACED_TIMEOUT_MS = 180_000;
const RECOVERY_TIMEOUT_MS = 60_000;
/** order-service's readiness probe (every 2 s, 2 failures) takes it out of the Service within seconds of the broker's loss. */
const UNREADY_WAIT_MS = 20_000;

const broker = (target: Target) => brokerControlOf(target);

const describePod = (p: BrokerPodState) => `${p.pod} uid ${p.uid} on ${p.node} (${p.ip}), ${p.ready ? 'Ready' : 'not Ready'}, claim ${p.claim ?? 'none'} → ${p.volume ?? 'no volume'}`;

export const brokerPodLoss: Scenario = {
  id: 'broker-pod-loss',
  seed: '000',
  title: "The broker's pod deleted under load: orders refused meanwhile, none that got a 201 lost",
  breaks: 'kubectl delete pod rabbitmq-0 while orders are placed (5 a second)',
  symptom: 'orders fail (503 with Retry-After from order-service, then 502 while it is unready); the StatefulSet makes a new pod on the same volume claim',
  fix: 'the new broker pod Ready: order-service reconnects, orders get 201 again; every order that got a 201 is in the queue, once',
  targets: ['kind', 'local'],
  typicalSeconds: 40,
  // Locally the lab gets a broker of its own, stopped and started again on its folder (the StatefulSet stand-in).
  lab: (options) => ({ ...storeLab({ rabbitmqUrl: options.rabbitmqUrl, queueName: `orders-${options.runId}` }), ownBroker: true }),
  cleanup: stopOrdersAndDeleteQueue,
  steps: [
    {
      phase: 'setup',
      title: 'orders are taken while placed 5 a second; the broker pod and its volume claim',
      async run(ctx) {
        const pod = await broker(ctx.target).brokerPod();
        ctx.evidence(broker(ctx.target).sources.brokerPod(), describePod(pod));
        expect(pod.ready && pod.claim && pod.volume, `the broker pod should be Ready with its data on a bound volume claim: ${describePod(pod)}`);
        await startOrders(ctx, TRAFFIC);
      },
    },
    {
      phase: 'break',
      title: 'delete the broker pod rabbitmq-0 (orders still being placed)',
      async run({ target, state, evidence }) {
        state.deletedAt = Date.now();
        const before = await broker(target).deleteBrokerPod();
        state.before = before;
        evidence(broker(target).sources.brokerPod(), `deleted ${describePod(before)}`);
      },
    },
    {
      phase: 'symptom',
      title: 'orders fail: 503 with Retry-After from order-service, 502 while it has no ready endpoint',
      async run(ctx) {
        const { target, options, state, evidence } = ctx;
        const deletedAt = state.deletedAt as number;
        const orders = ordersOf(options.runId);
        await firstFailureAfter(ctx, deletedAt, 'delete');
        const unready = await pollUntil(
          async () => {
            const service = (await target.services()).find((s) => s.name === 'order-service');
            return service && service.readyEndpoints.length === 0 ? service : undefined;
          },
          { timeoutMs: UNREADY_WAIT_MS, intervalMs: 500, what: 'order-service to have no ready endpoint while the broker is gone' },
        ).catch(() => undefined);
        evidence(
          target.sources.services(),
          unready ? 'order-service: 0 ready endpoints (its /readyz fails without the broker)' : `order-service kept its endpoint for ${UNREADY_WAIT_MS / 1000} s after the first failure (a Service that runs no readiness probe after start keeps it)`,
        );
        const refused = orders.attempts.find((a) => a.sentAt >= deletedAt && a.status === 503 && a.retryAfter);
        evidence(ORDER_LOOP_SOURCE, refused ? `HTTP 503 ${refused.error} Retry-After: ${refused.retryAfter}` : 'no 503 with Retry-After (order-service went unready first)');
        expect(refused || unready, `order-service should refuse orders (503 Retry-After) or go unready while the broker is gone: ${tally(orders.attempts.filter((a) => a.sentAt >= deletedAt))}`);
      },
    },
    {
      phase: 'fix',
      title: "the StatefulSet's new rabbitmq-0 Ready on the same volume claim",
      async run({ target, state, evidence }) {
        const before = state.before as BrokerPodState;
        const after = await broker(target).brokerPodReplaced(before.uid, REPLACED_TIMEOUT_MS);
        state.replacedAt = Date.now();
        evidence(broker(target).sources.brokerPod(), `${describePod(after)} (${Math.round(((state.replacedAt as number) - (state.deletedAt as number)) / 1000)} s after the delete)`);
        expect(after.claim === before.claim && after.volume === before.volume, `the new pod should use the same claim and volume: before ${before.claim} → ${before.volume}, after ${after.claim} → ${after.volume}`);
      },
    },
    {
      phase: 'after',
      title: 'orders get 201 again; every order that got a 201 is in the queue, once',
      run: (ctx) => settleAndAccount(ctx, ctx.state.deletedAt as number, ctx.state.replacedAt as number, RECOVERY_TIMEOUT_MS),
    },
  ],
};

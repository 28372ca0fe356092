/**
 * A node lost under load: while orders are placed through store-front, the worker that runs order-service is
 * stopped (`docker stop` of the kind node's container, a power loss). The kubelet stops posting status: the node
 * turns NotReady after the controller manager's grace period, Kubernetes taints it unreachable, and the lab's pods
 * leave it once their toleration of that taint runs out (the chart's 20 s instead of Kubernetes' 300 s, so that
 * this fits minutes): order-service is started on another node and orders are taken again while the node is still
 * down. The single broker cannot do that: its StatefulSet never starts a second rabbitmq-0 while the first may still
 * run, and its volume (local-path) is on that node's disk; when the broker shares the lost node, orders fail until
 * the node is back, and the scenario says so. Three brokers (rabbitmq.replicas: 3, kind/ha-broker.yaml) with a quorum
 * queue lose one of three with the node and keep serving: orders are taken again while it is down. After: the node started again and Ready, every lab pod Ready, every
 * order that got a 201 in the queue once.
 */
import { pollUntil } from '@faultline/test-support';
import { storeLab } from '../lab/labs';
import { clusterFaultsOf, type LabPod } from '../targets/cluster-faults';
import type { Target } from '../targets/target';
import { expect, type Scenario } from './model';
import { firstFailureAfter, ORDER_LOOP_SOURCE, ordersOf, settleAndAccount, startOrders, stopOrdersAndDeleteQueue } from './order-loss';
import { tally } from './order-traffic';

/** 5 orders a second, at most 7 minutes: NotReady, eviction, the node's restart and the lab's pods Ready again. */
const TRAFFIC = { perSecond: 5, maxOrders: 2_100, maxMs: 420_000, productId: 1 };
/** node-monitor-grace-period (40 s by default) with room. */
const NOT_READY_TIMEOUT_MS = 120_000;
/** NotReady, the unreachable taint, the chart's 20 s toleration, a new pod started and ready. */
const RESCHEDULED_TIMEOUT_MS = 180_000;
const NODE_BACK_TIMEOUT_MS = 240_000;

const faults = (target: Target) => clusterFaultsOf(target, 'stopping a node');
const where = (pods: readonly LabPod[], app: string) => pods.filter((p) => p.app === app && !p.terminating);
const listPods = (pods: readonly LabPod[]) => pods.map((p) => `${p.name}${p.ready ? '' : ' (not ready)'}${p.terminating ? ' (terminating)' : ''}`).join(', ') || 'none';

export const nodeLoss: Scenario = {
  id: 'node-loss',
  seed: '000',
  title: "The node running order-service lost under load: its pods move after their toleration; none of the orders that got a 201 lost",
  breaks: "docker stop of the kind node that runs order-service, while orders are placed (5 a second)",
  symptom: 'orders fail; the node NotReady and tainted unreachable; after 20 s its pods are started elsewhere and orders are taken again (unless the single broker was on it: then they fail until the node is back)',
  fix: 'the node started again: Ready, every lab pod Ready; orders 201; every order that got a 201 is in the queue, once',
  targets: ['kind'],
  lab: (options) => storeLab({ rabbitmqUrl: options.rabbitmqUrl, queueName: `orders-${options.runId}` }),
  cleanup: stopOrdersAndDeleteQueue,
  steps: [
    {
      phase: 'setup',
      title: 'orders are taken while placed 5 a second; which node runs order-service and the broker',
      async run(ctx) {
        const { target, state, evidence } = ctx;
        const nodes = await faults(target).nodes();
        evidence(faults(target).sources.nodes(), nodes.map((n) => `${n.name} Ready=${n.ready}`).join(', '));
        expect(nodes.length >= 2, `the lab needs a second node to move to (nodes its pods can run on: ${nodes.map((n) => n.name).join(', ')}): kind/cluster.yaml has two workers`);
        expect(nodes.every((n) => n.ready === 'True'), 'every node should be Ready before the fault');
        const pods = await faults(target).labPods();
        const [orderService] = where(pods, 'order-service');
        const brokers = where(pods, 'rabbitmq');
        expect(orderService && brokers.length, `order-service and rabbitmq should be running: ${listPods(pods)}`);
        state.victim = orderService.node;
        state.brokers = brokers.length;
        state.brokerOnVictim = brokers.some((b) => b.node === orderService.node);
        const onVictim = pods.filter((p) => p.node === orderService.node);
        evidence(
          faults(target).sources.nodes(),
          `order-service on ${orderService.node}, ${brokers.map((b) => `${b.name} on ${b.node}`).join(', ')}; ${orderService.node} runs ${listPods(onVictim)}`,
        );
        await startOrders(ctx, TRAFFIC);
      },
    },
    {
      phase: 'break',
      title: "docker stop of order-service's node (orders still being placed)",
      async run({ target, state, evidence }) {
        const victim = state.victim as string;
        state.stoppedAt = Date.now();
        await faults(target).stopNode(victim);
        evidence(faults(target).sources.nodeMachine(victim), `stopped ${victim}`);
      },
    },
    {
      phase: 'symptom',
      title: 'orders fail; the node NotReady; its pods leave it after their toleration (a single broker cannot)',
      async run(ctx) {
        const { target, options, state, evidence } = ctx;
        const victim = state.victim as string;
        const stoppedAt = state.stoppedAt as number;
        const orders = ordersOf(options.runId);
        await firstFailureAfter(ctx, stoppedAt, 'stop');
        const notReady = await pollUntil(
          async () => {
            const node = (await faults(target).nodes()).find((n) => n.name === victim);
            return node && node.ready !== 'True' ? node : undefined;
          },
          { timeoutMs: NOT_READY_TIMEOUT_MS, intervalMs: 2_000, what: `node ${victim} NotReady` },
        );
        evidence(faults(target).sources.nodes(), `${victim} Ready=${notReady.ready} (${notReady.reason ?? 'no reason'}) ${Math.round((Date.now() - stoppedAt) / 1000)} s after the stop; taints ${notReady.taints.join(', ') || 'none yet'}`);
        if (state.brokerOnVictim && state.brokers === 1) {
          const pods = await faults(target).labPods();
          evidence(
            faults(target).sources.nodes(),
            `the single broker was on ${victim}: ${listPods(pods.filter((p) => p.app === 'rabbitmq'))}; its StatefulSet starts no second rabbitmq-0 while the node may still run it, and its volume is on that node: orders fail until the node is back`,
          );
          return;
        }
        if (state.brokerOnVictim) {
          evidence(faults(target).sources.nodes(), `one broker of ${state.brokers as number} was on ${victim}: the others keep a majority of the quorum queue's replicas, order-service reconnects to them`);
        }
        const moved = await pollUntil(
          async () => {
            const pods = await faults(target).labPods();
            const ready = where(pods, 'order-service').filter((p) => p.ready && p.node !== victim);
            return ready.length ? { pods, ready } : undefined;
          },
          { timeoutMs: RESCHEDULED_TIMEOUT_MS, intervalMs: 2_000, what: `order-service Ready on a node other than ${victim}` },
        );
        state.movedAt = Date.now();
        const left = moved.pods.filter((p) => p.node === victim);
        evidence(faults(target).sources.nodes(), `order-service ${moved.ready[0].name} Ready on ${moved.ready[0].node} ${Math.round(((state.movedAt as number) - stoppedAt) / 1000)} s after the stop; on ${victim}: ${listPods(left)}`);
        const taken = await pollUntil(() => orders.attempts.find((a) => a.sentAt >= (state.movedAt as number) && a.status === 201), {
          timeoutMs: 60_000,
          intervalMs: 500,
          what: `an order taken while ${victim} is still down`,
        });
        evidence(ORDER_LOOP_SOURCE, `orders taken again ${Math.round((taken.answeredAt - stoppedAt) / 1000)} s after the stop, ${victim} still down; so far ${tally(orders.attempts.filter((a) => a.sentAt >= stoppedAt))}`);
      },
    },
    {
      phase: 'fix',
      title: 'docker start of the node: Ready again, every lab pod Ready',
      async run({ target, state, evidence }) {
        const victim = state.victim as string;
        const node = await faults(target).startNode(victim, NODE_BACK_TIMEOUT_MS);
        evidence(faults(target).sources.nodeMachine(victim), `started ${victim}: Ready=${node.ready} ${Math.round((Date.now() - (state.stoppedAt as number)) / 1000)} s after the stop`);
        const pods = await pollUntil(
          async () => {
            const all = await faults(target).labPods();
            return all.every((p) => p.ready && !p.terminating) ? all : undefined;
          },
          { timeoutMs: NODE_BACK_TIMEOUT_MS, intervalMs: 2_000, what: 'every lab pod Ready, none terminating' },
        );
        state.recoveredAt = Date.now();
        evidence(faults(target).sources.nodes(), `${pods.length} lab pods Ready: ${pods.map((p) => `${p.name}@${p.node}`).join(', ')}`);
      },
    },
    {
      phase: 'after',
      title: 'orders get 201; every order that got a 201 is in the queue, once',
      run: (ctx) => settleAndAccount(ctx, ctx.state.stoppedAt as number, ctx.state.recoveredAt as number, 60_000),
    },
  ],
};

/**
 * A NetworkPolicy change that cuts order-service → rabbitmq: the chart's policies without the rule that lets
 * order-service reach the broker (networkPolicy.omitFlows, as a change that drops one allow rule would). The CNI
 * drops order-service's packets to the broker, established connection included ("Policy denied" in Cilium's drop
 * monitor); order-service's publish gets no confirm, its heartbeats go unanswered, the connection is declared dead
 * and every reconnect times out; orders fail while products still load. Fix: the rule back, order-service
 * reconnects, orders get 201. (A cut shorter than two heartbeats does less: the connection resumes when the rule is
 * back, its retransmitted frames delivered; the symptom step waits for the connection to be declared dead.)
 *
 * Only a cluster whose CNI enforces NetworkPolicies shows it (Cilium on the offline kit's clusters): the local
 * target has no policy engine to play it faithfully.
 */
import { deleteQueue, pollUntil } from '@faultline/test-support';
import { storeLab } from '../lab/labs';
import { clusterFaultsOf } from '../targets/cluster-faults';
import type { Target } from '../targets/target';
import { serviceFqdn } from '../lab/spec';
import { expect, type Scenario } from './model';
import { getService } from './services';
import { listProducts, placeOrder, placeOrderUntilTaken, shown } from './store-requests';

export const CUT_FLOW = 'order-service-to-rabbitmq';
const AMQP_PORT = 5672;
const PLAIN_PRODUCT = 1;
/** store-front's 5 s upstream timeout, order-service's 10 s confirm timeout, with room: when the first order must have failed. */
const SYMPTOM_TIMEOUT_MS = 60_000;
/** order-service's reconnect backoff is at most 5 s, its readiness probe every 2 s. */
const RECOVERY_TIMEOUT_MS = 60_000;

const faults = (target: Target) => clusterFaultsOf(target, 'changing NetworkPolicies');

/** order-service's confirm timeout ("no confirm from the broker within 10000 ms"), amqplib's "Heartbeat timeout", a connect ETIMEDOUT. */
const TIMEOUT = /no confirm from the broker within|timeout|timed out|ETIMEDOUT/i;

export const networkPolicyDeny: Scenario = {
  id: 'network-policy-deny',
  seed: '004',
  title: 'A NetworkPolicy change cuts order-service from the broker: Cilium drops it, orders fail',
  breaks: `the lab's NetworkPolicies without ${CUT_FLOW} (the rule letting order-service reach rabbitmq:${AMQP_PORT})`,
  symptom: "orders fail; order-service's log names the broker timeouts (no confirm, the heartbeat, each reconnect); Cilium's drop monitor shows Policy denied from order-service to rabbitmq:5672; products still load",
  fix: `${CUT_FLOW} back: order-service reconnects, orders get 201`,
  targets: ['kind'],
  requires: ['cilium-policy'],
  lab: (options) => storeLab({ rabbitmqUrl: options.rabbitmqUrl, queueName: `orders-${options.runId}` }),
  cleanup: (options) => deleteQueue(`orders-${options.runId}`, options.rabbitmqUrl),
  steps: [
    {
      phase: 'setup',
      title: `orders are taken; the lab's policies include ${CUT_FLOW}; a pod of another namespace gets no answer from order-service's admin port or the broker; Cilium's drops are watched`,
      async run({ target, evidence }) {
        const placed = await placeOrder(target, PLAIN_PRODUCT);
        evidence('harness HTTP', `POST /api/orders → ${shown(placed)}`);
        expect(placed.status === 201, `an order should be taken before the change: ${shown(placed)}`);
        const flows = await faults(target).flows();
        evidence(faults(target).sources.policies(), flows.join(', '));
        expect(flows.includes(CUT_FLOW), `the lab should have the NetworkPolicy ${CUT_FLOW} (networkPolicy.enabled): have ${flows.join(', ') || 'none'}`);
        await faults(target).watchDrops();
        const orderService = await getService(target, 'order-service');
        const admin = `http://${serviceFqdn('order-service', target.namespace)}:${orderService.port}/admin/faults`;
        const inside = await target.podRequest(admin, { timeoutMs: 5_000 });
        evidence(target.sources.podRequest(admin), `${shown(inside)} (a client the policies name: the port answers, the token is missing)`);
        expect(inside.status === 401, `the lab's probe pod should reach order-service's admin port and be refused without a token: ${shown(inside)}`);
        for (const url of [admin, `http://${serviceFqdn('rabbitmq', target.namespace)}:${AMQP_PORT}/`]) {
          const outside = await faults(target).outsiderRequest(url, { timeoutMs: 3_000 });
          evidence(faults(target).sources.outsider(url), shown(outside));
          expect(outside.errorCode === 'ETIMEDOUT', `a pod of another namespace should get no answer from ${url}: ${shown(outside)}`);
        }
      },
    },
    {
      phase: 'break',
      title: `helm upgrade with the policies without ${CUT_FLOW}`,
      async run({ target, state, evidence }) {
        state.brokenAt = Date.now();
        await faults(target).removeFlow(CUT_FLOW);
        const flows = await faults(target).flows();
        evidence(faults(target).sources.policies(), `${flows.length} policies, ${flows.includes(CUT_FLOW) ? `${CUT_FLOW} still there` : `no ${CUT_FLOW}`}`);
        expect(!flows.includes(CUT_FLOW), `${CUT_FLOW} should be gone after the upgrade`);
      },
    },
    {
      phase: 'symptom',
      title: "orders fail; order-service's log names the broker timeout; Cilium drops order-service → rabbitmq:5672 (Policy denied)",
      async run({ target, state, evidence }) {
        const brokenAt = state.brokenAt as number;
        const failed = await pollUntil(
          async () => {
            const result = await placeOrder(target, PLAIN_PRODUCT);
            return result.status !== 201 ? result : undefined;
          },
          { timeoutMs: SYMPTOM_TIMEOUT_MS, intervalMs: 1_000, what: `an order to fail once ${CUT_FLOW} is gone` },
        );
        evidence('harness HTTP', `POST /api/orders → ${shown(failed)} (${Math.round((Date.now() - brokenAt) / 1000)} s after the change)`);
        expect(failed.status !== undefined && failed.status >= 500, `a failed order should be a 5xx: ${shown(failed)}`);
        const products = await listProducts(target);
        evidence('harness HTTP', `GET /api/products → HTTP ${products.status ?? products.errorCode}`);
        expect(products.status === 200, `products should still load: ${shown(products)}`);

        // The cut connection first: the order's publish gets no confirm; two missed heartbeats later amqplib declares
        // the connection dead; then every reconnect's SYN is dropped too, until its connect timeout.
        const logs = target.sources.logs('order-service');
        const unconfirmed = await target.waitForLog('order-service', (l) => l.json?.msg === 'order refused: broker unavailable' && TIMEOUT.test(l.text), {
          since: brokenAt,
          timeoutMs: 30_000,
          what: 'an order-service log line: an order refused for want of a confirm',
        });
        evidence(logs, unconfirmed.text);
        const lost = await target.waitForLog('order-service', (l) => l.json?.msg === 'broker connection lost', { since: brokenAt, timeoutMs: 60_000, what: "order-service's broker connection lost (heartbeat timeout)" });
        evidence(logs, lost.text);
        const retry = await target.waitForLog('order-service', (l) => l.json?.msg === 'broker connection failed' && TIMEOUT.test(l.text), {
          since: lost.at,
          timeoutMs: 30_000,
          what: "order-service's reconnect to the broker timing out",
        });
        evidence(logs, retry.text);
        const [orderService] = await target.pods('order-service');
        const broker = await faults(target).brokerPod();
        const drops = await pollUntil(
          async () => {
            const seen = faults(target).policyDrops(brokenAt).filter((d) => d.destination === `${broker.ip}:${AMQP_PORT}` && d.source.startsWith(`${orderService.ip}:`));
            return seen.length ? seen : undefined;
          },
          { timeoutMs: 15_000, intervalMs: 500, what: `Cilium's Policy denied drop from order-service (${orderService.ip}) to rabbitmq ${broker.ip}:${AMQP_PORT}` },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; watched ${faults(target).dropsWatched(brokenAt)}`);
        });
        evidence(`${faults(target).sources.drops()} on ${drops[0].watcher}`, `${drops.length} drops order-service → rabbitmq:${AMQP_PORT}, e.g. ${drops[0].line}`);
      },
    },
    {
      phase: 'fix',
      title: `helm upgrade with the lab's policies: ${CUT_FLOW} back`,
      async run({ target, state, evidence }) {
        state.fixedAt = Date.now();
        await faults(target).restoreFlows();
        const flows = await faults(target).flows();
        evidence(faults(target).sources.policies(), `${flows.length} policies, ${CUT_FLOW} ${flows.includes(CUT_FLOW) ? 'back' : 'still missing'}`);
        expect(flows.includes(CUT_FLOW), `${CUT_FLOW} should be back`);
      },
    },
    {
      phase: 'after',
      title: 'order-service reconnects; orders get 201',
      async run({ target, state, evidence }) {
        const placed = await placeOrderUntilTaken(target, PLAIN_PRODUCT, { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 1_000, what: `an order to be taken (201) after ${CUT_FLOW} is back` });
        evidence('harness HTTP', `POST /api/orders → ${shown(placed)} (${Math.round((Date.now() - (state.fixedAt as number)) / 1000)} s after the fix)`);
        const connected = await target.waitForLog('order-service', (l) => l.json?.msg === 'broker connected', { since: state.fixedAt as number, what: "order-service's broker connected line" });
        evidence(target.sources.logs('order-service'), connected.text);
      },
    },
  ],
};

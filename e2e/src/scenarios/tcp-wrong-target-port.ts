/**
 * Seed 000, demo 1: the order-service Service sends traffic to targetPort 3001 while the pod listens on
 * 3000. Placing an order fails; store-front's log and span show ECONNREFUSED towards order-service;
 * products still load; order-service never saw the request. Fix: targetPort 3000 → the order is taken
 * (201) and waits in the queue.
 */
import { deleteQueue, pollUntil } from '@faultline/test-support';
import { peekQueue } from '../evidence/queue';
import { serviceIs, spanErrorSummary, spanText, waitForSpan } from '../evidence/spans';
import { formatTrace } from '../evidence/trace-tree';
import { storeLab } from '../lab/labs';
import { formatTcpEvents, type TcpEvent } from '../targets/local/kube-proxy';
import { expect, type Scenario } from './model';
import { getService } from './services';
import { listProducts, placeOrder, placeOrderUntilTaken, shown } from './store-requests';

const PLAIN_PRODUCT = 1;

export const tcpWrongTargetPort: Scenario = {
  id: 'tcp-wrong-target-port',
  seed: '000',
  title: 'A Service with the wrong targetPort: orders fail with ECONNREFUSED',
  breaks: 'order-service Service targetPort 3001, the pod listens on 3000',
  symptom: "placing an order fails; store-front's log and span show ECONNREFUSED towards order-service; products still load",
  fix: 'targetPort 3000: the order is taken (201) and is in the queue',
  targets: ['local', 'kind'],
  lab: (options) => storeLab({ rabbitmqUrl: options.rabbitmqUrl, queueName: `orders-${options.runId}` }),
  cleanup: (options) => deleteQueue(`orders-${options.runId}`, options.rabbitmqUrl),
  steps: [
    {
      phase: 'setup',
      title: 'the store works: products load, an order is taken',
      async run({ target, evidence }) {
        const products = await listProducts(target);
        expect(products.status === 200, `GET /api/products: ${shown(products)}`);
        const since = Date.now();
        const placed = await placeOrder(target, PLAIN_PRODUCT);
        evidence('store-front', `POST /api/orders → ${shown(placed)}`);
        expect(placed.status === 201, `the first order should be taken: ${shown(placed)}`);
        // order-service logs a request once its answer is flushed, which can come after store-front passed the
        // 201 on: wait for that line, so that it is not counted as a request received after the break.
        await target.waitForLog('order-service', (l) => l.json?.msg === 'request' && l.json?.method === 'POST', {
          since,
          what: "order-service's log line for the first order",
        });
      },
    },
    {
      phase: 'break',
      title: 'edit the order-service Service: targetPort 3000 → 3001',
      async run({ target, state, evidence }) {
        // The edit's time is when it was issued: the Service may start refusing before the call returns.
        state.brokenAt = Date.now();
        await target.setServicePorts('order-service', { targetPort: 3001 });
        const service = await getService(target, 'order-service');
        const pods = await target.pods('order-service');
        evidence(`${target.sources.services()}; ${target.sources.pods('order-service')}`, `Service order-service ${service.clusterIp}:${service.port} → targetPort ${service.targetPort}; pod ${pods[0].name} listens on ${pods[0].ip}:${pods[0].port}`);
      },
    },
    {
      phase: 'symptom',
      title: 'orders fail with ECONNREFUSED towards order-service; products still load',
      async run({ target, state, evidence }) {
        // A cluster applies a Service edit a moment later (kube-proxy rewrites its rules): an order placed
        // before that is still taken. The symptom is the first order placed after it.
        let since = state.brokenAt as number;
        const placed = await pollUntil(
          async () => {
            since = Date.now();
            const result = await placeOrder(target, PLAIN_PRODUCT);
            return result.status !== 201 ? result : undefined;
          },
          { timeoutMs: 15_000, intervalMs: 500, what: 'an order to fail once the Service sends to targetPort 3001' },
        );
        evidence('harness HTTP', `POST /api/orders → ${shown(placed)} (${Math.round(since - (state.brokenAt as number))} ms after the edit)`);
        expect(placed.status !== undefined && placed.status >= 500, `placing an order should fail while the targetPort is wrong: ${shown(placed)}`);
        const products = await listProducts(target);
        evidence('harness HTTP', `GET /api/products → HTTP ${products.status ?? products.errorCode}`);
        expect(products.status === 200, `products should still load: ${shown(products)}`);
        const tcpLog = target as Partial<{ serviceTcpEvents(name: string): readonly TcpEvent[] }>;
        if (tcpLog.serviceTcpEvents) {
          const events = ['product-service', 'order-service']
            .flatMap((name) => tcpLog.serviceTcpEvents?.(name) ?? [])
            .filter((e) => e.at >= (state.brokenAt as number))
            .sort((a, b) => a.at - b.at);
          evidence('kube-proxy stand-in connection log (trace_tcp columns, not ig)', formatTcpEvents(events));
        }

        const line = await target.waitForLog('store-front', (l) => l.text.includes('ECONNREFUSED'), { since, what: 'a store-front log line with ECONNREFUSED' });
        evidence(target.sources.logs('store-front'), line.text);
        const { span, trace } = await waitForSpan(target, (s) => serviceIs(s, 'store-front') && spanText(s).includes('ECONNREFUSED'), {
          since,
          what: 'a store-front span carrying ECONNREFUSED',
        });
        evidence('trace (span)', spanErrorSummary(span));
        evidence('trace', formatTrace(trace));
        const received = await target.logs('order-service', { since, match: (l) => l.json?.msg === 'request' || l.json?.msg === 'request failed' });
        evidence(target.sources.logs('order-service'), `${received.length} requests received since that order`);
        expect(received.length === 0, `order-service should not have received any request, got ${received.length}: ${received.map((l) => l.text).join(' | ')}`);
      },
    },
    {
      phase: 'fix',
      title: 'edit the order-service Service back: targetPort 3000',
      async run({ target, evidence }) {
        await target.setServicePorts('order-service', { targetPort: 3000 });
        const service = await getService(target, 'order-service');
        evidence(target.sources.services(), `Service order-service ${service.clusterIp}:${service.port} → targetPort ${service.targetPort}`);
      },
    },
    {
      phase: 'after',
      title: 'the order is taken (201) and is in the queue',
      async run({ target, options, evidence }) {
        const placed = await placeOrderUntilTaken(target, PLAIN_PRODUCT, { timeoutMs: 5_000, intervalMs: 200, what: 'an order to be taken (201) after the fix' });
        evidence('harness HTTP', `POST /api/orders → ${shown(placed)}`);
        const orderId = (placed.json as { orderId?: string } | undefined)?.orderId;
        const queue = `orders-${options.runId}`;
        const bodies = await peekQueue(options.rabbitmqUrl, queue);
        const queued = bodies.find((body) => (orderId ? body.includes(orderId) : false));
        evidence(`rabbitmq queue ${queue}`, queued ? `message: ${queued}` : `${bodies.length} messages, none with order ${orderId}`);
        expect(queued, `order ${orderId} should be in queue ${queue}`);
      },
    },
  ],
};

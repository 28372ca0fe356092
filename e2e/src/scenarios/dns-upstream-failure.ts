/**
 * Seed 000, demo 2: the custom (upstream) DNS server stops answering for myexternalserver.com. An order
 * holding product 11 ("Inspektor Gadget") needs order-service to call that host: it fails with EAI_AGAIN;
 * the cluster DNS answers SERVFAIL for the name; the upstream got the queries and sent no reply; other
 * orders still succeed. Fix: restore the upstream → the order is taken and external-server got the call.
 */
import { type DnsTraceSession, formatQueries, queriesFor, recordDnsTrace, startDnsTrace } from '../evidence/dns';
import { deleteQueue, pollUntil } from '@faultline/test-support';
import { serviceIs, spanErrorSummary, spanText, waitForSpan } from '../evidence/spans';
import { EXTERNAL_HOST, storeLab } from '../lab/labs';
import { UPSTREAM_DNS_DEPLOYMENT } from '../lab/spec';
import { ANOTHERAPP_HOST } from '../targets/local/lab-dns';
import { expect, type Scenario } from './model';
import { INSPEKTOR_GADGET, placeOrder, shown } from './store-requests';

const PLAIN_PRODUCT = 1;

export const dnsUpstreamFailure: Scenario = {
  id: 'dns-upstream-failure',
  seed: '000',
  title: 'The upstream DNS stops answering: orders needing the external server fail with EAI_AGAIN',
  breaks: 'the upstream DNS server drops every query for myexternalserver.com',
  symptom: 'an order with product 11 fails naming EAI_AGAIN; cluster DNS answers SERVFAIL; the upstream got the queries and sent no reply; other orders succeed',
  fix: 'restore the upstream DNS: the order is taken (201) and external-server got the call',
  targets: ['local', 'kind'],
  lab: (options) => storeLab({ rabbitmqUrl: options.rabbitmqUrl, queueName: `orders-${options.runId}`, externalTimeoutMs: 15_000 }),
  cleanup: (options) => deleteQueue(`orders-${options.runId}`, options.rabbitmqUrl),
  steps: [
    {
      phase: 'setup',
      title: 'an order with Inspektor Gadget is taken; external-server got the call',
      async run({ target, evidence }) {
        const since = Date.now();
        const placed = await placeOrder(target, INSPEKTOR_GADGET);
        evidence('harness HTTP', `POST /api/orders (product 11) → ${shown(placed)}`);
        expect(placed.status === 201, `the order should be taken while DNS works: ${shown(placed)}`);
        const call = await target.waitForLog('external-server', (l) => l.json?.msg !== undefined && l.text.includes(EXTERNAL_HOST), { since, what: 'external-server logging the call' });
        evidence(target.sources.logs('external-server'), call.text);
      },
    },
    {
      phase: 'break',
      title: 'the upstream DNS drops queries for myexternalserver.com (update-dns-configuration.sh)',
      async run({ target, state, evidence }) {
        state.dnsTrace = await startDnsTrace(target);
        await target.setFaults(UPSTREAM_DNS_DEPLOYMENT, { dns: { [EXTERNAL_HOST]: { action: 'drop' } } });
        state.brokenAt = Date.now();
        evidence('upstream DNS /admin/faults', JSON.stringify((await target.getFaults(UPSTREAM_DNS_DEPLOYMENT))[0]));
      },
    },
    {
      phase: 'symptom',
      title: 'orders with product 11 fail with EAI_AGAIN; cluster DNS SERVFAIL; upstream sends no reply',
      async run({ target, state, evidence }) {
        const since = state.brokenAt as number;
        let upstreamAddress = '';
        try {
          const placed = await placeOrder(target, INSPEKTOR_GADGET);
          evidence('harness HTTP', `POST /api/orders (product 11) → ${shown(placed)}`);
          expect(placed.status !== undefined && placed.status >= 500, `the order should fail while the upstream DNS is broken: ${shown(placed)}`);
          const line = await target.waitForLog('order-service', (l) => l.text.includes('EAI_AGAIN'), { since, what: 'an order-service log line naming EAI_AGAIN' });
          evidence(target.sources.logs('order-service'), line.text);
          const { span } = await waitForSpan(target, (s) => serviceIs(s, 'order-service') && spanText(s).includes('EAI_AGAIN'), { since, what: 'an order-service span naming EAI_AGAIN' });
          evidence('trace (span)', spanErrorSummary(span));

          const cluster = await queriesFor(target, 'cluster', EXTERNAL_HOST, since);
          const failed = cluster.filter((q) => q.name.toLowerCase() === `${EXTERNAL_HOST}.` && q.rcode === 'SERVFAIL');
          evidence(`${target.sources.dnsQueries('cluster')}: order-service ↔ cluster DNS`, formatQueries(cluster));
          expect(failed.length > 0, `the cluster DNS should answer SERVFAIL (ServerFailure) for ${EXTERNAL_HOST}.`);
          upstreamAddress = (failed.find((q) => q.forwarded_to)?.forwarded_to ?? '').replace(/:\d+$/, '');
          if (target.name === 'local') {
            const [orderPod] = await target.pods('order-service');
            expect(failed.every((q) => q.src.startsWith(`${orderPod.ip}:`)), `the cluster DNS should name the order-service pod (${orderPod.ip}) as the client`);
          }
          const upstream = await queriesFor(target, 'upstream', EXTERNAL_HOST, since);
          evidence(`${target.sources.dnsQueries('upstream')}: cluster DNS ↔ upstream DNS`, formatQueries(upstream));
          expect(upstream.length > 0 && upstream.every((q) => q.qr === 'Q' && q.rcode === null), 'the upstream should have received the queries and sent no reply');

          const plain = await placeOrder(target, PLAIN_PRODUCT);
          evidence('harness HTTP', `POST /api/orders (product 1) → ${shown(plain)}`);
          expect(plain.status === 201, `orders without product 11 should still be taken: ${shown(plain)}`);

          if (target.name === 'local') {
            // The seed's health check of the upstream ("dig microsoft.com: this should work"), as anotherapp sees it.
            const healthy = await pollUntil(
              async () => {
                const seen = (await queriesFor(target, 'upstream', ANOTHERAPP_HOST, since)).filter((q) => q.name === ANOTHERAPP_HOST);
                return seen.length > 0 ? seen : undefined;
              },
              { timeoutMs: 10_000, intervalMs: 250, what: `anotherapp's ${ANOTHERAPP_HOST} lookups at the upstream DNS` },
            );
            evidence(`${target.sources.dnsQueries('upstream')}: anotherapp's ${ANOTHERAPP_HOST} lookups during the break`, formatQueries(healthy, 3));
            expect(healthy.length > 0 && healthy.every((q) => q.rcode === 'NOERROR'), `the upstream should still answer ${ANOTHERAPP_HOST} while ${EXTERNAL_HOST} is broken`);
          }
        } finally {
          const toUpstream = upstreamAddress ? [`qtype==A,nameserver.addr==${upstreamAddress},name==${EXTERNAL_HOST}.`] : [];
          await recordDnsTrace(state.dnsTrace as DnsTraceSession | undefined, [`qtype==A,name==${EXTERNAL_HOST}.`, ...toUpstream], evidence);
        }
      },
    },
    {
      phase: 'fix',
      title: 'restore the upstream DNS configuration (fix-dns-configuration.sh)',
      async run({ target, evidence }) {
        await target.clearFaults(UPSTREAM_DNS_DEPLOYMENT);
        evidence('upstream DNS /admin/faults', JSON.stringify((await target.getFaults(UPSTREAM_DNS_DEPLOYMENT))[0]));
      },
    },
    {
      phase: 'after',
      title: 'the order with product 11 is taken; external-server got the call',
      async run({ target, evidence }) {
        const since = Date.now();
        const placed = await pollUntil(
          async () => {
            const result = await placeOrder(target, INSPEKTOR_GADGET);
            return result.status === 201 ? result : undefined;
          },
          { timeoutMs: 10_000, intervalMs: 250, what: 'an order with product 11 to be taken after the fix' },
        );
        evidence('harness HTTP', `POST /api/orders (product 11) → ${shown(placed)}`);
        const call = await target.waitForLog('external-server', (l) => l.text.includes(EXTERNAL_HOST), { since, what: 'external-server logging the call' });
        evidence(target.sources.logs('external-server'), call.text);
      },
    },
  ],
};

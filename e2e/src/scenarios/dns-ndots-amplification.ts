/**
 * Seed 000, extra demo: with ndots:5 and three search domains, a name with fewer than five dots is
 * tried with every search domain before itself: each lookup of `myexternalserver.com` costs at least
 * four A queries at the cluster DNS (three NXDOMAIN expansions first). Fix: name the host as an FQDN,
 * `myexternalserver.com.`, and roll order-service: exactly one A query.
 */
import { deleteQueue } from '@faultline/test-support';
import { type DnsTraceSession, formatQueries, queriesFor, recordDnsTrace, seedDnsFilter, startDnsTrace } from '../evidence/dns';
import { EXTERNAL_HOST, EXTERNAL_PORT, storeLab } from '../lab/labs';
import { searchDomains } from '../lab/spec';
import type { DnsQueryRecord, Target } from '../targets/target';
import { expect, type Scenario, type StepContext } from './model';
import { INSPEKTOR_GADGET, placeOrder, shown } from './store-requests';

/**
 * Two CoreDNS pods' log times are stamped by their container runtime as it reads each pod's output, so
 * between pods they order queries only roughly: on a busy 2-core kind cluster one pod's line for the first
 * expansion was stamped more than 50 ms after the other pod's line for the name itself, asked three round
 * trips later. One server's records are in its own order, and are checked strictly.
 */
const CROSS_SERVER_SLACK_MS = 250;

/** Whether `query` was asked before `absolute`, as far as the DNS servers' records (in time order) can tell. */
function askedBefore(query: DnsQueryRecord, absolute: DnsQueryRecord, records: readonly DnsQueryRecord[]): boolean {
  if (query.server === absolute.server) return records.indexOf(query) < records.indexOf(absolute);
  return Date.parse(query.time) - Date.parse(absolute.time) <= CROSS_SERVER_SLACK_MS;
}

/**
 * Places one order holding product 11 and returns the A queries the cluster DNS got for the external host
 * meanwhile; `ig trace dns` watches the same order where it runs (its events are evidence beside the log).
 */
async function orderAndCountQueries(target: Target, evidence: StepContext['evidence']): Promise<DnsQueryRecord[]> {
  const trace: DnsTraceSession = await startDnsTrace(target);
  const filter = seedDnsFilter(EXTERNAL_HOST);
  try {
    const since = Date.now();
    const placed = await placeOrder(target, INSPEKTOR_GADGET);
    evidence('harness HTTP', `POST /api/orders (product 11) → ${shown(placed)}`);
    expect(placed.status === 201, `the order should be taken: ${shown(placed)}`);
    const queries = await queriesFor(target, 'cluster', EXTERNAL_HOST, since);
    evidence(`${target.sources.dnsQueries('cluster')}, the seed's filter '${filter}'`, `${queries.length} A queries:\n${formatQueries(queries)}`);
    return queries;
  } finally {
    await recordDnsTrace(trace, [filter], evidence);
  }
}

export const dnsNdotsAmplification: Scenario = {
  id: 'dns-ndots-amplification',
  seed: '000',
  title: 'ndots:5 amplification: one external name, four DNS queries',
  breaks: 'order-service names the external host `myexternalserver.com` (not an FQDN), ndots:5, 3 search domains',
  symptom: '≥ 4 A queries per resolution at the cluster DNS, the search expansions first',
  fix: 'EXTERNAL_SERVER_URL with `myexternalserver.com.` and a rollout: exactly 1 A query',
  targets: ['local', 'kind'],
  lab: (options) => storeLab({ rabbitmqUrl: options.rabbitmqUrl, queueName: `orders-${options.runId}` }),
  cleanup: (options) => deleteQueue(`orders-${options.runId}`, options.rabbitmqUrl),
  steps: [
    {
      phase: 'break',
      title: 'order-service calls http://myexternalserver.com:8080 (1 dot < ndots:5)',
      async run({ target, evidence }) {
        const pod = (await target.pods('order-service'))[0];
        evidence('order-service pod', `EXTERNAL_SERVER_URL=http://${EXTERNAL_HOST}:${EXTERNAL_PORT}; resolv.conf: search ${searchDomains(target.namespace).join(' ')} / options ndots:5 (${pod.name})`);
      },
    },
    {
      phase: 'symptom',
      title: 'an order with product 11 costs ≥ 4 A queries, search expansions first',
      async run({ target, evidence }) {
        const queries = await orderAndCountQueries(target, evidence);
        expect(queries.length >= 4, `expected at least 4 A queries for one lookup, saw ${queries.length}`);
        const expansions = searchDomains(target.namespace).map((domain) => `${EXTERNAL_HOST}.${domain}.`);
        const absolute = queries.find((q) => q.name.toLowerCase() === `${EXTERNAL_HOST}.`);
        const names = queries.map((q) => q.name.toLowerCase());
        expect(absolute && expansions.every((name) => names.includes(name)), `every search expansion and the name itself should be asked, got ${names.join(', ')}`);
        const late = queries.filter((q) => expansions.includes(q.name.toLowerCase()) && !askedBefore(q, absolute, queries));
        expect(late.length === 0, `the search expansions should come first, got ${names.join(', ')}`);
        expect(queries.filter((q) => expansions.includes(q.name.toLowerCase())).every((q) => q.rcode === 'NXDOMAIN'), 'the expansions should be NXDOMAIN');
      },
    },
    {
      phase: 'fix',
      title: 'use the FQDN myexternalserver.com. and roll order-service',
      async run({ target, evidence }) {
        const url = `http://${EXTERNAL_HOST}.:${EXTERNAL_PORT}`;
        await target.setEnv('order-service', { EXTERNAL_SERVER_URL: url });
        evidence(target.sources.setEnv('order-service'), `EXTERNAL_SERVER_URL=${url}`);
      },
    },
    {
      phase: 'after',
      title: 'the same order costs exactly 1 A query, for myexternalserver.com.',
      async run({ target, evidence }) {
        const queries = await orderAndCountQueries(target, evidence);
        expect(queries.length === 1 && queries[0].name.toLowerCase() === `${EXTERNAL_HOST}.`, `expected exactly 1 A query for ${EXTERNAL_HOST}., saw ${queries.length}`);
      },
    },
  ],
};

// The local lab's DNS as the seed's servers: the upstream DNS forwards what it does not hold (here to the
// loopback public-DNS stand-in, since the host's resolver is not to be asked from a test), a break of one
// name leaves the others resolving, and seed 000's anotherapp shows in the query logs under its pod address.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pollUntil, requireTool, skipWithout } from '@faultline/test-support';
import { CLUSTER_DNS_DEPLOYMENT, UPSTREAM_DNS_DEPLOYMENT } from '../../lab/spec';
import { ANOTHERAPP_HOST, PUBLIC_DNS_STANDIN_DEPLOYMENT, PUBLIC_DNS_STANDIN_RECORDS } from './lab-dns';
import { LocalTarget } from './local-target';
import { DNS_PORT } from './net';
import { isBuilt } from './paths';

const EXTERNAL = 'myexternalserver.com';

async function answer(server: string, name: string): Promise<string[] | string> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([server]);
  try {
    return await resolver.resolve4(name);
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

describe('local lab DNS', { skip: !isBuilt('external-server') || !isBuilt('dns-server') ? 'build external-server and dns-server first' : false }, () => {
  const target = new LocalTarget();
  let upstream = '';

  before(async () => {
    await target.start({
      deployments: [{ name: 'external-server', app: 'external-server', port: 8080 }],
      services: [{ name: 'external-server', port: 8080, targetPort: 8080, selector: 'external-server' }],
      upstreamDns: { records: { [EXTERNAL]: { deployment: 'external-server' } } },
    });
    upstream = `${target.addressPlan.upstreamDnsIp}:${DNS_PORT}`;
  });
  after(() => target.stop());

  it('upstream answers its own name and forwards public names to the stand-in; a break touches only the chosen name', async () => {
    const [externalPod] = await target.pods('external-server');
    assert.deepEqual(await answer(upstream, EXTERNAL), [externalPod.ip]);
    assert.deepEqual(await answer(upstream, 'microsoft.com'), PUBLIC_DNS_STANDIN_RECORDS['microsoft.com']);
    await target.setFaults(UPSTREAM_DNS_DEPLOYMENT, { dns: { [EXTERNAL]: { action: 'drop' } } });
    try {
      assert.equal(await answer(upstream, EXTERNAL), 'ETIMEOUT');
      assert.deepEqual(await answer(upstream, 'microsoft.com'), PUBLIC_DNS_STANDIN_RECORDS['microsoft.com'], 'dig @upstream microsoft.com still works');
      assert.deepEqual(await answer(upstream, 'example.com'), PUBLIC_DNS_STANDIN_RECORDS['example.com']);
    } finally {
      await target.clearFaults(UPSTREAM_DNS_DEPLOYMENT);
    }
  });

  it('dig through the upstream as the seed runs it: status NOERROR', { skip: skipWithout('dig') }, async () => {
    const dig = await promisify(execFile)(requireTool('dig'), [`@${target.addressPlan.upstreamDnsIp}`, '-p', String(DNS_PORT), 'microsoft.com', '+tries=1', '+time=2']);
    assert.match(dig.stdout, /status: NOERROR/);
    assert.match(dig.stdout, /microsoft\.com\.\s+\d+\s+IN\s+A\s+192\.0\.2\.10/);
  });

  it("shows anotherapp's microsoft.com. lookups every 3 s in the query logs, from its own pod address", async () => {
    const pods = await target.pods(PUBLIC_DNS_STANDIN_DEPLOYMENT);
    assert.equal(pods.length, 1, 'the public-DNS stand-in runs as a pod of its own');
    const seen = await pollUntil(
      async () => {
        const queries = (await target.dnsQueries('cluster')).filter((q) => q.name === ANOTHERAPP_HOST && q.qtype === 'A');
        return queries.length >= 2 ? queries : undefined;
      },
      { timeoutMs: 12_000, intervalMs: 250, what: 'two anotherapp lookups at the cluster DNS' },
    );
    const sources = new Set(seen.map((q) => q.src.replace(/:\d+$/, '')));
    assert.equal(sources.size, 1, `one source address: ${[...sources].join(', ')}`);
    const [source] = sources;
    assert.match(source, /^127\.\d+\.1\.\d+$/, 'a pod address, not 127.0.0.1');
    assert.ok(seen.every((q) => q.rcode === 'NOERROR'));
    const gap = Date.parse(seen[1].time) - Date.parse(seen[0].time);
    assert.ok(gap >= 2_500 && gap <= 4_000, `about 3 s between lookups, got ${gap} ms`);
    const [clusterDnsPod] = await target.pods(CLUSTER_DNS_DEPLOYMENT);
    const forwarded = (await target.dnsQueries('upstream')).filter((q) => q.name === ANOTHERAPP_HOST && q.src.startsWith(`${clusterDnsPod.ip}:`));
    assert.ok(forwarded.length > 0, 'the upstream sees the lookups come from the cluster DNS pod');
    assert.ok(forwarded.every((q) => q.rcode === 'NOERROR' && q.forwarded_to));
  });
});

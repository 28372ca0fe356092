import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@faultline/service-kit/testing';
import { addressesIn, rawQuery, resolverCode, type RunningDns, startDns } from './test-support';

const FORWARD_TIMEOUT_MS = 400;
const REPLICAS = ['127.0.0.21', '127.0.0.22', '127.0.0.23'];

describe('dns-server, cluster role forwarding to a real upstream role', () => {
  let upstream: RunningDns;
  let cluster: RunningDns;
  const resolver = (timeout = 3000) => {
    const r = new Resolver({ timeout, tries: 1 });
    r.setServers([cluster.server]);
    return r;
  };

  before(async () => {
    upstream = await startDns({ DNS_ROLE: 'upstream', DNS_RECORDS: JSON.stringify({ 'myexternalserver.com': '10.0.0.9' }) });
    cluster = await startDns({
      DNS_ROLE: 'cluster',
      DNS_RECORDS: JSON.stringify({ 'retry-backend.default.svc.cluster.local': REPLICAS, 'order-service.default.svc.cluster.local': ['127.0.0.31'] }),
      DNS_FORWARDERS: upstream.server,
      FORWARD_TIMEOUT_MS: String(FORWARD_TIMEOUT_MS),
    });
  });
  after(async () => {
    await cluster?.stop();
    await upstream?.stop();
  });

  it('returns every replica record of a Service name', async () => {
    assert.deepEqual((await resolver().resolve4('retry-backend.default.svc.cluster.local')).sort(), REPLICAS);
    const reply = await rawQuery(cluster.dnsPort, { name: 'retry-backend.default.svc.cluster.local', proto: 'tcp' });
    assert.equal(reply.flag_aa, true);
    assert.equal(reply.answers?.length, 3);
  });

  it('answers NXDOMAIN for unknown names in the cluster domain without forwarding them', async () => {
    assert.equal(await resolverCode(resolver().resolve4('myexternalserver.com.default.svc.cluster.local')), 'ENOTFOUND');
    assert.equal(await resolverCode(resolver().resolve4('myexternalserver.com.cluster.local')), 'ENOTFOUND');
    const ns = await rawQuery(cluster.dnsPort, { name: 'default.svc.cluster.local' });
    assert.equal(ns.rcode, 'NOERROR', 'a namespace with Services exists, without records of its own');
    assert.equal((await upstream.queries({ name: 'myexternalserver.com.cluster.local' })).length, 0);
  });

  it('forwards other names upstream over UDP and TCP and passes the answer back', async () => {
    assert.deepEqual(await resolver().resolve4('myexternalserver.com'), ['10.0.0.9']);
    const tcp = await rawQuery(cluster.dnsPort, { name: 'myexternalserver.com', proto: 'tcp' });
    assert.deepEqual(addressesIn(tcp), ['10.0.0.9']);
    assert.equal(await resolverCode(resolver().resolve4('microsoft.com')), 'ENOTFOUND', "the upstream's NXDOMAIN is passed on");
    const seen = await upstream.queries({ name: 'myexternalserver.com' });
    assert.deepEqual(seen.map((q) => q.proto).sort(), ['tcp', 'udp']);
    const [forwarded] = await cluster.queries({ name: 'myexternalserver.com', limit: '1' });
    assert.equal(forwarded.forwarded_to, upstream.server);
  });

  it('turns an upstream that drops the name into SERVFAIL within FORWARD_TIMEOUT_MS, and recovers after the fix', async () => {
    await upstream.setFaults({ 'myexternalserver.com': { action: 'drop' } });
    const started = Date.now();
    const reply = await rawQuery(cluster.dnsPort, { name: 'myexternalserver.com', timeoutMs: 5000 });
    const elapsed = Date.now() - started;
    assert.equal(reply.rcode, 'SERVFAIL');
    assert.ok(elapsed >= FORWARD_TIMEOUT_MS - 50, `waited for the forwarder (${elapsed} ms)`);
    assert.ok(elapsed < 5000, `answered before the client gave up (${elapsed} ms)`);
    assert.equal(await resolverCode(resolver().resolve4('myexternalserver.com')), 'ESERVFAIL');

    const upstreamSaw = await pollUntil(async () => (await upstream.queries({ name: 'myexternalserver.com' })).filter((q) => q.fault === 'drop'), {
      what: 'dropped queries at the upstream',
    });
    assert.ok(upstreamSaw.length >= 2 && upstreamSaw.every((q) => q.qr === 'Q' && q.rcode === null), 'the upstream got them and sent nothing');
    const [clusterEntry] = await cluster.queries({ name: 'myexternalserver.com', limit: '1' });
    assert.equal(clusterEntry.rcode, 'SERVFAIL');
    assert.match(clusterEntry.forward_error ?? '', /no reply/);
    const metrics = await (await fetch(`${cluster.svc.url}/metrics`)).text();
    const count = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? 0);
    assert.ok(count(new RegExp(`dns_forward_errors_total\\{to="${upstream.server}",reason="timeout"\\} (\\d+)`)) >= 2, metrics);
    assert.ok(count(/dns_responses_total\{proto="udp",rcode="SERVFAIL"\} (\d+)/) >= 2);

    await upstream.setFaults(null);
    assert.deepEqual(await resolver().resolve4('myexternalserver.com'), ['10.0.0.9']);
  });

  it('refuses config it cannot use, naming the variable', async () => {
    await assert.rejects(startDns({ DNS_ROLE: 'cluster', DNS_FORWARDERS: 'dns.example:53' }), /DNS_FORWARDERS: "dns.example:53"/);
    await assert.rejects(startDns({ DNS_RECORDS: '{"a.example": ["not-an-ip"]}' }), /not IP addresses: not-an-ip/);
    await assert.rejects(startDns({ DNS_RECORDS: '[1,2]' }), /DNS_RECORDS must be a JSON object/);
  });
});

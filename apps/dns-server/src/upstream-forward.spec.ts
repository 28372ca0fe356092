import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { after, before, describe, it } from 'node:test';
import { parseForwarders, resolvConfNameservers } from './forwarders';
import { resolverCode, type RunningDns, startDns } from './test-support';

/**
 * The upstream role as the seed's dnsmasq: authoritative for its own names, everything else forwarded.
 * The host's resolver answers nothing here (no internet), so the forward target is a second dns-server
 * on loopback holding a few public names: a stand-in for the public DNS, named so in this test.
 */
describe('dns-server, upstream role forwarding the names it does not hold', () => {
  const UPSTREAM_HOST = '127.0.13.1';
  let publicStandIn: RunningDns;
  let upstream: RunningDns;
  const resolver = (timeout = 2000) => {
    const r = new Resolver({ timeout, tries: 1 });
    r.setServers([`${UPSTREAM_HOST}:${upstream.dnsPort}`]);
    return r;
  };

  before(async () => {
    publicStandIn = await startDns({ DNS_ROLE: 'upstream', DNS_RECORDS: JSON.stringify({ 'microsoft.com': ['127.0.14.1'], 'example.com': ['127.0.14.2'] }) });
    upstream = await startDns({
      DNS_ROLE: 'upstream',
      DNS_HOST: UPSTREAM_HOST,
      DNS_RECORDS: JSON.stringify({ 'myexternalserver.com': ['10.0.0.9'] }),
      DNS_FORWARDERS: publicStandIn.server,
    });
  });
  after(async () => {
    await upstream?.stop();
    await publicStandIn?.stop();
  });

  it('answers its own name, forwards the rest, and a break of its name leaves the others working', async () => {
    assert.deepEqual(await resolver().resolve4('myexternalserver.com'), ['10.0.0.9']);
    assert.deepEqual(await resolver().resolve4('microsoft.com'), ['127.0.14.1'], 'dig @upstream microsoft.com works');
    assert.equal(await resolverCode(resolver().resolve4('nowhere.example')), 'ENOTFOUND', "the forward target's NXDOMAIN passes through");

    assert.equal((await upstream.setFaults({ 'myexternalserver.com': { action: 'drop' } })).status, 200);
    assert.equal(await resolverCode(resolver(300).resolve4('myexternalserver.com')), 'ETIMEOUT');
    assert.deepEqual(await resolver().resolve4('microsoft.com'), ['127.0.14.1'], 'the break affects only the chosen name');
    assert.deepEqual(await resolver().resolve4('example.com'), ['127.0.14.2']);
    assert.equal((await upstream.setFaults(null)).status, 200);
  });

  it("logs nameserver, trace_dns's rcode spelling, and forwards from its own address", async () => {
    await resolverCode(resolver().resolve4('nowhere.example'));
    const [nx] = await upstream.queries({ name: 'nowhere.example', type: 'A' });
    assert.equal(nx.nameserver, UPSTREAM_HOST);
    assert.equal(nx.rcode, 'NXDOMAIN');
    assert.equal(nx.rcode_name, 'NameError');
    assert.equal(nx.forwarded_to, publicStandIn.server);
    const [ok] = await upstream.queries({ name: 'microsoft.com', type: 'A' });
    assert.equal(ok.rcode_name, 'Success');
    const atPublic = await publicStandIn.queries({ name: 'microsoft.com', type: 'A' });
    assert.ok(atPublic.length > 0 && atPublic.every((q) => q.src.startsWith(`${UPSTREAM_HOST}:`)), `forwarded from ${UPSTREAM_HOST}: ${atPublic.map((q) => q.src).join(', ')}`);
  });
});

describe('DNS_FORWARDERS=host', () => {
  it("takes the nameserver lines of the host's resolv.conf, ports included", () => {
    const text = '# host\nsearch lan\nnameserver 10.255.255.53\nnameserver 127.0.0.1:5353 ; local\noptions ndots:1\n';
    assert.deepEqual(resolvConfNameservers(text), ['10.255.255.53', '127.0.0.1:5353']);
    const parsed = parseForwarders('host,127.0.0.2:53', () => text);
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.forwarders.map((f) => f.label),
      ['10.255.255.53:53', '127.0.0.1:5353', '127.0.0.2:53'],
    );
  });

  it('stops start-up with a clear problem when the file is missing or names no server', () => {
    const unreadable = parseForwarders('host', () => {
      throw new Error('ENOENT: no such file');
    });
    assert.ok(!unreadable.ok && /cannot be read: ENOENT/.test(unreadable.problems[0]));
    const empty = parseForwarders('host', () => 'search lan\n');
    assert.ok(!empty.ok && /no nameserver line/.test(empty.problems[0]));
  });
});

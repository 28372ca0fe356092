import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@faultline/service-kit/testing';
import { requireTool, skipWithout } from '@faultline/test-support';
import { addressesIn, rawQuery, resolverCode, type RunningDns, startDns } from './test-support';

const MANY = Array.from({ length: 40 }, (_, i) => `10.1.0.${i + 1}`);

describe('dns-server, upstream role (real packets through node dns.Resolver)', () => {
  let dns: RunningDns;
  const resolver = (timeout = 2000) => {
    const r = new Resolver({ timeout, tries: 1 });
    r.setServers([dns.server]);
    return r;
  };

  before(async () => {
    dns = await startDns({
      DNS_ROLE: 'upstream',
      DNS_RECORDS: JSON.stringify({ 'myexternalserver.com': ['10.0.0.9'], 'dual.example': ['10.0.0.7', 'fd00::7'], 'many.example': MANY }),
    });
  });
  after(() => dns.stop());

  it('answers configured A and AAAA records authoritatively', async () => {
    assert.deepEqual(await resolver().resolve4('myexternalserver.com'), ['10.0.0.9']);
    assert.deepEqual(await resolver().resolve6('dual.example'), ['fd00::7']);
    const reply = await rawQuery(dns.dnsPort, { name: 'MyExternalServer.COM' });
    assert.equal(reply.flag_aa, true);
    assert.equal(reply.rcode, 'NOERROR');
    assert.equal(reply.answers?.[0]?.name, 'MyExternalServer.COM', 'the answer echoes the name as asked');
  });

  it('answers NXDOMAIN with the AA bit for names it does not have, and NODATA for AAAA of an A-only name', async () => {
    assert.equal(await resolverCode(resolver().resolve4('microsoft.com')), 'ENOTFOUND');
    const nx = await rawQuery(dns.dnsPort, { name: 'microsoft.com' });
    assert.equal(nx.rcode, 'NXDOMAIN');
    assert.equal(nx.flag_aa, true);
    assert.equal(await resolverCode(resolver().resolve6('myexternalserver.com')), 'ENODATA');
    const nodata = await rawQuery(dns.dnsPort, { name: 'myexternalserver.com', type: 'AAAA' });
    assert.equal(nodata.rcode, 'NOERROR');
    assert.equal(nodata.answers?.length, 0);
  });

  it('truncates a UDP answer that does not fit and gives it whole over TCP', async () => {
    const udp = await rawQuery(dns.dnsPort, { name: 'many.example' });
    assert.equal(udp.flag_tc, true);
    assert.equal(udp.answers?.length, 0);
    const tcp = await rawQuery(dns.dnsPort, { name: 'many.example', proto: 'tcp' });
    assert.equal(tcp.flag_tc, false);
    assert.deepEqual(addressesIn(tcp), MANY);
    assert.deepEqual((await resolver().resolve4('many.example')).sort(), [...MANY].sort(), 'node retries over TCP');
  });

  it('drops, fails, refuses or delays a name through the dns fault, and restores it', async () => {
    const name = 'myexternalserver.com';
    assert.equal((await dns.setFaults({ [name]: { action: 'drop' } })).status, 200);
    assert.equal(await resolverCode(resolver(300).resolve4(name)), 'ETIMEOUT');
    assert.deepEqual(await resolver().resolve6('dual.example'), ['fd00::7'], 'other names are untouched');
    const dropped = await pollUntil(async () => (await dns.queries({ name })).find((q) => q.fault === 'drop'), { what: 'the dropped query' });
    assert.equal(dropped.qr, 'Q');
    assert.equal(dropped.rcode, null);

    await dns.setFaults({ [name]: { action: 'servfail' } });
    assert.equal(await resolverCode(resolver().resolve4(name)), 'ESERVFAIL');
    await dns.setFaults({ [`${name}.`]: { action: 'nxdomain' } });
    assert.equal(await resolverCode(resolver().resolve4(name)), 'ENOTFOUND');
    await dns.setFaults({ [name]: { action: 'refused' } });
    assert.equal(await resolverCode(resolver().resolve4(name)), 'EREFUSED');

    await dns.setFaults({ [name]: { action: 'delay', delayMs: 150 } });
    assert.deepEqual(await resolver().resolve4(name), ['10.0.0.9']);
    const delayed = (await dns.queries({ name, limit: '1' }))[0];
    assert.equal(delayed.fault, 'delay');
    assert.ok(delayed.latency_ms >= 150, `latency ${delayed.latency_ms} ms includes the delay`);

    assert.equal((await dns.setFaults(null)).status, 200);
    assert.deepEqual(await resolver().resolve4(name), ['10.0.0.9']);
    const metrics = await (await fetch(`${dns.svc.url}/metrics`)).text();
    assert.ok(Number(/faultline_faults_injected_total\{fault="dns"\} (\d+)/.exec(metrics)?.[1]) >= 5, 'each faulted query counted');
    assert.ok(Number(/dns_dropped_requests_total\{proto="udp"\} (\d+)/.exec(metrics)?.[1]) >= 1, 'the dropped query counted');
  });

  it('rejects invalid dns fault values with a 400 naming the problem', async () => {
    const res = await dns.setFaults({ 'myexternalserver.com': { action: 'explode' }, 'bad name!': { action: 'drop' }, 'x.example': { action: 'delay' } });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; problems: string[] };
    assert.equal(body.error, 'invalid_faults');
    assert.equal(body.problems.length, 3, body.problems.join('\n'));
    const unauthorized = await fetch(`${dns.svc.url}/admin/faults/dns`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(unauthorized.status, 401);
  });

  it('keeps every query in /queries with the trace_dns fields, filterable by name, type, since and limit', async () => {
    const since = new Date().toISOString();
    await resolver().resolve4('dual.example');
    await resolver().resolve6('dual.example');
    const all = await dns.queries({ since, name: 'dual.example.' });
    assert.deepEqual(all.map((q) => q.qtype).sort(), ['A', 'AAAA']);
    const [a] = await dns.queries({ since, name: 'DUAL.example', type: 'a' });
    assert.deepEqual(
      { name: a.name, qtype: a.qtype, qr: a.qr, rcode: a.rcode, role: a.role, proto: a.proto, answers: a.answers },
      { name: 'dual.example.', qtype: 'A', qr: 'R', rcode: 'NOERROR', role: 'upstream', proto: 'udp', answers: ['10.0.0.7'] },
    );
    assert.match(a.src, /^127\.0\.0\.1:\d+$/);
    assert.equal(typeof a.id, 'number');
    assert.ok(a.latency_ns > 0);
    assert.equal((await dns.queries({ name: 'dual.*', since })).length, 2, 'prefix match');
    assert.equal((await dns.queries({ limit: '1' })).length, 1);
    const logged = dns.svc.logs.filter((l) => l.msg === 'dns query' && l.name === 'dual.example.');
    assert.ok(logged.length >= 2, 'one JSON log line per query');
    for (const bad of ['limit=0', 'since=yesterday', 'type=A%20B', 'colour=red']) {
      const res = await fetch(`${dns.svc.url}/queries?${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(((await res.json()) as { error: string }).error, 'validation_failed');
    }
  });

  it('exposes CoreDNS-like metrics in valid Prometheus text', async () => {
    const metrics = await (await fetch(`${dns.svc.url}/metrics`)).text();
    for (const pattern of [
      /dns_requests_total\{proto="udp",type="A"\} \d+/,
      /dns_requests_total\{proto="tcp",type="A"\} \d+/,
      /dns_responses_total\{proto="udp",rcode="NXDOMAIN"\} \d+/,
      /dns_request_duration_seconds_bucket\{le="0.00025",proto="udp",type="A"\} \d+/,
    ]) {
      assert.match(metrics, pattern);
    }
  });

  it('its metrics pass promtool check metrics', { skip: skipWithout('promtool') }, async () => {
    const metrics = await (await fetch(`${dns.svc.url}/metrics`)).text();
    const promtool = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    assert.equal(promtool.status, 0, `promtool check metrics: ${promtool.stdout}${promtool.stderr}`);
  });
});

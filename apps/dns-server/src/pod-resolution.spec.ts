import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { installPodResolver, parseResolvConf, resolveHost, type ResolvConfig } from '@faultline/pod-resolver';
import { type RunningDns, startDns } from './test-support';

const REPLICAS = ['127.0.0.51', '127.0.0.52'];
const EXTERNAL_IP = '127.0.0.53';
const FORWARD_TIMEOUT_MS = 300;

function serve(host: string, port: number, body: string): Promise<Server> {
  const server = createServer((_req, res) => res.end(body));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function errorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    const withCause = error as { code?: string; cause?: { code?: string } };
    return String(withCause.code ?? withCause.cause?.code);
  }
}

describe('pod-resolver against the lab DNS (cluster role forwarding to the upstream role)', () => {
  let upstream: RunningDns;
  let cluster: RunningDns;
  let port: number;
  const servers: Server[] = [];
  let config: ResolvConfig;
  let uninstall: (() => void) | undefined;

  before(async () => {
    const first = await serve(REPLICAS[0], 0, `replica ${REPLICAS[0]}`);
    port = (first.address() as AddressInfo).port;
    servers.push(first, await serve(REPLICAS[1], port, `replica ${REPLICAS[1]}`), await serve(EXTERNAL_IP, port, 'external'));
    upstream = await startDns({ DNS_ROLE: 'upstream', DNS_RECORDS: JSON.stringify({ 'myexternalserver.com': [EXTERNAL_IP] }) });
    cluster = await startDns({
      DNS_ROLE: 'cluster',
      DNS_RECORDS: JSON.stringify({ 'web.default.svc.cluster.local': REPLICAS }),
      DNS_FORWARDERS: upstream.server,
      FORWARD_TIMEOUT_MS: String(FORWARD_TIMEOUT_MS),
    });
    config = parseResolvConf(
      `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${cluster.server}\noptions ndots:5 timeout:2 attempts:2\n`,
    );
    uninstall = installPodResolver(config);
  });
  after(async () => {
    uninstall?.();
    await cluster?.stop();
    await upstream?.stop();
    for (const server of servers) server.close();
  });

  it('node http and fetch reach a Service by its short name through the search list, over every replica', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) {
      bodies.add(await httpGet(`http://web:${port}/`));
      bodies.add(await (await fetch(`http://web:${port}/`)).text());
    }
    assert.deepEqual([...bodies].sort(), REPLICAS.map((ip) => `replica ${ip}`));
    const asked = await cluster.queries({ name: 'web.default.svc.cluster.local', type: 'A' });
    assert.ok(asked.length >= 4, 'each new connection resolved through the cluster DNS (fetch keeps its connections alive)');
  });

  it('a non-FQDN external name costs at least 4 A queries under ndots:5; the FQDN exactly 1', async () => {
    let since = new Date().toISOString();
    assert.equal(await httpGet(`http://myexternalserver.com:${port}/`), 'external');
    const expanded = await cluster.queries({ since, name: 'myexternalserver.com*', type: 'A' });
    assert.ok(expanded.length >= 4, `${expanded.length} A queries`);
    assert.deepEqual(expanded.map((q) => q.name), [
      'myexternalserver.com.default.svc.cluster.local.',
      'myexternalserver.com.svc.cluster.local.',
      'myexternalserver.com.cluster.local.',
      'myexternalserver.com.',
    ]);
    assert.deepEqual(expanded.map((q) => q.rcode), ['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NOERROR']);

    since = new Date().toISOString();
    assert.equal(await httpGet(`http://myexternalserver.com.:${port}/`), 'external');
    const direct = await cluster.queries({ since, name: 'myexternalserver.com*', type: 'A' });
    assert.deepEqual(direct.map((q) => q.name), ['myexternalserver.com.']);
  });

  it('fails with ENOTFOUND for a name no candidate has, and EAI_AGAIN while the upstream drops the name', async () => {
    assert.equal(await errorCode(httpGet(`http://nosuchservice:${port}/`)), 'ENOTFOUND');
    assert.equal(await errorCode(fetch(`http://nosuchservice:${port}/`)), 'ENOTFOUND');
    await upstream.setFaults({ 'myexternalserver.com': { action: 'drop' } });
    try {
      assert.equal(await errorCode(httpGet(`http://myexternalserver.com:${port}/`)), 'EAI_AGAIN');
      assert.equal(await errorCode(fetch(`http://myexternalserver.com.:${port}/`)), 'EAI_AGAIN');
      const [servfail] = await cluster.queries({ name: 'myexternalserver.com', type: 'A', limit: '1' });
      assert.equal(servfail.rcode, 'SERVFAIL');
    } finally {
      await upstream.setFaults(null);
    }
    assert.equal(await httpGet(`http://myexternalserver.com:${port}/`), 'external');
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `127.0.1.${i + 1}`);
    const big = await startDns({ DNS_ROLE: 'cluster', DNS_RECORDS: JSON.stringify({ 'many.default.svc.cluster.local': many }) });
    try {
      const found = await resolveHost({ ...config, nameservers: [{ host: '127.0.0.1', port: big.dnsPort }] }, 'many', 4);
      assert.deepEqual(found.map((a) => a.address).sort(), [...many].sort());
      const protos = (await big.queries({ name: 'many.default.svc.cluster.local' })).map((q) => q.proto);
      assert.deepEqual(protos, ['udp', 'tcp']);
    } finally {
      await big.stop();
    }
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { requireTool, skipWithout } from '@faultline/test-support';
import { type RunningDns, startDns } from './test-support';


/** Runs dig without blocking the event loop (the server under test lives in this process). */
function dig(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args], { encoding: 'utf8', timeout: 10_000 }, (_error, stdout) =>
      resolve(stdout),
    );
  });
}

describe('dns-server answering dig', { skip: skipWithout('dig') }, () => {
  let upstream: RunningDns;
  let cluster: RunningDns;
  before(async () => {
    requireTool('dig');
    upstream = await startDns({ DNS_ROLE: 'upstream', DNS_RECORDS: JSON.stringify({ 'myexternalserver.com': ['10.0.0.9'] }) });
    cluster = await startDns({
      DNS_ROLE: 'cluster',
      DNS_RECORDS: JSON.stringify({ 'product-service.default.svc.cluster.local': ['127.0.0.41', '127.0.0.42'] }),
      DNS_FORWARDERS: upstream.server,
      FORWARD_TIMEOUT_MS: '300',
    });
  });
  after(async () => {
    await cluster?.stop();
    await upstream?.stop();
  });

  it('upstream: answers, NXDOMAIN with aa, and the break shows as no reply', async () => {
    assert.equal((await dig(upstream.dnsPort, 'myexternalserver.com', '+short')).trim(), '10.0.0.9');
    const nx = (await dig(upstream.dnsPort, 'microsoft.com'));
    assert.match(nx, /status: NXDOMAIN/);
    assert.match(nx, /flags: qr aa/);
    assert.equal((await dig(upstream.dnsPort, '+tcp', 'myexternalserver.com', '+short')).trim(), '10.0.0.9');
    await upstream.setFaults({ 'myexternalserver.com': { action: 'drop' } });
    assert.match((await dig(upstream.dnsPort, 'myexternalserver.com')), /timed out|no servers could be reached/);
    await upstream.setFaults(null);
  });

  it('cluster: replicas, forwarding, and SERVFAIL while the upstream drops the name', async () => {
    const replicas = (await dig(cluster.dnsPort, 'product-service.default.svc.cluster.local', '+short')).trim().split('\n').sort();
    assert.deepEqual(replicas, ['127.0.0.41', '127.0.0.42']);
    assert.equal((await dig(cluster.dnsPort, 'myexternalserver.com', '+short')).trim(), '10.0.0.9');
    await upstream.setFaults({ 'myexternalserver.com': { action: 'drop' } });
    assert.match((await dig(cluster.dnsPort, 'myexternalserver.com')), /status: SERVFAIL/);
    await upstream.setFaults(null);
  });
});

import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import dns from 'node:dns';
import { after, before, describe, it } from 'node:test';
import { createLookup, installPodResolver } from './lookup';
import { parseResolvConf } from './resolv-conf';

/**
 * Resolution against a real DNS server is tested with the lab's dns-server (apps/dns-server/src/
 * pod-resolution.spec.ts); here, what needs no server: a server that never answers, bypasses, install.
 */
describe('pod lookup without an answering server', () => {
  let silent: Socket;
  let received = 0;
  before(async () => {
    silent = createSocket('udp4');
    silent.on('message', () => void received++);
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  });
  after(() => silent.close());

  it('fails with EAI_AGAIN after timeout × attempts when the name server never replies, and stops the search walk', async () => {
    const config = parseResolvConf(`nameserver 127.0.0.1:${silent.address().port}\nsearch a.example b.example\noptions ndots:5 timeout:1 attempts:2`);
    const lookup = createLookup(config);
    received = 0;
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => lookup('myexternalserver.com', { family: 4 }, (err) => resolve(err as NodeJS.ErrnoException)));
    assert.equal(error.code, 'EAI_AGAIN');
    assert.equal(error.syscall, 'getaddrinfo');
    assert.equal((error as { hostname?: string }).hostname, 'myexternalserver.com');
    assert.equal(received, 2, 'two attempts at the first candidate, then the walk stops as glibc stops it on a timeout');
  });

  it('passes IP literals and localhost to the system resolver', async () => {
    const lookup = createLookup(parseResolvConf('nameserver 127.0.0.1:1'));
    const address = await new Promise((resolve, reject) => lookup('127.0.0.9', (err, addr) => (err ? reject(err) : resolve(addr))));
    assert.equal(address, '127.0.0.9');
    const all = await new Promise<dns.LookupAddress[]>((resolve, reject) => lookup('localhost', { all: true, family: 4 }, (err, addrs) => (err ? reject(err) : resolve(addrs))));
    assert.deepEqual(all, [{ address: '127.0.0.1', family: 4 }]);
  });

  it('replaces dns.lookup and dns.promises.lookup until uninstalled', async () => {
    const original = { lookup: dns.lookup, promises: dns.promises.lookup };
    const uninstall = installPodResolver(parseResolvConf(`nameserver 127.0.0.1:${silent.address().port}\noptions timeout:1 attempts:1`));
    try {
      assert.notEqual(dns.lookup, original.lookup);
      assert.notEqual(dns.promises.lookup, original.promises);
      await assert.rejects(dns.promises.lookup('nowhere.example.'), { code: 'EAI_AGAIN' });
      assert.deepEqual(await dns.promises.lookup('127.0.0.5'), { address: '127.0.0.5', family: 4 });
    } finally {
      uninstall();
    }
    assert.equal(dns.lookup, original.lookup);
    assert.equal(dns.promises.lookup, original.promises);
  });
});

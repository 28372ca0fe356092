import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResolvConf, searchCandidates } from './resolv-conf';

const POD = `# a pod's /etc/resolv.conf, as kubelet writes it
search default.svc.cluster.local svc.cluster.local cluster.local
nameserver 10.96.0.10
options ndots:5
`;

describe('parseResolvConf', () => {
  it("reads a pod's resolv.conf", () => {
    assert.deepEqual(parseResolvConf(POD), {
      nameservers: [{ host: '10.96.0.10', port: 53 }],
      search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      ndots: 5,
      timeoutMs: 5000,
      attempts: 2,
    });
  });

  it('takes nameserver IP:PORT and [IPv6]:PORT, at most three servers, and skips what it cannot read', () => {
    const config = parseResolvConf(
      'nameserver 127.0.0.1:5353\nnameserver [::1]:5354\nnameserver not-an-ip\nnameserver 127.0.0.2\nnameserver 127.0.0.3\n',
    );
    assert.deepEqual(config.nameservers, [
      { host: '127.0.0.1', port: 5353 },
      { host: '::1', port: 5354 },
      { host: '127.0.0.2', port: 53 },
    ]);
  });

  it('reads options with glibc limits, and lets the last of search and domain win', () => {
    const config = parseResolvConf('options ndots:20 timeout:0 attempts:9 rotate\nsearch a.example b.example.\ndomain c.example ; comment\n');
    assert.equal(config.ndots, 15);
    assert.equal(config.timeoutMs, 1000);
    assert.equal(config.attempts, 5);
    assert.deepEqual(config.search, ['c.example']);
    assert.deepEqual(parseResolvConf('domain c.example\nsearch a.example b.example.').search, ['a.example', 'b.example']);
  });

  it("falls back to glibc's defaults: 127.0.0.1:53, ndots 1, 5 s, 2 attempts", () => {
    assert.deepEqual(parseResolvConf(''), { nameservers: [{ host: '127.0.0.1', port: 53 }], search: [], ndots: 1, timeoutMs: 5000, attempts: 2 });
  });
});

describe('searchCandidates', () => {
  const pod = parseResolvConf(POD);

  it('tries every search domain before the name itself when it has fewer dots than ndots', () => {
    assert.deepEqual(searchCandidates('myexternalserver.com', pod), [
      'myexternalserver.com.default.svc.cluster.local.',
      'myexternalserver.com.svc.cluster.local.',
      'myexternalserver.com.cluster.local.',
      'myexternalserver.com.',
    ]);
    assert.equal(searchCandidates('order-service', pod)[0], 'order-service.default.svc.cluster.local.');
  });

  it('tries only the name itself when it ends with a dot', () => {
    assert.deepEqual(searchCandidates('myexternalserver.com.', pod), ['myexternalserver.com.']);
  });

  it('tries the name first when it has at least ndots dots', () => {
    assert.deepEqual(searchCandidates('a.b.c.d.e.f', pod), [
      'a.b.c.d.e.f.',
      'a.b.c.d.e.f.default.svc.cluster.local.',
      'a.b.c.d.e.f.svc.cluster.local.',
      'a.b.c.d.e.f.cluster.local.',
    ]);
    assert.deepEqual(searchCandidates('myexternalserver.com', { search: ['x.example'], ndots: 1 }), ['myexternalserver.com.', 'myexternalserver.com.x.example.']);
  });
});

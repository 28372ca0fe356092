// The pod's search-list rule: fewer dots than ndots → search domains first; a trailing dot → only itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidateNames, resolvConfText } from './pod-dns';

const conf = { nameserver: '127.0.0.10:10053', search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5 };

describe('pod name candidates', () => {
  it('tries the search domains first for a name with fewer dots than ndots', () => {
    assert.deepEqual(candidateNames('myexternalserver.com', conf), [
      'myexternalserver.com.default.svc.cluster.local',
      'myexternalserver.com.svc.cluster.local',
      'myexternalserver.com.cluster.local',
      'myexternalserver.com',
    ]);
  });
  it('tries only the name itself when it ends with a dot', () => {
    assert.deepEqual(candidateNames('myexternalserver.com.', conf), ['myexternalserver.com']);
  });
  it('tries the name first when it has ndots dots or more', () => {
    assert.equal(candidateNames('a.b.c.d.e.f', conf)[0], 'a.b.c.d.e.f');
  });
  it('writes a resolv.conf with the nameserver, search list and ndots', () => {
    assert.equal(resolvConfText(conf), 'nameserver 127.0.0.10:10053\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  });
});

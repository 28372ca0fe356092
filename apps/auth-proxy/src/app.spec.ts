// auth-proxy with real HTTP and real DNS packets: an auth service and an upstream on loopback, a small
// DNS responder (test-dns.ts) for the auth service's name. Proves the nginx-style resolver keeps ONE
// connected socket, that a name server gone quiet makes the auth subrequests 500 with the reason, and
// that a reload (POST /admin/reload or SIGHUP) re-reads the name server and opens a new socket.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil, startTestService, type TestService } from '@faultline/service-kit/testing';
import { authProxy } from './app';
import { startTestDns, type TestDns } from './test-dns';

const TOKEN = 'admin-secret';
const AUTH_HOST = 'auth.default.svc.cluster.local';

function server(handler: (req: IncomingMessage) => [number, unknown]): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      const [status, body] = handler(req);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;

describe('auth-proxy', () => {
  const authCalls: IncomingMessage[] = [];
  let authStatus = 200;
  let auth: Server;
  let upstream: Server;
  let firstDns: TestDns;
  let secondDns: TestDns;
  let proxy: TestService<ReturnType<typeof authProxy>['config']>;
  let dir: string;
  let resolvConf: string;

  const get = async (p = '/hello?x=1') => {
    const res = await fetch(`${proxy.url}${p}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const admin = (method: string, p: string, token = TOKEN) => fetch(`${proxy.url}${p}`, { method, headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    auth = await server((req) => {
      authCalls.push(req);
      return [authStatus, { auth: authStatus }];
    });
    upstream = await server((req) => [200, { upstream: 'echo', path: req.url }]);
    firstDns = await startTestDns({ [AUTH_HOST]: '127.0.0.1' });
    secondDns = await startTestDns({ [AUTH_HOST]: '127.0.0.1' });
    dir = mkdtempSync(path.join(tmpdir(), 'auth-proxy-'));
    resolvConf = path.join(dir, 'resolv.conf');
    writeFileSync(resolvConf, `nameserver ${firstDns.address}\n`);
    proxy = await startTestService(authProxy(), {
      ADMIN_TOKEN: TOKEN,
      RESOLV_CONF: resolvConf,
      AUTH_URL: `http://${AUTH_HOST}:${portOf(auth)}/verify`,
      UPSTREAM_URL: `http://127.0.0.1:${portOf(upstream)}`,
      RESOLVER_TIMEOUT_MS: '300',
      RESOLVER_VALID_MS: '0',
    });
  });

  after(async () => {
    await proxy.stop();
    await Promise.all([firstDns.close(), secondDns.close()]);
    auth.close();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the auth subrequest, then proxies; every DNS query leaves from one connected socket', async () => {
    for (let i = 0; i < 5; i += 1) {
      const res = await get(`/hello?i=${i}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { upstream: 'echo', path: `/hello?i=${i}` });
    }
    assert.equal(authCalls.length, 5);
    assert.equal(authCalls[0].url, '/verify');
    assert.equal(authCalls[0].headers['x-original-uri'], '/hello?i=0');
    assert.equal(authCalls[0].headers.host, `${AUTH_HOST}:${portOf(auth)}`);
    assert.equal(firstDns.sources.length, 5, 'one query per request (valid=0: nothing cached)');
    assert.equal(new Set(firstDns.sources).size, 1, `one socket: ${firstDns.sources.join(', ')}`);
    const stats = (await (await admin('GET', '/admin/resolver')).json()) as { nameserver: string; socket: string; queries: number };
    assert.equal(stats.nameserver, firstDns.address);
    assert.equal(stats.socket, firstDns.sources[0]);
  });

  it('passes 401 from the auth service; another status is a 500 naming it', async () => {
    authStatus = 401;
    assert.equal((await get()).status, 401);
    authStatus = 502;
    const res = await get();
    assert.equal(res.status, 500);
    assert.equal(res.body.reason, 'auth_unexpected_status');
    authStatus = 200;
  });

  it('keeps asking the old name server after resolv.conf changed, failing with 500 dns_timeout; a reload moves it', async () => {
    writeFileSync(resolvConf, `nameserver ${secondDns.address}\n`);
    firstDns.answering = false;
    const res = await get();
    assert.equal(res.status, 500);
    assert.equal(res.body.error, 'auth_request_failed');
    assert.equal(res.body.reason, 'dns_timeout');
    assert.equal(res.body.code, 'ETIMEDOUT');
    assert.equal(res.body.nameserver, firstDns.address);
    assert.match(String(res.body.message), /could not be resolved \(110: Operation timed out\)/);
    assert.equal(secondDns.sources.length, 0, 'the new name server got nothing');
    const line = proxy.logs.find((l) => l.msg === 'auth request failed' && l.reason === 'dns_timeout');
    assert.equal(line?.code, 'ETIMEDOUT');
    assert.equal(line?.resolver_socket, firstDns.sources[0]);

    assert.equal((await admin('POST', '/admin/reload', 'wrong')).status, 401);
    const reload = await admin('POST', '/admin/reload');
    assert.equal(reload.status, 200);
    const body = (await reload.json()) as { after: { nameserver: string; socket: string }; before: { socket: string } };
    assert.equal(body.after.nameserver, secondDns.address);
    assert.notEqual(body.after.socket, body.before.socket);
    assert.equal((await get()).status, 200);
    assert.deepEqual(secondDns.sources, [body.after.socket]);
  });

  it('SIGHUP reloads too', async () => {
    const before = ((await (await admin('GET', '/admin/resolver')).json()) as { socket: string }).socket;
    process.emit('SIGHUP', 'SIGHUP');
    const line = await pollUntil(() => proxy.logs.find((l) => l.msg === 'reloaded: resolver socket re-created' && l.trigger === 'SIGHUP'), {
      timeoutMs: 2_000,
      what: 'the reload log line',
    });
    assert.equal(line.old_socket, before);
    assert.notEqual(line.new_socket, before);
  });

  it('answers a DNS failure other than a timeout with its reason, and counts outcomes', async () => {
    const nx = await startTestDns({});
    try {
      writeFileSync(resolvConf, `nameserver ${nx.address}\n`);
      await admin('POST', '/admin/reload');
      const res = await get();
      assert.equal(res.status, 500);
      assert.equal(res.body.reason, 'dns_nxdomain');
      assert.equal(res.body.code, 'ENOTFOUND');
      const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
      assert.match(metrics, /auth_proxy_auth_requests_total\{outcome="failed",reason="dns_timeout"\} 1/);
      assert.match(metrics, /auth_proxy_auth_requests_total\{outcome="allowed",reason="ok"\} [1-9]/);
    } finally {
      await nx.close();
    }
  });
});

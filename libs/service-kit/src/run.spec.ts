/**
 * runService in a real process: RESOLV_CONF makes every host name resolve through the pod-style resolver
 * (search list, ndots), against a real DNS server on loopback; a bad RESOLV_CONF stops start-up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { isolateTempDir, makeTempDir, pollUntil } from '@faultline/test-support';

const FIXTURE = ['--require', 'tsx/cjs', 'libs/service-kit/src/testing/resolver-fixture.ts'];

function runFixture(env: Record<string, string>) {
  const child = spawn(process.execPath, FIXTURE, {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

isolateTempDir();

describe('runService with RESOLV_CONF', () => {
  const questions: string[] = [];
  const dns = createSocket('udp4');
  const target = createServer((_req, res) => res.end('reached'));
  let resolvConf: string;

  before(async () => {
    // A minimal authoritative server: "target.default.svc.cluster.local" is 127.0.0.1, every other name NXDOMAIN.
    dns.on('message', (message, peer) => {
      const query = dnsPacket.decode(message);
      const question = query.questions?.[0];
      if (!question) return;
      questions.push(`${question.type} ${question.name}`);
      const known = question.name === 'target.default.svc.cluster.local' && question.type === 'A';
      const reply = dnsPacket.encode({
        id: query.id,
        type: 'response',
        flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3), // rcode 3: NXDOMAIN
        questions: [question],
        answers: known ? [{ type: 'A', name: question.name, ttl: 5, data: '127.0.0.1' }] : [],
      });
      dns.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => dns.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    resolvConf = path.join(makeTempDir('faultline-resolv-'), 'resolv.conf');
    writeFileSync(
      resolvConf,
      `nameserver 127.0.0.1:${(dns.address() as AddressInfo).port}\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`,
    );
  });
  after(() => {
    dns.close();
    target.close();
  });

  it('resolves a Service short name through the search list, as in a pod', async () => {
    const { child, output } = runFixture({ RESOLV_CONF: resolvConf });
    try {
      const url = await pollUntil(() => /"msg":"listening","url":"([^"]+)"/.exec(output())?.[1], { timeoutMs: 20_000, what: 'listening' });
      const port = (target.address() as AddressInfo).port;
      const answer = await fetch(`${url}/fetch?url=${encodeURIComponent(`http://target:${port}/`)}`);
      assert.deepEqual(await answer.json(), { status: 200, body: 'reached' });
      assert.equal(questions.filter((q) => q.startsWith('A ')).at(0), 'A target.default.svc.cluster.local');
      assert.match(output(), /"msg":"resolving names as a pod would"/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops start-up with exit 78 when RESOLV_CONF cannot be read', async () => {
    const { child, output } = runFixture({ RESOLV_CONF: '/nonexistent/resolv.conf' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 78);
    assert.match(output(), /RESOLV_CONF=\\"\/nonexistent\/resolv.conf\\" cannot be read/);
  });
});

import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as packet from 'dns-packet';
import { decodeMessage } from './wire';
import { addressesIn, rawQuery, type RunningDns, sendUdp, startDns } from './test-support';

const RANDOM_PACKETS = 400;
const TCP_CONNECTIONS = 40;
const BATCH = 50;

/** Valid queries to cut short: every prefix of each is a malformed packet. */
const VALID = [
  packet.encode({ type: 'query', id: 1, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name: 'myexternalserver.com' }] }),
  packet.encode({
    type: 'query',
    id: 2,
    questions: [{ type: 'AAAA', name: 'x.default.svc.cluster.local' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  }),
];

function sendTcpBytes(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.on('error', () => resolve());
    socket.connect(port, '127.0.0.1', () => socket.end(bytes, () => setImmediate(() => (socket.destroy(), resolve()))));
  });
}

describe('dns-server under malformed packets', () => {
  for (const role of ['upstream', 'cluster'] as const) {
    describe(`${role} role`, () => {
      let dns: RunningDns;
      before(async () => {
        dns = await startDns({
          DNS_ROLE: role,
          DNS_RECORDS: JSON.stringify({ 'myexternalserver.com': ['10.0.0.9'] }),
          DNS_FORWARDERS: '127.0.0.1:9',
          FORWARD_TIMEOUT_MS: '100',
        });
      });
      after(() => dns.stop());

      it('survives random bytes and truncated queries over UDP and TCP, then still answers', async () => {
        const truncated = VALID.flatMap((q) => Array.from({ length: q.length - 1 }, (_, n) => q.subarray(0, n + 1)));
        const garbage = Array.from({ length: RANDOM_PACKETS }, () => randomBytes(randomInt(0, 600)));
        // A header that claims many records it does not carry, and one with a response bit.
        const liar = Buffer.from(VALID[0]);
        liar.writeUInt16BE(0xffff, 6);
        const everything = [...truncated, ...garbage, liar];
        for (let start = 0; start < everything.length; start += BATCH) {
          await Promise.all(everything.slice(start, start + BATCH).map((bytes) => sendUdp(dns.dnsPort, bytes, 200).catch(() => undefined)));
        }
        const cut = decodeMessage(await sendUdp(dns.dnsPort, VALID[0].subarray(0, 20), 2000));
        assert.deepEqual([cut.id, cut.rcode], [1, 'FORMERR'], 'a packet with a readable header gets FORMERR back');
        for (let i = 0; i < TCP_CONNECTIONS; i++) {
          const length = Buffer.alloc(2);
          const body = i % 2 ? truncated[i % truncated.length] : randomBytes(randomInt(0, 300));
          length.writeUInt16BE(i % 3 === 0 ? randomInt(0, 65536) : body.length);
          await sendTcpBytes(dns.dnsPort, Buffer.concat([length, body]));
        }
        const udp = await rawQuery(dns.dnsPort, { name: 'myexternalserver.com' });
        assert.equal(udp.rcode, 'NOERROR');
        const resolver = new Resolver({ timeout: 2000, tries: 1 });
        resolver.setServers([dns.server]);
        assert.deepEqual(await resolver.resolve4('myexternalserver.com'), ['10.0.0.9']);
        const tcp = await rawQuery(dns.dnsPort, { name: 'myexternalserver.com', proto: 'tcp' });
        assert.deepEqual(addressesIn(tcp), ['10.0.0.9']);
        assert.equal((await fetch(`${dns.svc.url}/readyz`)).status, 200);
        const metrics = await (await fetch(`${dns.svc.url}/metrics`)).text();
        assert.match(metrics, /dns_malformed_requests_total\{proto="udp"\} [1-9]\d*/);
        assert.match(metrics, /dns_responses_total\{proto="udp",rcode="FORMERR"\} [1-9]\d*/);
      });
    });
  }
});

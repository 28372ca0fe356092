import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import * as packet from 'dns-packet';
import { queryAddresses } from './query';

/** A one-record DNS server on loopback that remembers where each query came from. */
describe('queryAddresses: the source address', () => {
  const server = createSocket('udp4');
  const sources: string[] = [];
  let port = 0;

  before(async () => {
    server.on('message', (raw, from) => {
      sources.push(from.address);
      const query = packet.decode(raw);
      const reply = packet.encode({
        type: 'response',
        id: query.id,
        flags: packet.RECURSION_DESIRED,
        questions: query.questions,
        answers: [{ type: 'A', name: query.questions?.[0]?.name ?? '', ttl: 5, data: '10.0.0.1' }],
      });
      server.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    port = server.address().port;
  });
  after(() => server.close());

  const config = (sourceAddress?: string) => ({ nameservers: [{ host: '127.0.0.1', port }], search: [], ndots: 1, timeoutMs: 1000, attempts: 1, sourceAddress });

  it("sends from the pod's own address when one is set, as a pod's resolver does", async () => {
    assert.deepEqual(await queryAddresses(config('127.0.16.7'), 'svc.example.', 'A'), { kind: 'answer', addresses: ['10.0.0.1'] });
    assert.equal(sources.at(-1), '127.0.16.7');
  });

  it('sends from any address when none is set, and ignores an address of the other family', async () => {
    await queryAddresses(config(), 'svc.example.', 'A');
    assert.equal(sources.at(-1), '127.0.0.1');
    await queryAddresses(config('::1'), 'svc.example.', 'A');
    assert.equal(sources.at(-1), '127.0.0.1');
  });
});

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { checkBrokerReachable } from './broker-check';

describe('checkBrokerReachable', () => {
  it('resolves when something accepts on the broker port', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await checkBrokerReachable(`amqp://guest:guest@127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.close();
    }
  });

  it('rejects with the address, the reason and what to do, without the credentials', async () => {
    await assert.rejects(checkBrokerReachable('amqp://guest:secret@127.0.0.1:1'), (error: Error) => {
      assert.match(error.message, /^RabbitMQ is not reachable at amqp:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): start one/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });
});

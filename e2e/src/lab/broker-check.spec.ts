import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { brokerAvailable, NO_BROKER_MESSAGE, TEST_BROKER_URL } from '@faultline/test-support';
import { brokerUrlProblem, checkBroker, checkBrokerReachable } from './broker-check';

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
      assert.match(error.message, /^RabbitMQ is not reachable at amqp:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): check --rabbitmq-url \/ RABBITMQ_URL, or unset both and the lab starts its own broker$/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });
});

describe('brokerUrlProblem', () => {
  it('accepts amqp and amqps URLs', () => {
    assert.equal(brokerUrlProblem('amqp://guest:guest@127.0.0.1:5672'), undefined);
    assert.equal(brokerUrlProblem('amqps://user:pw@broker.example:5671/vhost'), undefined);
  });

  it('names what is wrong with anything else', () => {
    assert.match(brokerUrlProblem('http://x') ?? '', /"http:\/\/x" is not an AMQP URL/);
    assert.match(brokerUrlProblem('localhost:5672') ?? '', /not an AMQP URL|not a URL/);
    assert.match(brokerUrlProblem('not a url') ?? '', /"not a url" is not a URL/);
  });
});

describe('checkBroker against the real broker', async () => {
  const skip = (await brokerAvailable()) ? false : NO_BROKER_MESSAGE;

  it('logs in with the right credentials', { skip }, async () => {
    await checkBroker(TEST_BROKER_URL);
  });

  it('says ACCESS_REFUSED and names the user, within seconds, for wrong credentials', { skip }, async () => {
    const wrong = new URL(TEST_BROKER_URL);
    wrong.password = 'wrong-password';
    const started = Date.now();
    await assert.rejects(checkBroker(wrong.href), (error: Error) => {
      assert.match(error.message, new RegExp(`^RabbitMQ at amqp://${wrong.hostname}:${wrong.port || 5672} refused user "${decodeURIComponent(wrong.username)}" \\(ACCESS_REFUSED\\): check the user and password`));
      assert.doesNotMatch(error.message, /wrong-password/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});

// What an upgrade keeps of the values the release was installed with: the cluster's setup (images, the broker's
// layout), never a scenario's break or a crashed run's lab.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseKeptValues } from './helm-release';

describe('releaseKeptValues', () => {
  it("keeps the images and the broker's layout, drops the rest", () => {
    const installed = {
      image: { repository: 'faultline', tag: 'dev' },
      rabbitmq: { image: 'faultline-kit/rabbitmq:4.0', replicas: 3, password: 'x' },
      apps: { 'order-service': { env: { ORDER_QUEUE_TYPE: 'quorum', FAULTS: '{"error":{"status":503}}' }, service: { targetPort: 3001 } } },
      networkPolicy: { omitFlows: ['order-service-to-rabbitmq'] },
    };
    assert.deepEqual(releaseKeptValues(installed), {
      image: { repository: 'faultline', tag: 'dev' },
      rabbitmq: { image: 'faultline-kit/rabbitmq:4.0', replicas: 3 },
      apps: { 'order-service': { env: { ORDER_QUEUE_TYPE: 'quorum' } } },
    });
    assert.deepEqual(releaseKeptValues({}), {});
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogStore } from './log-store';

describe('LogStore', () => {
  it('dates a line by its own time field, so a line read late is not taken for a new one', async () => {
    const store = new LogStore();
    const before = Date.now() - 5_000;
    store.add('order-service', 'order-service-1', 'stdout', JSON.stringify({ time: new Date(before).toISOString(), msg: 'request' }));
    const since = Date.now() - 1_000;
    assert.deepEqual(store.search({ deployment: 'order-service', since }), []);
    assert.equal(store.search({ deployment: 'order-service' })[0].at, before);

    const waiting = store.waitFor({ deployment: 'order-service', since, match: (l) => l.json?.msg === 'request' }, 1_000, 'a new request line');
    store.add('order-service', 'order-service-1', 'stdout', JSON.stringify({ time: new Date(before).toISOString(), msg: 'request' }));
    store.add('order-service', 'order-service-1', 'stdout', JSON.stringify({ time: new Date().toISOString(), msg: 'request', n: 2 }));
    assert.equal((await waiting).json?.n, 2);
  });

  it('dates lines without a time field by when they were read', () => {
    const store = new LogStore();
    const since = Date.now();
    store.add('dns', 'dns-1', 'stderr', 'plain text');
    assert.equal(store.search({ since }).length, 1);
  });
});

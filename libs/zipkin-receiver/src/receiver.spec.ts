import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningZipkinReceiver, startZipkinReceiver } from './receiver';
import type { ZipkinSpan } from './span';

const span = (over: Partial<ZipkinSpan>): ZipkinSpan => ({
  traceId: '0000000000000000a3ce929d0e0e4736',
  id: '1111111111111111',
  name: 'get /',
  kind: 'SERVER',
  timestamp: 1_700_000_000_000_000,
  duration: 1000,
  localEndpoint: { serviceName: 'front-end' },
  ...over,
});

describe('Zipkin receiver', () => {
  let zipkin: RunningZipkinReceiver;
  const post = (body: unknown) =>
    fetch(zipkin.spansEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    zipkin = await startZipkinReceiver();
  });
  after(() => zipkin.close());

  it('stores posted spans and serves them by trace, service and span name', async () => {
    const waiting = zipkin.store.waitFor((s) => s.trace('a3ce929d0e0e4736')?.length === 2 || undefined, 5_000, 'two spans');
    assert.equal((await post([span({}), span({ id: '2222222222222222', parentId: '1111111111111111', name: 'data_transformation', localEndpoint: { serviceName: 'business-logic' }, duration: 3_000_000 })])).status, 202);
    await waiting;
    assert.deepEqual(await (await fetch(`${zipkin.url}/api/v2/services`)).json(), ['business-logic', 'front-end']);
    assert.deepEqual(await (await fetch(`${zipkin.url}/api/v2/spans?serviceName=business-logic`)).json(), ['data_transformation']);
    const byId = (await (await fetch(`${zipkin.url}/api/v2/trace/a3ce929d0e0e4736`)).json()) as ZipkinSpan[];
    assert.equal(byId.length, 2, 'a 64-bit id finds the zero-padded 128-bit trace');
    const slow = (await (await fetch(`${zipkin.url}/api/v2/traces?serviceName=business-logic&minDuration=2000000`)).json()) as ZipkinSpan[][];
    assert.equal(slow.length, 1);
    const none = (await (await fetch(`${zipkin.url}/api/v2/traces?spanName=nothing`)).json()) as unknown[];
    assert.deepEqual(none, []);
    assert.equal(zipkin.store.received, 2);
  });

  it('answers 404 for an unknown trace and 400 for invalid spans, storing nothing', async () => {
    assert.equal((await fetch(`${zipkin.url}/api/v2/trace/ffffffffffffffff`)).status, 404);
    const before = zipkin.store.received;
    for (const body of [{}, [{ traceId: 'xyz', id: '1111111111111111' }], [span({ id: 'short' })], 'text']) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as { error: string }).error, 'bad_request');
    }
    const malformed = await fetch(zipkin.spansEndpoint, { method: 'POST', body: '[{' });
    assert.equal(malformed.status, 400);
    assert.equal(zipkin.store.received, before);
    assert.equal((await fetch(`${zipkin.url}/api/v2/spans`)).status, 400, 'serviceName is required');
  });

  it('rejects a wait that times out, saying what it waited for', async () => {
    await assert.rejects(zipkin.store.waitFor(() => undefined, 20, 'nothing'), /timed out after 20 ms waiting for nothing/);
  });
});

describe('Zipkin receiver onSpans', () => {
  it('hands every accepted batch to onSpans, and no rejected one', async () => {
    const seen: ZipkinSpan[][] = [];
    const zipkin = await startZipkinReceiver({ onSpans: (spans) => seen.push(spans) });
    try {
      const post = (body: unknown) => fetch(zipkin.spansEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await post([span({})])).status, 202);
      assert.equal((await post([span({ id: 'short' })])).status, 400);
      assert.deepEqual(seen.map((batch) => batch.map((s) => s.id)), [['1111111111111111']]);
    } finally {
      await zipkin.close();
    }
  });
});

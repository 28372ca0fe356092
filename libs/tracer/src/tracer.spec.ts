/**
 * The sidecar tracer in a real process: B3 in both header forms, sampling per the B3 specification,
 * 64- and 128-bit trace ids, injection on node http and fetch, Zipkin export, JSON logs, flush on exit.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@faultline/test-support';
import { type RunningZipkinReceiver, startZipkinReceiver, type ZipkinSpan } from '@faultline/zipkin-receiver';

const TRACE_128 = '463ac35c9f6413ad48485a3953bb6124';
const TRACE_64 = 'a3ce929d0e0e4736';
const PARENT = '0020000000000001';

describe('sidecar tracer (real process, real Zipkin export)', () => {
  let zipkin: RunningZipkinReceiver;
  let fixture: ChildProcess;
  let fixtureUrl: string;
  const output: string[] = [];
  const downstreamHeaders: IncomingHttpHeaders[] = [];
  const downstream = http.createServer((req, res) => {
    downstreamHeaders.push(req.headers);
    res.end('ok');
  });

  before(async () => {
    zipkin = await startZipkinReceiver();
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/down`;
    fixture = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', '--require', './libs/tracer/src/register.ts', './libs/tracer/src/testing/fixture-server.ts'],
      {
        env: {
          ...process.env,
          OTEL_SERVICE_NAME: 'fixture',
          OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
          DOWNSTREAM_URL: downstreamUrl,
          SERVICE_VERSION: '9.9.9',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    fixture.stdout?.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
    const port = await pollUntil(
      () => output.map((l) => JSON.parse(l) as { listening?: number }).find((l) => l.listening)?.listening,
      { timeoutMs: 20_000, what: 'the fixture to listen' },
    );
    fixtureUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (fixture.exitCode === null) fixture.kill('SIGKILL');
    downstream.close();
    await zipkin.close();
  });

  const spansOf = (traceId: string, count: number) =>
    zipkin.store.waitFor((s) => {
      const spans = s.trace(traceId);
      return spans && spans.length >= count ? spans : undefined;
    }, 10_000, `${count} spans of trace ${traceId}`);

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fixtureUrl}${path}`, { headers });

  it('continues a B3 multi-header context and injects B3 multi headers on node http calls', async () => {
    downstreamHeaders.length = 0;
    const res = await get('/call?via=http', { 'X-B3-TraceId': TRACE_128, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' });
    assert.equal(res.status, 200);
    const sent = downstreamHeaders[0];
    assert.equal(sent['x-b3-traceid'], TRACE_128);
    assert.equal(sent['x-b3-sampled'], '1');
    assert.match(String(sent['x-b3-spanid']), /^[0-9a-f]{16}$/);
    const spans = await spansOf(TRACE_128, 3);
    const server = spans.find((s) => s.kind === 'SERVER');
    assert.equal(server?.parentId, PARENT);
    assert.equal(server?.localEndpoint?.serviceName, 'fixture');
    assert.equal(server?.tags?.['http.response.status_code'], '200');
    assert.equal(server?.name, 'GET /call', 'named by method and route template');
    assert.equal(server?.tags?.['http.route'], '/call');
    assert.equal(server?.tags?.['url.path'], '/call');
    assert.equal(server?.tags?.['url.query'], 'via=http');
    const client = spans.find((s) => s.kind === 'CLIENT');
    assert.equal(client?.id, sent['x-b3-spanid'], 'the downstream sees the client span as its parent');
    assert.ok(spans.some((s) => s.name === 'call-downstream'));
  });

  it('continues a single b3 header context and injects multi headers on fetch calls', async () => {
    downstreamHeaders.length = 0;
    const trace = 'bbbbbbbbbbbbbbbb1111111111111111';
    await get('/call?via=fetch', { b3: `${trace}-${PARENT}-1` });
    assert.equal(downstreamHeaders[0]['x-b3-traceid'], trace);
    assert.equal(downstreamHeaders[0].b3, undefined);
    const spans = await spansOf(trace, 3);
    assert.equal(spans.find((s) => s.kind === 'SERVER')?.parentId, PARENT);
  });

  it('writes microsecond times (children after parents) and names the peer of client spans', async () => {
    const traces = ['1212121212121212abababababababab', '3434343434343434cdcdcdcdcdcdcdcd'];
    for (const [i, trace] of traces.entries()) {
      await get(`/call?via=${i ? 'fetch' : 'http'}`, { 'X-B3-TraceId': trace, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' });
    }
    const spans = (await Promise.all(traces.map((trace) => spansOf(trace, 3)))).flat();
    const whole = spans.filter((s) => (s.timestamp ?? 0) % 1000 === 0);
    assert.ok(whole.length <= 1, `${whole.length} of ${spans.length} timestamps on a whole millisecond`);
    for (const span of spans) {
      const parent = spans.find((p) => p.id === span.parentId);
      if (parent) assert.ok((span.timestamp ?? 0) >= (parent.timestamp ?? 0), `${span.name} starts before its parent ${parent.name}`);
    }
    const port = (downstream.address() as AddressInfo).port;
    const clients = spans.filter((s) => s.kind === 'CLIENT');
    assert.equal(clients.length, 2);
    // The downstream is reached by address: no name resolves, so the endpoint is its host and port.
    for (const client of clients) assert.deepEqual(client.remoteEndpoint, { serviceName: '127.0.0.1', ipv4: '127.0.0.1', port });
    assert.equal(spans.find((s) => s.kind === 'SERVER')?.remoteEndpoint, undefined);
  });

  it('keeps a 64-bit trace id 64 bits long downstream, in logs and in Zipkin', async () => {
    downstreamHeaders.length = 0;
    await get('/call?via=http', { 'X-B3-TraceId': TRACE_64, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' });
    assert.equal(downstreamHeaders[0]['x-b3-traceid'], TRACE_64);
    const spans = await spansOf(TRACE_64, 3);
    assert.ok(spans.every((s: ZipkinSpan) => s.traceId === TRACE_64));
    const logLine = await pollUntil(() => output.find((l) => l.includes(`"trace_id":"${TRACE_64}"`)), { what: 'a log line' });
    assert.match(logLine, /"span_id":"[0-9a-f]{16}"/);
  });

  it('never traces probes or the metrics scrape', async () => {
    const probe = 'abababababababab7777777777777777';
    const marker = 'acacacacacacacac7777777777777777';
    const headers = (trace: string) => ({ 'X-B3-TraceId': trace, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' });
    await get('/healthz', headers(probe));
    await get('/metrics', headers(probe));
    await get('/work', headers(marker));
    await spansOf(marker, 2);
    assert.equal(zipkin.store.trace(probe), undefined);
  });

  it('propagates sampled=0 and exports nothing for it', async () => {
    downstreamHeaders.length = 0;
    const trace = 'cccccccccccccccc2222222222222222';
    await get('/call?via=http', { 'X-B3-TraceId': trace, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '0' });
    assert.equal(downstreamHeaders[0]['x-b3-sampled'], '0');
    assert.equal(downstreamHeaders[0]['x-b3-traceid'], trace);
    // A sampled request sent afterwards is exported; the unsampled one, sent before it, must not be.
    const marker = 'dddddddddddddddd3333333333333333';
    await get('/work', { 'X-B3-TraceId': marker, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' });
    await spansOf(marker, 2);
    assert.equal(zipkin.store.trace(trace), undefined);
  });

  it('honours the debug flag and propagates it', async () => {
    downstreamHeaders.length = 0;
    const trace = 'eeeeeeeeeeeeeeee4444444444444444';
    await get('/call?via=http', { 'X-B3-TraceId': trace, 'X-B3-SpanId': PARENT, 'X-B3-Flags': '1' });
    assert.equal(downstreamHeaders[0]['x-b3-flags'], '1');
    await spansOf(trace, 3);
  });

  it('lets the local sampler decide when the caller sent no sampling decision', async () => {
    downstreamHeaders.length = 0;
    const trace = 'ffffffffffffffff5555555555555555';
    await get('/call?via=http', { 'X-B3-TraceId': trace, 'X-B3-SpanId': PARENT });
    assert.equal(downstreamHeaders[0]['x-b3-sampled'], '1', 'parentbased_always_on samples a deferred trace');
    await spansOf(trace, 3);
  });

  it('starts a new trace without incoming headers, and records errors with their code', async () => {
    await get('/fail');
    const span = await zipkin.store.waitFor(
      (s) => s.allSpans().find((sp) => sp.name === 'failing-step'),
      10_000,
      'the failing-step span',
    );
    assert.equal(span.tags?.['error.type'], 'ECONNREFUSED');
    assert.match(span.tags?.error ?? '', /ECONNREFUSED/);
    const server = zipkin.store.trace(span.traceId)?.find((s) => s.kind === 'SERVER');
    assert.equal(server?.tags?.['http.response.status_code'], '502');
    assert.equal(server?.tags?.['error.type'], '502', 'a 5xx answer is an error, typed by its status');
    assert.equal(server?.tags?.['otel.status_code'], 'ERROR');
    const exported = zipkin.store.allSpans();
    assert.ok(!exported.some((s) => s.tags?.['url.path'] === '/api/v2/spans'), 'exports are not traced');
  });

  it('ends the server span of a request whose client hung up, as an error', async () => {
    const trace = '8888888888888888aaaaaaaaaaaaaaaa';
    const request = http.get(`${fixtureUrl}/hold`, { headers: { 'X-B3-TraceId': trace, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' } });
    request.on('error', () => undefined);
    await pollUntil(() => output.find((l) => l.includes('"holding"') && l.includes(trace)), { what: 'the request to arrive' });
    request.destroy();
    const [server] = await spansOf(trace, 1);
    assert.equal(server.name, 'GET /hold');
    assert.equal(server.tags?.['error.type'], 'request_aborted');
    assert.equal(server.tags?.['otel.status_code'], 'ERROR');
    assert.equal(server.tags?.['http.response.status_code'], undefined, 'no answer was sent');
  });

  it('flushes buffered spans on SIGTERM before exiting', async () => {
    const trace = '99999999999999996666666666666666';
    await get('/work', { 'X-B3-TraceId': trace, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' });
    fixture.kill('SIGTERM');
    await pollUntil(() => fixture.exitCode !== null, { timeoutMs: 10_000, what: 'the fixture to exit' });
    assert.equal(fixture.exitCode, 0);
    const spans = zipkin.store.trace(trace) ?? [];
    assert.ok(spans.some((s) => s.name === 'work'), 'the work span was exported before exit');
    assert.equal(spans.find((s) => s.name === 'work')?.tags?.['work.kind'], 'test');
  });
});

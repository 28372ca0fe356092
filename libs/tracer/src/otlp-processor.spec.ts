/**
 * OTEL_TRACES_EXPORTER=otlp in a real process with the tracer preloaded: spans reach an OTLP/HTTP receiver
 * as http/protobuf, with the headers of OTEL_EXPORTER_OTLP_HEADERS, the B3 parent, the resource and the
 * custom span. The receiver is testing/otlp-receiver.ts (a protobuf-decoding HTTP server in the test: no
 * OpenTelemetry Collector binary exists on this machine).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@faultline/test-support';
import { type RunningOtlpReceiver, startOtlpReceiver } from './testing/otlp-receiver';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const PARENT = '0020000000000001';

describe('OTLP export (real process, http/protobuf receiver)', () => {
  let receiver: RunningOtlpReceiver;
  let fixture: ChildProcess;
  let fixtureUrl: string;
  const output: string[] = [];

  before(async () => {
    receiver = await startOtlpReceiver();
    fixture = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', '--require', './libs/tracer/src/register.ts', './libs/tracer/src/testing/fixture-server.ts'],
      {
        env: {
          ...process.env,
          OTEL_SERVICE_NAME: 'fixture',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
          OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20lab-token,x-scope-orgid=faultline',
          SERVICE_VERSION: '9.9.9',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    fixture.stdout?.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
    const port = await pollUntil(() => output.map((l) => JSON.parse(l) as { listening?: number }).find((l) => l.listening)?.listening, {
      timeoutMs: 20_000,
      what: 'the fixture to listen',
    });
    fixtureUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (fixture.exitCode === null) fixture.kill('SIGKILL');
    await receiver.close();
  });

  it('sends the server span and the custom span, joined to the B3 parent, with the resource', async () => {
    const res = await fetch(`${fixtureUrl}/work`, { headers: { 'X-B3-TraceId': TRACE, 'X-B3-SpanId': PARENT, 'X-B3-Sampled': '1' } });
    assert.equal(res.status, 200);
    const spans = await pollUntil(
      () => {
        const trace = receiver.spans().filter((s) => s.traceId === TRACE);
        return trace.length >= 2 ? trace : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'two spans of the trace at the OTLP receiver' },
    );
    const server = spans.find((s) => s.kind === 2);
    const work = spans.find((s) => s.name === 'work');
    assert.ok(server && work, JSON.stringify(spans.map((s) => s.name)));
    assert.equal(server.parentSpanId, PARENT);
    assert.equal(work.parentSpanId, server.spanId);
    assert.equal(work.attributes['work.kind'], 'test');
    assert.ok(work.endTimeUnixNano > work.startTimeUnixNano);
    // Nanoseconds from the anchored monotonic clock: no start on a whole millisecond, the child after its parent.
    for (const span of [server, work]) assert.notEqual(span.startTimeUnixNano % 1_000_000n, 0n, `${span.name} starts on a whole millisecond`);
    assert.ok(work.startTimeUnixNano >= server.startTimeUnixNano && work.endTimeUnixNano <= server.endTimeUnixNano);
    assert.equal(server.resource['service.name'], 'fixture');
    assert.equal(server.resource['service.version'], '9.9.9');
  });

  it('posts application/x-protobuf to /v1/traces with the configured headers', () => {
    const request = receiver.requests[0];
    assert.ok(request);
    assert.equal(request.headers['content-type'], 'application/x-protobuf');
    assert.equal(request.headers.authorization, 'Bearer lab-token');
    assert.equal(request.headers['x-scope-orgid'], 'faultline');
  });

  it('flushes on SIGTERM', async () => {
    const res = await fetch(`${fixtureUrl}/fail`);
    assert.equal(res.status, 502);
    const exited = new Promise((resolve) => fixture.once('exit', resolve));
    fixture.kill('SIGTERM');
    await exited;
    const failing = receiver.spans().find((s) => s.name === 'failing-step');
    assert.ok(failing, 'the span ended just before SIGTERM was exported');
    assert.equal(failing.statusCode, 2, 'STATUS_CODE_ERROR');
  });
});

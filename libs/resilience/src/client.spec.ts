import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createPropagator, shortenTraceId } from '@faultline/tracer';
import { Registry } from 'prom-client';
import { CircuitOpenError, ResilientCallError, ResilientClient, type ResilientClientOptions } from './index';

/** A loopback backend whose next answers the test scripts: a status, a hold (no answer) or a reset. */
type Step = { status: number; body?: string } | { holdMs: number; status?: number } | { reset: true };

class ScriptedBackend {
  readonly seen: IncomingMessage[] = [];
  script: Step[] = [];
  otherwise: Step = { status: 200, body: 'ok' };
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.seen.push(req);
    const step = this.script.shift() ?? this.otherwise;
    if ('reset' in step) return void req.socket.destroy();
    if ('holdMs' in step) {
      const timer = setTimeout(() => res.writeHead(step.status ?? 200).end('late'), step.holdMs);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    res.writeHead(step.status, { 'content-type': 'text/plain' }).end(step.body ?? `status ${step.status}`);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register({ propagator: createPropagator(['b3multi']) });
// The fetch instrumentation the sidecar tracer installs, so the test sees what a service would export.
registerInstrumentations({ tracerProvider: provider, instrumentations: [new UndiciInstrumentation()] });

describe('ResilientClient against a loopback backend', () => {
  const backend = new ScriptedBackend();
  const noWait = () => Promise.resolve();
  const client = (options: Partial<ResilientClientOptions> = {}) =>
    new ResilientClient({ target: 'backend', baseUrl: backend.url, maxAttempts: 5, perTryTimeoutMs: 1_000, backoffMs: 1, sleep: noWait, ...options });

  before(() => backend.start());
  after(async () => {
    await backend.stop();
    await provider.shutdown();
  });
  beforeEach(() => {
    backend.seen.length = 0;
    backend.script = [];
    backend.otherwise = { status: 200, body: 'ok' };
    exporter.reset();
  });

  it('retries 503, 502 and 504, each attempt its own client span carried to the backend in B3 headers', async () => {
    backend.script = [{ status: 503 }, { status: 502 }, { status: 504 }];
    const answer = await client().get('/work?x=1');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'ok');
    assert.equal(answer.attempts, 4);
    assert.equal(backend.seen.length, 4);
    assert.equal(backend.seen[0].url, '/work?x=1');

    const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === '@faultline/resilience');
    assert.equal(spans.length, 4);
    assert.deepEqual(spans.map((s) => s.attributes['retry.attempt']), [1, 2, 3, 4]);
    assert.deepEqual(spans.map((s) => s.attributes['http.request.resend_count']), [0, 1, 2, 3]);
    assert.deepEqual(spans.map((s) => s.attributes['http.response.status_code']), [503, 502, 504, 200]);
    assert.ok(spans.every((s) => s.kind === SpanKind.CLIENT));
    assert.equal(exporter.getFinishedSpans().length, 4, 'the fetch instrumentation adds no second client span');
    spans.forEach((span, i) => {
      const headers = backend.seen[i].headers;
      assert.equal(headers['x-b3-spanid'], span.spanContext().spanId, `attempt ${i + 1} carries its own span id`);
      assert.equal(headers['x-b3-traceid'], shortenTraceId(span.spanContext().traceId));
    });
  });

  it('joins the caller\'s trace: all attempts are children of the active span', async () => {
    backend.script = [{ status: 503 }];
    const tracer = provider.getTracer('test');
    await tracer.startActiveSpan('caller', async (parent) => {
      await client().get('/');
      parent.end();
    });
    const spans = exporter.getFinishedSpans();
    const parent = spans.find((s) => s.name === 'caller');
    const attempts = spans.filter((s) => s.name === 'GET');
    assert.equal(attempts.length, 2);
    for (const attempt of attempts) {
      assert.equal(attempt.parentSpanContext?.spanId, parent?.spanContext().spanId);
      assert.equal(attempt.spanContext().traceId, parent?.spanContext().traceId);
    }
  });

  it('does not retry answers outside the retryable statuses (500, 404)', async () => {
    backend.script = [{ status: 500 }];
    assert.equal((await client().get('/')).status, 500);
    backend.script = [{ status: 404 }];
    const answer = await client().get('/');
    assert.equal(answer.status, 404);
    assert.equal(answer.attempts, 1);
    assert.equal(backend.seen.length, 2);
  });

  it('gives up after maxAttempts and resolves with the last 503', async () => {
    backend.otherwise = { status: 503, body: 'Overloaded' };
    const answer = await client({ maxAttempts: 3 }).get('/');
    assert.deepEqual([answer.status, answer.body, answer.attempts], [503, 'Overloaded', 3]);
    assert.equal(backend.seen.length, 3);
  });

  it('times out a try that does not answer within perTryTimeoutMs and retries it', async () => {
    backend.script = [{ holdMs: 5_000 }];
    const started = Date.now();
    const answer = await client({ perTryTimeoutMs: 150 }).get('/');
    assert.equal(answer.status, 200);
    assert.equal(answer.attempts, 2);
    assert.ok(Date.now() - started < 4_000, 'the held try was abandoned, not awaited');
    const first = exporter.getFinishedSpans()[0];
    assert.equal(first.attributes['error.type'], 'timeout');
  });

  it('rejects with the timeout when every try times out', async () => {
    backend.otherwise = { holdMs: 5_000 };
    await assert.rejects(client({ perTryTimeoutMs: 100, maxAttempts: 2 }).get('/'), (error: ResilientCallError) => {
      assert.equal(error.kind, 'timeout');
      assert.equal(error.attempts, 2);
      return true;
    });
  });

  it('retries a connection reset and a refused connection, then names the error code', async () => {
    backend.script = [{ reset: true }];
    assert.equal((await client().get('/')).attempts, 2);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new ResilientClient({ target: 'gone', baseUrl: `http://127.0.0.1:${port}`, maxAttempts: 3, perTryTimeoutMs: 1_000, backoffMs: 1, sleep: noWait });
    await assert.rejects(refused.get('/'), (error: ResilientCallError) => {
      assert.equal(error.kind, 'network_error');
      assert.equal(error.code, 'ECONNREFUSED');
      assert.equal(error.attempts, 3);
      return true;
    });
  });

  it('waits a jittered, growing backoff between attempts', async () => {
    backend.otherwise = { status: 503 };
    const waits: number[] = [];
    await client({ maxAttempts: 4, backoffMs: 100, random: () => 0, sleep: async (ms) => void waits.push(ms) }).get('/');
    assert.deepEqual(waits, [50, 100, 200]);
  });

  it('stops when the caller aborts, without further attempts', async () => {
    backend.otherwise = { holdMs: 5_000 };
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('caller gone')), 100);
    await assert.rejects(client({ perTryTimeoutMs: 2_000 }).get('/', { signal: caller.signal }), /caller gone/);
    assert.equal(backend.seen.length, 1);
  });

  it('opens the breaker after N consecutive failures, fails fast, probes once after openMs, closes on success', async () => {
    const clock = { now: 0 };
    const registry = new Registry();
    const guarded = client({ maxAttempts: 1, breaker: { failureThreshold: 3, openMs: 1_000 }, now: () => clock.now, registry });
    backend.otherwise = { status: 503 };
    for (let i = 0; i < 3; i++) assert.equal((await guarded.get('/')).status, 503);
    assert.equal(guarded.breaker?.state, 'open');

    await assert.rejects(guarded.get('/'), (error: CircuitOpenError) => {
      assert.ok(error instanceof CircuitOpenError);
      assert.equal(error.status, 503);
      assert.equal(error.attempts, 0);
      assert.equal(error.retryAfterMs, 1_000);
      return true;
    });
    assert.equal(backend.seen.length, 3, 'the open breaker kept the call away from the backend');

    clock.now = 1_000;
    backend.otherwise = { holdMs: 200, status: 200 };
    const probe = guarded.get('/');
    await assert.rejects(guarded.get('/'), CircuitOpenError, 'only one probe while half-open');
    assert.equal((await probe).status, 200);
    assert.equal(guarded.breaker?.state, 'closed');
    assert.equal(backend.seen.length, 4);

    const metrics = await registry.metrics();
    assert.match(metrics, /resilience_attempts_total\{target="backend",outcome="retryable_status"\} 3/);
    assert.match(metrics, /resilience_attempts_total\{target="backend",outcome="success"\} 1/);
    assert.match(metrics, /resilience_calls_total\{target="backend",outcome="circuit_open"\} 2/);
    assert.match(metrics, /resilience_circuit_breaker_state\{target="backend",state="closed"\} 1/);
    assert.match(metrics, /resilience_circuit_breaker_state\{target="backend",state="open"\} 0/);
    for (const [from, to] of [['closed', 'open'], ['open', 'half_open'], ['half_open', 'closed']]) {
      assert.match(metrics, new RegExp(`resilience_circuit_breaker_transitions_total\\{target="backend",from="${from}",to="${to}"\\} 1`));
    }
  });

  it('reopens when the half-open probe fails, and the breaker stops retries mid-call', async () => {
    const clock = { now: 0 };
    const guarded = client({ maxAttempts: 5, breaker: { failureThreshold: 2, openMs: 500 }, now: () => clock.now });
    backend.otherwise = { status: 503 };
    await assert.rejects(guarded.get('/'), (error: CircuitOpenError) => error instanceof CircuitOpenError && error.attempts === 2);
    assert.equal(backend.seen.length, 2, 'the third attempt met the open breaker');
    clock.now = 500;
    await assert.rejects(guarded.get('/'), (error: CircuitOpenError) => error instanceof CircuitOpenError && error.attempts === 1);
    assert.equal(guarded.breaker?.state, 'open');
    assert.equal(backend.seen.length, 3);
  });
});

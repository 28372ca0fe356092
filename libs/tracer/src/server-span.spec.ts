import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Context, context, ROOT_CONTEXT, SamplingDecision, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, type ReadableSpan, type Sampler, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AnchoredClock } from './clock';
import { PooledIdGenerator } from './id-generator';
import { createSampler } from './sampler';
import { type ServerSpanSource, startServerSpan } from './server-span';
import { spanLimitsFromEnv } from './span-limits';

/** Records what the span told it, in order. */
class RecordingProcessor implements SpanProcessor {
  readonly calls: string[] = [];
  readonly ended: ReadableSpan[] = [];
  constructor(private readonly name: string) {}
  onStart(span: Span, parent: Context): void {
    this.calls.push(`${this.name} start ${span.name} ${parent === ROOT_CONTEXT ? 'root' : 'parent'}`);
  }
  onEnd(span: ReadableSpan): void {
    this.calls.push(`${this.name} end ${span.name}`);
    this.ended.push(span);
  }
  forceFlush = () => Promise.resolve();
  shutdown = () => Promise.resolve();
}

function sourceWith(overrides: Partial<ServerSpanSource> = {}): ServerSpanSource & { processors: RecordingProcessor[] } {
  return {
    sampler: new AlwaysOnSampler(),
    idGenerator: new PooledIdGenerator(),
    resource: resourceFromAttributes({ 'service.name': 'svc' }),
    clock: new AnchoredClock(),
    limits: spanLimitsFromEnv(),
    processors: [new RecordingProcessor('first'), new RecordingProcessor('second')],
    ...overrides,
  } as ServerSpanSource & { processors: RecordingProcessor[] };
}

const attributes = () => ({ 'http.request.method': 'GET', 'url.path': '/orders/7' });

function busyWaitMs(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const withParent = (traceId: string, spanId: string, flags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: flags, isRemote: true });

describe('startServerSpan', () => {
  it("continues the caller's trace, tells every processor in order, and ends once", () => {
    const source = sourceWith();
    const parent = withParent('463ac35c9f6413ad48485a3953bb6124', '0020000000000001', TraceFlags.SAMPLED);
    const span = startServerSpan(source, 'GET', attributes(), parent);
    span.updateName('GET /orders/:id');
    span.end();
    span.end();
    assert.deepEqual([...source.processors[0].calls, ...source.processors[1].calls], [
      'first start GET parent',
      'first end GET /orders/:id',
      'second start GET parent',
      'second end GET /orders/:id',
    ]);
    const [ended] = source.processors[0].ended;
    assert.equal(ended.spanContext().traceId, '463ac35c9f6413ad48485a3953bb6124');
    assert.equal(ended.parentSpanContext?.spanId, '0020000000000001');
    assert.match(ended.spanContext().spanId, /^[0-9a-f]{16}$/);
    assert.equal(ended.spanContext().traceFlags, TraceFlags.SAMPLED);
    assert.equal(ended.resource, source.resource);
    assert.deepEqual(ended.attributes, attributes());
  });

  it('starts a new trace without a valid parent', () => {
    const source = sourceWith();
    const span = startServerSpan(source, 'GET', attributes(), ROOT_CONTEXT);
    span.end();
    const [ended] = source.processors[0].ended;
    assert.match(ended.spanContext().traceId, /^[0-9a-f]{32}$/);
    assert.equal(ended.parentSpanContext, undefined);
  });

  it('follows the sampler: dropped is a non-recording span carrying the ids, recorded-only is recorded unsampled', () => {
    const parentBased = sourceWith({ sampler: createSampler('parentbased_always_on', 1) });
    const dropped = startServerSpan(parentBased, 'GET', attributes(), withParent('a3ce929d0e0e4736a3ce929d0e0e4736', '0020000000000001', TraceFlags.NONE));
    assert.equal(dropped.isRecording(), false);
    assert.equal(dropped.spanContext().traceId, 'a3ce929d0e0e4736a3ce929d0e0e4736');
    assert.equal(dropped.spanContext().traceFlags, TraceFlags.NONE);
    dropped.end();
    assert.deepEqual(parentBased.processors[0].calls, []);

    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD, attributes: { 'sampler.said': 'record' } }) };
    const recorded = sourceWith({ sampler: recordOnly });
    startServerSpan(recorded, 'GET', attributes(), ROOT_CONTEXT).end();
    const [ended] = recorded.processors[0].ended;
    assert.equal(ended.spanContext().traceFlags, TraceFlags.NONE);
    assert.equal(ended.attributes['sampler.said'], 'record');
  });

  it('takes its times from the anchored clock: a 300 µs request reads about 300 µs, with its microseconds', () => {
    const source = sourceWith();
    const starts: number[] = [];
    // Each span's time as the test measures it around the span: the span's own duration lies within it.
    const outer: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = performance.now();
      const span = startServerSpan(source, 'GET', attributes(), ROOT_CONTEXT);
      busyWaitMs(0.3);
      span.end();
      outer.push((performance.now() - before) * 1000);
    }
    for (const [i, ended] of source.processors[0].ended.entries()) {
      const duration = hrTimeToMicroseconds(ended.duration);
      assert.ok(duration >= 300 && duration <= outer[i], `a 300 µs span read ${duration} µs (${outer[i]} µs around it)`);
      const endMinusStart = (ended.endTime[0] - ended.startTime[0]) * 1e9 + ended.endTime[1] - ended.startTime[1];
      assert.equal(endMinusStart, ended.duration[0] * 1e9 + ended.duration[1]);
      starts.push(hrTimeToMicroseconds(ended.startTime));
    }
    const whole = starts.filter((s) => s % 1000 === 0).length;
    assert.ok(whole <= 1, `${whole} of ${starts.length} starts on a whole millisecond`);
  });

  it("is the parent of the SDK's spans made under it, and does not follow a wall clock step back", (t) => {
    const source = sourceWith();
    const provider = new BasicTracerProvider({ spanProcessors: [source.processors[0]] });
    const before = hrTimeToMicroseconds(source.clock.now());
    const realNow = Date.now.bind(Date);
    const step = t.mock.method(Date, 'now', () => realNow() - 3_600_000);
    const span = startServerSpan(source, 'GET', attributes(), ROOT_CONTEXT);
    const child = provider.getTracer('t').startSpan('child', {}, trace.setSpan(context.active(), span));
    child.end();
    span.end();
    step.mock.restore();
    const [endedChild, endedServer] = source.processors[0].ended;
    assert.equal(endedChild.spanContext().traceId, span.spanContext().traceId);
    assert.equal(endedChild.parentSpanContext?.spanId, span.spanContext().spanId);
    assert.ok(hrTimeToMicroseconds(endedServer.startTime) >= before, 'the server span started an hour back');
    assert.ok(hrTimeToMicroseconds(endedServer.duration) >= 0);
  });

  it('an end the caller gives before the start makes a zero duration, not a negative one', () => {
    const source = sourceWith();
    const span = startServerSpan(source, 'GET', attributes(), ROOT_CONTEXT);
    span.end([1_000, 0]);
    const [ended] = source.processors[0].ended;
    assert.deepEqual(ended.duration, [0, 0]);
    assert.deepEqual(ended.endTime, ended.startTime);
  });

  it('checks what the app sets as the SDK does, under the same limits', () => {
    const limits = { ...spanLimitsFromEnv(), attributeCountLimit: 4, attributeValueLengthLimit: 5, eventCountLimit: 1 };
    const source = sourceWith({ limits });
    const span = startServerSpan(source, 'GET', attributes(), ROOT_CONTEXT);
    span.setAttribute('http.route', '/orders/:id');
    span.setAttribute('url.path', '/replaced');
    span.setAttribute('bad', { nested: true } as never);
    span.setAttribute('', 'no key');
    span.setAttribute('http.response.status_code', 500);
    span.setAttribute('one.too.many', 'x');
    span.addEvent('first');
    span.addEvent('second', { n: 2 });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.setStatus({ code: SpanStatusCode.UNSET });
    span.end();
    span.setAttribute('after.end', 1);
    const [ended] = source.processors[0].ended;
    assert.deepEqual(ended.attributes, {
      'http.request.method': 'GET',
      'url.path': '/repl',
      'http.route': '/orde',
      'http.response.status_code': 500,
    });
    assert.equal(ended.droppedAttributesCount, 1);
    assert.deepEqual(
      ended.events.map((e) => [e.name, e.attributes]),
      [['second', { n: 2 }]],
    );
    assert.equal(ended.droppedEventsCount, 1);
    assert.deepEqual(ended.status, { code: SpanStatusCode.ERROR, message: 'boom' });
  });

  it('records an exception as the SDK does: its code as the type, message and stack', () => {
    const source = sourceWith();
    const span = startServerSpan(source, 'GET', attributes(), ROOT_CONTEXT);
    span.recordException(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    span.end();
    const [event] = source.processors[0].ended[0].events;
    assert.equal(event.name, 'exception');
    assert.equal(event.attributes?.['exception.type'], 'ECONNREFUSED');
    assert.equal(event.attributes?.['exception.message'], 'connect ECONNREFUSED');
    assert.match(String(event.attributes?.['exception.stacktrace']), /server-span\.spec/);
  });
});

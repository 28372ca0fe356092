import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AnchoredClock, AnchoredStartProcessor } from './clock';

function busyWaitMs(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin: a timer would wait at least a millisecond
  }
}

function tracerWith(processors: SimpleSpanProcessor[], anchored = true) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [...(anchored ? [new AnchoredStartProcessor()] : []), new SimpleSpanProcessor(exporter), ...processors],
  });
  return { tracer: provider.getTracer('clock-test'), finished: () => exporter.getFinishedSpans() };
}

const micros = (span: ReadableSpan) => hrTimeToMicroseconds(span.startTime);

describe('AnchoredClock', () => {
  it('reads the wall clock once, then follows the monotonic clock through a wall clock step', () => {
    let wall = 1_700_000_000_000.25;
    let monotonic = 5_000;
    let wallReads = 0;
    const clock = new AnchoredClock({
      wallMs: () => {
        wallReads++;
        return wall;
      },
      monotonicMs: () => monotonic,
    });
    const first = hrTimeToMicroseconds(clock.now());
    assert.equal(first, 1_700_000_000_000_250);
    wall -= 3_600_000; // NTP steps the wall clock an hour back
    monotonic += 0.3; // 300 µs later
    const second = hrTimeToMicroseconds(clock.now());
    assert.ok(Math.abs(second - first - 300) < 0.01, `the step moved nothing; 300 µs read as ${second - first} µs`);
    assert.equal(wallReads, 1);
  });
});

describe('AnchoredStartProcessor (spans of a real SDK provider)', () => {
  it('gives starts their microseconds: a 300 µs span reads about 300 µs, and starts are not whole milliseconds', () => {
    const { tracer, finished } = tracerWith([]);
    for (let i = 0; i < 20; i++) {
      const span = tracer.startSpan('short');
      busyWaitMs(0.3);
      span.end();
    }
    const spans = finished();
    const whole = spans.filter((s) => micros(s) % 1000 === 0).length;
    assert.ok(whole <= 1, `${whole} of ${spans.length} starts on a whole millisecond`);
    for (const span of spans) {
      const duration = hrTimeToMicroseconds(span.duration);
      assert.ok(duration >= 300 && duration < 20_000, `a 300 µs span read ${duration} µs`);
    }
  });

  it('keeps children after their parents and durations positive when the wall clock steps back', (t) => {
    for (const anchored of [true, false]) {
      const { tracer, finished } = tracerWith([], anchored);
      const realNow = Date.now.bind(Date);
      const parent = tracer.startSpan('parent');
      busyWaitMs(0.2);
      const step = t.mock.method(Date, 'now', () => realNow() - 3_600_000);
      const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), parent));
      busyWaitMs(0.2);
      child.end();
      parent.end();
      step.mock.restore();
      const [endedChild, endedParent] = finished();
      const childAfterParent = micros(endedChild) >= micros(endedParent);
      const positive = hrTimeToMicroseconds(endedParent.duration) > 0 && hrTimeToMicroseconds(endedChild.duration) > 0;
      if (anchored) {
        assert.ok(childAfterParent, `the child starts ${micros(endedParent) - micros(endedChild)} µs before its parent`);
        assert.ok(positive);
        assert.ok(micros(endedChild) + hrTimeToMicroseconds(endedChild.duration) <= micros(endedParent) + hrTimeToMicroseconds(endedParent.duration));
      } else {
        // The SDK alone: the child follows the step and starts an hour before its parent.
        assert.equal(childAfterParent, false, 'the control run should show the step');
      }
    }
  });

  it('leaves a start the caller gave as it is', () => {
    const { tracer, finished } = tracerWith([]);
    tracer.startSpan('given', { startTime: [1_700_000_000, 123_000_000] }).end();
    assert.deepEqual(finished()[0].startTime, [1_700_000_000, 123_000_000]);
  });
});

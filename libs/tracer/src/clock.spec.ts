import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AnchoredClock, AnchoredStartProcessor, wallAtTick } from './clock';

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

describe('wallAtTick', () => {
  it("reads the moment Date.now() turns, to microseconds, and keeps the try the scheduler did not interrupt", () => {
    // A made-up pair of clocks: the wall clock turns every millisecond of monotonic time, offset by 0.4 ms;
    // the second try is interrupted for 2 ms between two readings.
    let monotonic = 100.05;
    let interruptAt = -1;
    let reads = 0;
    const monotonicMs = () => {
      reads++;
      if (reads === interruptAt) monotonic += 2;
      monotonic += 0.0002;
      return monotonic;
    };
    const wallNow = () => Math.floor(1_700_000_000_000 + monotonic + 0.4);
    const clean = wallAtTick(monotonicMs, wallNow, 1);
    assert.ok(clean.spreadMs < 0.001, `the two readings around the tick ${clean.spreadMs} ms apart`);
    assert.ok(Math.abs(clean.wallMs - (1_700_000_000_000 + clean.monotonicMs + 0.4)) < 0.001, 'the wall time at that monotonic reading');
    interruptAt = reads + 3;
    const best = wallAtTick(monotonicMs, wallNow, 3);
    assert.ok(best.spreadMs < 0.001, `the interrupted try is not kept (spread ${best.spreadMs} ms)`);
  });

  it('on the real clocks: two anchors taken apart agree to well under a millisecond', () => {
    const anchor = () => {
      const tick = wallAtTick();
      return tick.wallMs - tick.monotonicMs;
    };
    const first = anchor();
    busyWaitMs(5);
    const second = anchor();
    assert.ok(Math.abs(first - second) < 0.2, `anchors ${((first - second) * 1000).toFixed(1)} µs apart`);
  });
});

describe('AnchoredStartProcessor (spans of a real SDK provider)', () => {
  it('gives starts their microseconds: a 300 µs span reads about 300 µs, and starts are not whole milliseconds', () => {
    const { tracer, finished } = tracerWith([]);
    // Each span's time as the test measures it around the span: the span's own duration lies within it.
    const outer: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = performance.now();
      const span = tracer.startSpan('short');
      busyWaitMs(0.3);
      span.end();
      outer.push((performance.now() - before) * 1000);
    }
    const spans = finished();
    const whole = spans.filter((s) => micros(s) % 1000 === 0).length;
    assert.ok(whole <= 1, `${whole} of ${spans.length} starts on a whole millisecond`);
    for (const [i, span] of spans.entries()) {
      const duration = hrTimeToMicroseconds(span.duration);
      assert.ok(duration >= 300 && duration <= outer[i], `a 300 µs span read ${duration} µs (${outer[i]} µs around it)`);
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
